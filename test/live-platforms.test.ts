// Live: the Render, Railway and Easypanel kits run for real without the platforms. A harness
// (test/helpers/live-platform.ts) reads render.yaml, the railway files (and the runbook's variables)
// and easypanel/template.json, wires every variable as the platform does, runs the pre-deploy
// command against a real PostgreSQL, starts each service with its command (the image's CMD for
// web), answers the platform's health check and keeps workers and beat running: the commands and
// variable names in those files are the ones the app needs.
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import type { PlatformId, StackId } from "../src/answers.js";
import { FIXTURES, generateKit, type Kit } from "./helpers/kit.js";
import { runPlatform } from "./helpers/live-platform.js";
import { requireRoot, requireTools } from "./helpers/tools.js";

type Platform = Exclude<PlatformId, "vps">;
const CASES: { platform: Platform; stack: StackId; label: string; app?: string }[] = [
  ...(["render", "railway", "easypanel"] as const).flatMap((platform) =>
    (["django-celery", "django-channels", "fastapi-chatwoot"] as const).map((stack) => ({ platform, stack, label: `examples/${stack}` })),
  ),
  { platform: "render", stack: "django-celery", label: "fixtures/django-legacy", app: join(FIXTURES, "django-legacy") },
  { platform: "railway", stack: "django-channels", label: "fixtures/django-poetry", app: join(FIXTURES, "django-poetry") },
  { platform: "easypanel", stack: "fastapi-chatwoot", label: "fixtures/fastapi-poetry2", app: join(FIXTURES, "fastapi-poetry2") },
];

beforeAll(() => {
  requireTools(["unshare", "nsenter", "setpriv", "runuser", "ip", "timeout", "redis-server", "redis-cli", "psql", "gunicorn", "celery"]);
  requireRoot("the live tests");
});

describe.each(CASES)("live $platform × $stack: $label", ({ platform, stack, label, app }) => {
  let kit: Kit;
  beforeAll(() => {
    kit = generateKit(platform, stack, { app });
  });
  afterAll(() => kit?.cleanup());

  it("pre-deploy, start commands and health check work with the env the platform wires", async () => {
    const proved = await runPlatform(platform, kit);
    console.log(`live ${platform}/${stack} ${label}: ${proved.join("; ")}`);
  });
});
