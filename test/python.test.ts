// Generated Python, run by the interpreter that will run it: py_compile for every file, Gunicorn's
// config executed, and for Django `manage.py check --deploy` with zero warnings on real apps
// (Debian's Django 3.2), plus the behaviour of the settings and the health middleware.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { COMBOS, FIXTURES, generateKit, type Kit } from "./helpers/kit.js";

/** Debian's interpreter: it has Django, Celery, Channels, FastAPI from Debian's packages. */
const PYTHON = "/usr/bin/python3";
if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/ensure-tools.sh`);

const SECRET = "k3y-".repeat(15) + "Zq9!";
const ENV = {
  SECRET_KEY: SECRET,
  DATABASE_URL: "postgres://app:pw@127.0.0.1:5432/app",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  ALLOWED_HOSTS: "app.example.com",
};

function py(kit: Kit, args: string[], env: Record<string, string | undefined> = {}) {
  const settings = kit.plan.django?.productionSettings;
  const r = spawnSync(PYTHON, args, {
    cwd: kit.dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(settings ? { DJANGO_SETTINGS_MODULE: settings } : {}), ...ENV, ...env },
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const kits: Kit[] = [];
const kit = (...args: Parameters<typeof generateKit>) => {
  const k = generateKit(...args);
  kits.push(k);
  return k;
};
afterAll(() => kits.forEach((k) => k.cleanup()));

let compiled = 0;
describe.each(COMBOS)("Python files of $platform × $stack", ({ platform, stack }) => {
  it("compile, and gunicorn.conf.py reads PORT and the proxy trust from env", () => {
    const k = kit(platform, stack);
    const pyFiles = k.files.filter((f) => f.path.endsWith(".py")).map((f) => f.path);
    expect(pyFiles).toContain("gunicorn.conf.py");
    const r = py(k, ["-m", "py_compile", ...pyFiles]);
    expect(r.out).toBe("");
    expect(r.code).toBe(0);
    compiled += pyFiles.length;
    const conf = py(k, ["-c", "c = {}; exec(open('gunicorn.conf.py').read(), c); print(c['bind'], c['workers'], c['forwarded_allow_ips'])"], {
      PORT: "9123",
      WEB_CONCURRENCY: "3",
      FORWARDED_ALLOW_IPS: "10.0.0.2",
    });
    expect(conf.out.trim()).toBe("0.0.0.0:9123 3 10.0.0.2");
  });
});

const DJANGO_APPS = [
  { label: "examples/django-celery", stack: "django-celery" as const, app: undefined },
  { label: "examples/django-channels", stack: "django-channels" as const, app: undefined },
  { label: "fixtures/django-uv (settings package, Celery app in tasks_app.py)", stack: "django-celery" as const, app: join(FIXTURES, "django-uv") },
  { label: "fixtures/django-poetry (no security middleware of its own)", stack: "django-channels" as const, app: join(FIXTURES, "django-poetry") },
  { label: "fixtures/django-legacy (Django 3.2 pins, split requirements)", stack: "django-celery" as const, app: join(FIXTURES, "django-legacy") },
  { label: "fixtures/django-pipenv (Pipenv, settings/base.py under a local.py)", stack: "django-celery" as const, app: join(FIXTURES, "django-pipenv") },
];

let deployChecks = 0;
describe.each(DJANGO_APPS)("Django production settings on $label", ({ stack, app }) => {
  const k = kit("render", stack, { app });
  const health = k.plan.healthPath;

  it("pass `manage.py check --deploy` with zero warnings", () => {
    const r = py(k, ["manage.py", "check", "--deploy"]);
    expect(r.out.trim()).toBe("System check identified no issues (0 silenced).");
    expect(r.code).toBe(0);
    deployChecks++;
  });

  it("refuse to start without SECRET_KEY, DATABASE_URL or ALLOWED_HOSTS", () => {
    for (const missing of ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"]) {
      const r = py(k, ["manage.py", "check"], { [missing]: "" });
      expect(r.code, missing).not.toBe(0);
      expect(r.out).toContain(`ImproperlyConfigured: ${missing}`);
    }
  });

  it("answer the health probe with any Host over plain HTTP, and guard everything else", () => {
    const script = `
import django
django.setup()
from django.test import Client
c = Client()
print(c.get("${health}", HTTP_HOST="10.1.2.3:${k.plan.port}").status_code)
print(c.get("/not-health", HTTP_HOST="10.1.2.3").status_code)
r = c.get("/not-health", HTTP_HOST="app.example.com")
print(r.status_code, r.get("Location"))
print(c.get("/not-health", HTTP_HOST="app.example.com", HTTP_X_FORWARDED_PROTO="https").status_code)
`;
    const r = py(k, ["-c", script]);
    expect(r.out.split("\n").filter((l) => /^\d{3}( |$)/.test(l))).toEqual(["200", "400", "301 https://app.example.com/not-health", "404"]);
  });

  it("put WhiteNoise right after SecurityMiddleware and the health check first", () => {
    const r = py(k, ["-c", "import django; django.setup(); from django.conf import settings as s; print('\\n'.join(s.MIDDLEWARE))"]);
    const mw = r.out.trim().split("\n");
    expect(mw[0]).toBe(`${k.plan.django!.healthMiddleware}.HealthCheckMiddleware`);
    expect(mw[1]).toBe("django.middleware.security.SecurityMiddleware");
    expect(mw[2]).toBe("whitenoise.middleware.WhiteNoiseMiddleware");
    expect(mw.filter((m) => m.includes("WhiteNoise"))).toHaveLength(1);
  });

  it("use STATICFILES_STORAGE on Django 3.2 and only STORAGES on Django >= 4.2", () => {
    const show = `
import importlib, sys
import django
django.VERSION = VERSION
s = importlib.import_module("${k.plan.django!.productionSettings}")
print(getattr(s, "STATICFILES_STORAGE", None))
print(getattr(s, "STORAGES", {}).get("staticfiles"), getattr(s, "STORAGES", {}).get("default"))
`;
    const old = py(k, ["-c", `VERSION = (3, 2, 25, "final", 0)\n${show}`]).out.trim().split("\n");
    expect(old[0]).toBe("whitenoise.storage.CompressedManifestStaticFilesStorage");
    const current = py(k, ["-c", `VERSION = (5, 1, 4, "final", 0)\n${show}`]).out.trim().split("\n");
    expect(current[0]).toBe("None");
    expect(current[1]).toBe(
      "{'BACKEND': 'whitenoise.storage.CompressedManifestStaticFilesStorage'} {'BACKEND': 'django.core.files.storage.FileSystemStorage'}",
    );
  });

  it("read the database from DATABASE_URL with persistent, health-checked connections", () => {
    const r = py(k, ["-c", "import django; django.setup(); from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'], d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"]);
    // Persistent connections for WSGI workers; none under ASGI, where they pile up.
    expect(r.out.trim()).toBe(`django.db.backends.postgresql app 127.0.0.1 ${stack === "django-channels" ? 0 : 600} True`);
  });

  it("use TLS to Redis for rediss:// URLs", () => {
    const code =
      stack === "django-celery"
        ? "import ssl, django; django.setup(); from django.conf import settings as s; print(s.CELERY_BROKER_URL, s.CELERY_BROKER_USE_SSL['ssl_cert_reqs'] == ssl.CERT_REQUIRED, s.CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP)"
        : "import django; django.setup(); from django.conf import settings as s; print(s.CHANNEL_LAYERS['default']['BACKEND'], s.CHANNEL_LAYERS['default']['CONFIG']['hosts'])";
    const r = py(k, ["-c", code], { REDIS_URL: "rediss://:pw@redis.example.net:6380/0" });
    if (stack === "django-celery") expect(r.out.trim()).toBe("rediss://:pw@redis.example.net:6380/0 True True");
    else expect(r.out.trim()).toMatch(/^channels_redis\.\w+\.\w+ \[\{'address': 'rediss:\/\/:pw@redis\.example\.net:6380\/0'\}\]$/);
  });

  it("accept a generated 256-bit key shorter than 50 characters (Render's), stretched, with no deploy warning", () => {
    const base64Key = "q0Zy3vX9mLk2Rt8sWbN4cH7pJd1eFg6uAo5iYx0TzE8=";
    expect(base64Key).toHaveLength(44);
    const r = py(k, ["manage.py", "check", "--deploy"], { SECRET_KEY: base64Key });
    expect(r.out.trim()).toBe("System check identified no issues (0 silenced).");
    const key = py(k, ["-c", "import django; django.setup(); from django.conf import settings as s; print(s.SECRET_KEY)"], { SECRET_KEY: base64Key });
    expect(key.out.trim()).toBe(createHash("sha512").update(base64Key).digest("hex"));
    const short = py(k, ["manage.py", "check"], { SECRET_KEY: "too-short-to-be-random" });
    expect(short.out).toContain("ImproperlyConfigured: SECRET_KEY must be set");
  });

  it("check the database only when asked, with a real query (503 when it is unreachable)", () => {
    const script = `import django; django.setup()\nfrom django.test import Client\nprint(Client().get("${health}", HTTP_HOST="10.0.0.9").status_code)`;
    const status = (env: Record<string, string>) => py(k, ["-c", script], env).out.split("\n")[0];
    expect(status({ HEALTH_CHECK_DATABASE: "1", DATABASE_URL: "postgres://app:pw@127.0.0.1:9/app" })).toBe("503");
    expect(status({ HEALTH_CHECK_DATABASE: "1", DATABASE_URL: `sqlite:///${join(k.dir, "health.sqlite3")}` })).toBe("200");
    expect(status({ DATABASE_URL: "postgres://app:pw@127.0.0.1:9/app" })).toBe("200");
  });

  it("trust CSRF origins in the form the running Django expects", () => {
    const show = (version: string) =>
      `import django\n${version}django.setup()\nfrom django.conf import settings as s\nprint(s.CSRF_TRUSTED_ORIGINS)`;
    const env = { ALLOWED_HOSTS: "app.example.com,.example.org" };
    // Debian's Django 3.2 compares host names; 4.0 and later want the scheme.
    expect(py(k, ["-c", show("")], env).out.trim()).toBe("['app.example.com', 'example.org', '.example.org']");
    expect(py(k, ["-c", show("django.VERSION = (5, 1, 4, 'final', 0)\n")], env).out.trim()).toBe(
      "['https://app.example.com', 'https://example.org', 'https://*.example.org']",
    );
  });
});

describe("CSRF on a running Django 3.2 app", () => {
  it("accepts a POST from a trusted origin over HTTPS and refuses an untrusted one", () => {
    const k = kit("vps", "django-celery", { app: join(FIXTURES, "django-legacy") });
    const post = (referer: string) => `
import django
django.setup()
from django.test import Client
c = Client(enforce_csrf_checks=True)
c.cookies["csrftoken"] = "a" * 64
r = c.post("/ping/", HTTP_HOST="app.example.com", HTTP_X_FORWARDED_PROTO="https", HTTP_REFERER="${referer}", HTTP_X_CSRFTOKEN="a" * 64)
print(r.status_code)`;
    const env = { CSRF_TRUSTED_ORIGINS: "https://admin.example.com" };
    const status = (referer: string) => py(k, ["-c", post(referer)], env).out.split("\n")[0];
    expect(status("https://admin.example.com/form")).toBe("200");
    expect(status("https://evil.example.net/form")).toBe("403");
  });
});

describe("Channels keeps the app's own channels_redis options", () => {
  it("replaces only the hosts of a channels_redis layer, and an in-memory layer entirely", () => {
    const code = "import django; django.setup(); from django.conf import settings as s; print(s.CHANNEL_LAYERS)";
    const own = py(kit("render", "django-channels", { app: join(FIXTURES, "django-poetry") }), ["-c", code]);
    expect(own.out.trim()).toBe(
      "{'default': {'BACKEND': 'channels_redis.pubsub.RedisPubSubChannelLayer', 'CONFIG': {'hosts': [{'address': 'redis://127.0.0.1:6379/0'}], 'prefix': 'shop', 'expiry': 30}}}",
    );
    const inMemory = py(kit("render", "django-channels"), ["-c", code]);
    expect(inMemory.out.trim()).toBe(
      "{'default': {'BACKEND': 'channels_redis.core.RedisChannelLayer', 'CONFIG': {'hosts': [{'address': 'redis://127.0.0.1:6379/0'}]}}}",
    );
  });
});

describe("Celery reads the generated settings", () => {
  it("broker from REDIS_URL, visibility timeout, and the beat scheduler of django-celery-beat", () => {
    const k = kit("vps", "django-celery");
    const r = py(k, [
      "-c",
      "import django; django.setup(); from shop.celery import app; c = app.conf; print(c.broker_url, c.broker_transport_options['visibility_timeout'], c.beat_scheduler)",
    ]);
    expect(r.out.trim()).toBe("redis://127.0.0.1:6379/0 3600 django_celery_beat.schedulers:DatabaseScheduler");
  });
});

describe("counts", () => {
  it("compiled every Python file and ran check --deploy on every Django app", () => {
    console.log(`python: ${compiled} files compiled, ${deployChecks} check --deploy runs with zero warnings`);
    expect(deployChecks).toBe(DJANGO_APPS.length);
    expect(compiled).toBeGreaterThanOrEqual(12 + 8 * 2);
  });
});
