// Detection fills the answers the generated commands depend on, for each repo layout.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectRepo } from "../src/detect/repo.js";
import { EXAMPLES, FIXTURES, renderFiles } from "./helpers/kit.js";

const table = [
  {
    app: join(EXAMPLES, "django-celery"),
    expect: {
      stack: "django-celery",
      packageManager: "pip",
      lockfile: false,
      settingsModule: "shop.settings",
      settingsPath: "shop/settings.py",
      wsgiApp: "shop.wsgi:application",
      celeryApp: "shop",
      healthPath: "/healthz",
      usesDjangoCeleryBeat: true,
      python: undefined,
    },
  },
  {
    app: join(EXAMPLES, "django-channels"),
    expect: {
      stack: "django-channels",
      packageManager: "uv",
      lockfile: false,
      settingsModule: "config.settings.base",
      settingsPath: "config/settings/base.py",
      asgiApp: "config.asgi:application",
      healthPath: "/health/",
      websocketPaths: ["/ws/"],
      python: "3.12",
    },
  },
  {
    app: join(EXAMPLES, "fastapi-chatwoot"),
    expect: {
      stack: "fastapi-chatwoot",
      packageManager: "poetry",
      lockfile: false,
      fastapiApp: "bot.api:api",
      healthPath: "/healthz",
      webhookPath: "/chatwoot/webhook",
      python: "3.12",
      projectName: "support-bot",
    },
  },
  {
    app: join(FIXTURES, "django-uv"),
    expect: {
      stack: "django-celery",
      packageManager: "uv",
      lockfile: true,
      settingsModule: "mysite.settings",
      settingsPath: "mysite/settings/__init__.py",
      celeryApp: "mysite.tasks_app",
      python: "3.11",
    },
  },
  {
    app: join(FIXTURES, "fastapi-reqs"),
    expect: {
      stack: "fastapi-chatwoot",
      packageManager: "pip",
      fastapiApp: "service.web.app:application",
      healthPath: "/status/health",
      webhookPath: "/hooks/chatwoot-webhook",
      python: "3.11.9",
    },
  },
  {
    app: join(FIXTURES, "django-poetry"),
    expect: {
      stack: "django-channels",
      packageManager: "poetry",
      lockfile: true,
      settingsModule: "core.settings",
      asgiApp: "core.asgi:application",
      healthPath: "/healthcheck/",
      websocketPaths: ["/live/"],
      python: "3.13",
    },
  },
];

describe.each(table)("detects $app", ({ app, expect: wanted }) => {
  it("stack, paths, dependency manager and Python version", () => {
    expect(detectRepo(app)).toMatchObject(wanted);
  });
});

describe("detection feeds the generated commands", () => {
  it("the FastAPI app object that is not main:app", () => {
    const { files } = renderFiles("render", "fastapi-chatwoot", { app: join(FIXTURES, "fastapi-reqs") });
    const dockerfile = files.find((f) => f.path === "Dockerfile")!.content;
    expect(dockerfile).toContain('"service.web.app:application"]');
    expect(dockerfile).toContain("FROM python:3.11.9-slim-bookworm");
    // Alembic is there, so migrations become the pre-deploy step.
    expect(files.find((f) => f.path === "render.yaml")!.content).toContain("preDeployCommand: alembic upgrade head");
  });

  it("the settings package and a Celery app outside celery.py", () => {
    const { plan, files } = renderFiles("railway", "django-celery", { app: join(FIXTURES, "django-uv") });
    expect(plan.django).toMatchObject({ productionSettings: "mysite.settings.production", productionSettingsPath: "mysite/settings/production.py" });
    expect(files.find((f) => f.path === "railway/worker.json")!.content).toContain("celery --app mysite.tasks_app worker");
    // whitenoise, gunicorn and psycopg2 are the app's own: only the missing ones are added.
    expect(plan.dependencies.extra).toEqual(["dj-database-url==2.3.0", "sentry-sdk==2.20.0"]);
  });

  it("never walks into virtualenvs or node_modules", () => {
    const dir = mkdtempSync(join(tmpdir(), "detect-"));
    try {
      writeFileSync(join(dir, "requirements.txt"), "fastapi\n");
      mkdirSync(join(dir, "app"));
      writeFileSync(join(dir, "app", "server.py"), "from fastapi import FastAPI\nweb = FastAPI()\n");
      for (const skipped of [".venv/lib/site", "node_modules/pkg", "venv/lib"]) {
        mkdirSync(join(dir, skipped), { recursive: true });
        writeFileSync(join(dir, skipped, "aaa.py"), "from fastapi import FastAPI\nwrong = FastAPI()\n");
      }
      expect(detectRepo(dir).fastapiApp).toBe("app.server:web");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a folder with no Python project is not a Python repo", () => {
    const dir = mkdtempSync(join(tmpdir(), "detect-empty-"));
    try {
      writeFileSync(join(dir, "package.json"), "{}");
      expect(detectRepo(dir).isPythonRepo).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
