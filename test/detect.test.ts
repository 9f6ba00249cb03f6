// Detection fills the answers the generated commands depend on, for each repo layout.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { allowedMinors, chooseMinor, detectPythonVersion, pinnedMinor } from "../src/detect/python-version.js";
import { detectRepo, normaliseGitRemote } from "../src/detect/repo.js";
import { pin } from "../src/stacks/runtime-pins.js";
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
      // requires-python ">=3.11,<3.14" allows the default.
      python: "3.12",
      pythonSource: "pyproject.toml (requires-python)",
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
      // runtime.txt pins python-3.11.9: the image uses the newest 3.11 patch the kit pins.
      python: "3.11",
      pythonSource: "runtime.txt",
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
  {
    app: join(FIXTURES, "django-legacy"),
    expect: {
      stack: "django-celery",
      packageManager: "pip",
      settingsModule: "legacy.settings",
      wsgiApp: "legacy.wsgi:application",
      celeryApp: "legacy",
      // requirements.txt includes requirements/base.txt, which names a constraints file.
      requirementFiles: ["requirements.txt", "requirements/base.txt", "requirements/constraints.txt"],
      dependencies: new Set(["django", "celery", "psycopg2", "gunicorn"]),
      djangoBefore42: true,
      python: "3.10",
      pythonSource: ".python-version",
    },
  },
  {
    app: join(FIXTURES, "django-pipenv"),
    expect: {
      stack: "django-celery",
      packageManager: "pipenv",
      lockfile: true,
      // manage.py names blog.settings.local (DEBUG on, any host): production builds on base.
      settingsModule: "blog.settings.base",
      settingsPath: "blog/settings/base.py",
      celeryApp: "blog",
      python: "3.11",
      pythonSource: "Pipfile ([requires] python_version)",
      dependencies: new Set(["django", "celery", "psycopg"]),
      djangoBefore42: false,
    },
  },
  {
    app: join(FIXTURES, "fastapi-reqs-prod"),
    expect: {
      stack: "fastapi-chatwoot",
      packageManager: "pip",
      // No requirements.txt: the production file is the one a deploy installs.
      requirementFiles: ["requirements/production.txt", "requirements/base.txt"],
      dependencies: new Set(["gunicorn", "fastapi", "uvicorn"]),
      fastapiApp: "api.server:application",
      healthPath: "/health",
    },
  },
  {
    app: join(FIXTURES, "ambiguous"),
    expect: {
      stackChoices: [
        { stack: "django-celery", evidence: "manage.py" },
        { stack: "fastapi-chatwoot", evidence: "FastAPI() in api/server.py" },
      ],
      // Both are detected in full, for whichever the user picks.
      settingsModule: "portal.settings",
      celeryApp: "portal",
      fastapiApp: "api.server:service",
    },
  },
  {
    app: join(FIXTURES, "fastapi-poetry2"),
    expect: {
      stack: "fastapi-chatwoot",
      // Poetry 2 with PEP 621 dependencies: Poetry installs it, from poetry.lock.
      packageManager: "poetry",
      lockfile: true,
      dependencies: new Set(["fastapi", "httpx", "psycopg", "redis"]),
      fastapiApp: "service.main:app",
      webhookPath: "/webhooks/chatwoot",
      projectName: "inbox-bot",
      python: "3.12",
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
    expect(dockerfile).toContain("FROM python:3.11.17-slim-bookworm");
    // Alembic is there, so migrations become the pre-deploy step.
    expect(files.find((f) => f.path === "render.yaml")!.content).toContain("preDeployCommand: alembic upgrade head");
  });

  it("the settings package and a Celery app outside celery.py", () => {
    const { plan, files } = renderFiles("railway", "django-celery", { app: join(FIXTURES, "django-uv") });
    expect(plan.django).toMatchObject({ productionSettings: "mysite.settings.production", productionSettingsPath: "mysite/settings/production.py" });
    expect(files.find((f) => f.path === "railway/worker.json")!.content).toContain("celery --app mysite.tasks_app worker");
    // whitenoise, gunicorn and psycopg2 are the app's own: only the missing ones are added.
    expect(plan.dependencies.extra).toEqual([pin("dj-database-url"), pin("sentry-sdk")]);
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

describe("Python version", () => {
  it.each([
    [">=3.11,<3.14", ["3.11", "3.12", "3.13"], "3.12"],
    [">=3.8,<3.12", ["3.10", "3.11"], "3.11"],
    [">=3.13", ["3.13", "3.14"], "3.13"],
    ["~=3.11.2", ["3.11"], "3.11"],
    ["^3.10", ["3.10", "3.11", "3.12", "3.13", "3.14"], "3.12"],
    ["~3.13", ["3.13"], "3.13"],
    ["3.11.*", ["3.11"], "3.11"],
    [">=3.10,!=3.12.*", ["3.10", "3.11", "3.13", "3.14"], "3.11"],
    ["<3.10", [], undefined],
  ])("%s allows %j and builds %s", (spec, allowed, chosen) => {
    expect(allowedMinors(spec)).toEqual(allowed);
    expect(chooseMinor(allowed)).toBe(chosen);
  });

  it("reads exact pins whole, and says when the app wants a Python the kit cannot build", () => {
    expect(pinnedMinor("3.12.7\n")).toBe("3.12");
    expect(pinnedMinor("python-3.11.2")).toBe("3.11");
    expect(pinnedMinor("3.100; rm -rf /")).toBeUndefined();
    expect(pinnedMinor("my-virtualenv")).toBeUndefined();
    expect(detectPythonVersion([{ source: ".python-version", pin: "3.9.18" }])).toEqual({ kind: "unsupported", wanted: "3.9", source: ".python-version" });
    expect(detectPythonVersion([{ source: "pyproject.toml", range: "<3.10" }])).toEqual({ kind: "unsupported", wanted: "<3.10", source: "pyproject.toml" });
    // A pin that is not a version (a pyenv environment name) falls through to the next source.
    expect(detectPythonVersion([{ source: ".python-version", pin: "proj-env" }, { source: "runtime.txt", pin: "python-3.13.1" }])).toEqual({
      kind: "ok",
      minor: "3.13",
      source: "runtime.txt",
    });
  });
});

describe("odd repositories do not crash detection", () => {
  function repo(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "detect-odd-"));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return dir;
  }

  it.each([
    ["a numeric project name", { "pyproject.toml": '[project]\nname = 5\ndependencies = ["fastapi"]\n' }],
    ["a table of dependencies where a list belongs", { "pyproject.toml": '[project]\nname = "x"\ndependencies = {fastapi = "1"}\n' }],
    ["a Poetry name that is a list", { "pyproject.toml": '[tool.poetry]\nname = ["x"]\n[tool.poetry.dependencies]\nfastapi = 1\n' }],
    ["a pyproject that does not parse", { "pyproject.toml": "[project\nname=" }],
  ])("%s", (_label, files) => {
    const dir = repo(files);
    try {
      expect(() => detectRepo(dir)).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("turns the origin remote into one a platform can build from", () => {
    expect(normaliseGitRemote("ssh://git@github.com/acme/shop.git")).toBe("git@github.com:acme/shop.git");
    expect(normaliseGitRemote("https://user:ghp_token@github.com/acme/shop.git")).toBe("https://github.com/acme/shop.git");
    expect(normaliseGitRemote("git@gitlab.com:acme/shop.git")).toBe("git@gitlab.com:acme/shop.git");
  });

  it("says where an include outside the repo is", () => {
    const outside = repo({ "requirements.txt": "-r ../shared/base.txt\nfastapi==0.115.0\n" });
    try {
      expect(detectRepo(outside).notes).toEqual([expect.stringContaining("includes ../shared/base.txt, outside the repository")]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("decides the pins from the Django the app can run", () => {
    const cases: [string, boolean][] = [
      ["Django==3.2.25", true],
      ["Django>=3.2,<4.0", true],
      ["Django~=4.1.0", true],
      ["Django==5.1.4", false],
      ["Django>=3.2", false],
      ["Django", false],
    ];
    for (const [line, before42] of cases) {
      const dir = repo({ "requirements.txt": `${line}\n` });
      try {
        expect(detectRepo(dir).djangoBefore42, line).toBe(before42);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
});
