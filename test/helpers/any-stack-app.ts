// An app every stack can render for: the Django + Celery example plus an ASGI module and a FastAPI
// app, so tests can switch stacks back and forth in one repository.
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAnswers, type PlatformId, type StackId } from "../../src/answers.js";
import { detectRepo } from "../../src/detect/repo.js";
import { detectedAnswers } from "../../src/resolve-answers.js";
import { EXAMPLES, FIXED } from "./kit.js";

export function anyStackApp(): string {
  const dir = mkdtempSync(join(tmpdir(), "any-stack-"));
  cpSync(join(EXAMPLES, "django-celery"), dir, { recursive: true });
  writeFileSync(
    join(dir, "shop", "asgi.py"),
    'import os\n\nfrom django.core.asgi import get_asgi_application\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")\napplication = get_asgi_application()\n',
  );
  mkdirSync(join(dir, "bot"));
  writeFileSync(join(dir, "bot", "__init__.py"), "");
  writeFileSync(join(dir, "bot", "api.py"), 'from fastapi import FastAPI\n\napi = FastAPI()\n\n\n@api.get("/healthz")\ndef health():\n    return {"ok": True}\n');
  return dir;
}

export function answersFor(root: string, platform: PlatformId, stack: StackId, healthPath = "/healthz") {
  const facts = detectRepo(root);
  return parseAnswers(
    detectedAnswers(facts, { ...FIXED, platform, stack, healthPath, asgiApp: "shop.asgi:application", fastapiApp: "bot.api:api" }, false),
  );
}
