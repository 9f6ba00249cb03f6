// doctor: every check on a fixture that must trigger it and one that must not (test/fixtures/doctor/
// <check>/{positive,negative}, or built here when it needs git or secrets), the --json shape, exit
// codes. Fixtures are copied to temporary folders first, so this repository's own git
// and .gitignore never answer for them.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../src/doctor/registry.js";
import { runDoctor, type DoctorReport } from "../src/doctor/runner.js";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { FIXTURES, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();
const DOCTOR_FIXTURES = join(FIXTURES, "doctor");

function tempDir(prefix = "doctor-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  dirs.push(dir);
  return dir;
}

function copyOf(src: string): string {
  const dir = tempDir();
  cpSync(src, dir, { recursive: true });
  return dir;
}

function write(dir: string, files: Record<string, string>): string {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function run(args: string[], cwd = REPO_ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function git(dir: string, ...args: string[]) {
  const r = spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...args], { cwd: dir, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
}

const status = (r: DoctorReport, id: string) => r.checks.find((c) => c.id === id)!.status;
/** A check's findings as "level file:line", for exact comparisons. */
const found = (r: DoctorReport, id: string) => r.findings.filter((f) => f.id === id).map((f) => `${f.level} ${f.file ?? "-"}:${f.line ?? "-"}`);
const titles = (r: DoctorReport, id: string) => r.findings.filter((f) => f.id === id).map((f) => f.title);

/** What each check's positive fixture must report (exactly), and the title of its first finding. */
const FIXTURE_CASES: { id: string; positive: string[]; title: RegExp; negative?: "pass" | "hint" }[] = [
  { id: "debug-off", positive: ["error app/settings/base.py:4"], title: /^DEBUG = True in app\/settings\/base\.py, which app\/settings\/production\.py imports without overriding it \(production runs app\/settings\/production\.py: DJANGO_SETTINGS_MODULE in Dockerfile\)$/ },
  { id: "secret-key-env", positive: ["error app/settings.py:2"], title: /^SECRET_KEY is a string in app\/settings\.py, the settings production runs \(the default DJANGO_SETTINGS_MODULE in manage\.py\)$/ },
  { id: "allowed-hosts", positive: ["error app/settings.py:5"], title: /ALLOWED_HOSTS contains "\*"/ },
  { id: "whitenoise", positive: ["warning app/settings.py:6", "warning app/settings.py:-"], title: /not in MIDDLEWARE/ },
  { id: "no-sqlite", positive: ["error app/settings.py:5"], title: /DATABASES uses SQLite/ },
  { id: "no-runserver", positive: ["error Dockerfile:4", "error Procfile:2"], title: /`runserver`/ },
  { id: "one-beat", positive: ["error Procfile:2", "error docker-compose.yml:7"], title: /^worker: a Celery worker that also runs beat/ },
  { id: "redis-tls", positive: ["error app/settings.py:5"], title: /^redis:\/\/ to Upstash \(TLS only\): redis:\/\/default:\*\*\*\*@eu1-sweet-fox-31337\.upstash\.io:6379"?$/ },
  { id: "cors-origins", positive: ["error main.py:5"], title: /allow_credentials=True/ },
  { id: "fastapi-docs-off", positive: ["warning main.py:3"], title: /still serves \/openapi\.json/ },
  { id: "migrations-check", positive: ["warning orders/models.py:4", "info -:-"], title: /orders has models but no migrations folder/, negative: "hint" },
];

describe.each(FIXTURE_CASES)("$id", ({ id, positive, title, negative = "pass" }) => {
  it("reports the positive fixture, at the right file and line", async () => {
    const r = await runDoctor(copyOf(join(DOCTOR_FIXTURES, id, "positive")));
    expect(found(r, id)).toEqual(positive);
    expect(titles(r, id)[0]).toMatch(title);
    expect(status(r, id)).toBe("fail");
  });

  it("passes the negative fixture", async () => {
    const r = await runDoctor(copyOf(join(DOCTOR_FIXTURES, id, "negative")));
    expect(found(r, id).filter((f) => !f.startsWith("info"))).toEqual([]);
    expect(status(r, id)).toBe(negative);
  });
});

describe("settings production runs", () => {
  it("follows DJANGO_SETTINGS_MODULE from the Dockerfile through star imports; without it, wsgi.py's default", async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "debug-off", "negative"));
    expect((await runDoctor(dir)).djangoSettings).toEqual({ module: "app.settings.production", path: "app/settings/production.py", source: "DJANGO_SETTINGS_MODULE in Dockerfile" });
    writeFileSync(join(dir, "Dockerfile"), 'FROM python:3.12-slim\nCMD ["gunicorn", "app.wsgi:application"]\n');
    write(dir, { "app/wsgi.py": 'import os\n\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings.production")\n' });
    const r = await runDoctor(dir);
    expect(r.djangoSettings?.source).toBe("the default DJANGO_SETTINGS_MODULE in app/wsgi.py");
    expect(status(r, "debug-off")).toBe("pass");
  });

  it("a DEBUG that depends on a condition is a hint, not a verdict", async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "secret-key-env", "negative"));
    write(dir, { "app/settings.py": 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\nALLOWED_HOSTS = ["a.example.com"]\nDEBUG = True\nif os.environ.get("PRODUCTION"):\n    DEBUG = False\n' });
    const r = await runDoctor(dir);
    expect(found(r, "debug-off")).toEqual(["info app/settings.py:5"]);
    expect(r.findings.find((f) => f.id === "debug-off")!.fix).toContain("app/settings.py:7");
  });

  it.each([
    ['DEBUG = os.environ.get("DEBUG", "True")', "error", /raw string of DEBUG, on by default/],
    ['DEBUG = os.environ.get("DEBUG", "False")', "error", /raw string of DEBUG, on by default/],
    ['DEBUG = os.environ.get("DEBUG")', "warning", /DEBUG=False or 0 turns debug ON/],
    ['DEBUG = os.getenv("DEBUG", "1") == "1"', "error", /DEBUG is on when DEBUG is not set/],
    ['DEBUG = env.bool("DJANGO_DEBUG", default=True)', "error", /DJANGO_DEBUG is not set/],
    ['DEBUG = config("DEBUG", default=True, cast=bool)', "error", /DEBUG is not set/],
    ['DEBUG = int(os.environ.get("DEBUG", 1))', "error", /DEBUG is not set/],
    ['DEBUG = strtobool(os.environ.get("DEBUG", "True"))', "error", /DEBUG is not set/],
    ['DEBUG = config("DEBUG", default="no", cast=bool)', undefined, undefined],
    ['DEBUG = os.environ.get("DEBUG", "False").lower() == "true"', undefined, undefined],
    ['DEBUG = os.environ.get("DEBUG", "0").lower() in ("1", "true", "yes")', undefined, undefined],
    ['DEBUG = env.bool("DEBUG", default=False)', undefined, undefined],
    ['DEBUG = config("DEBUG", default=False, cast=bool)', undefined, undefined],
    ['DEBUG = os.environ["DEBUG"] == "1"', undefined, undefined],
    ["DEBUG = False  # True while testing", undefined, undefined],
    ["DEBUG = some_function()", "info", /cannot tell/],
  ] as const)("%s", async (line, level, title) => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "secret-key-env", "negative"));
    write(dir, { "app/settings.py": `import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\nALLOWED_HOSTS = ["a.example.com"]\n${line}\n` });
    const r = await runDoctor(dir);
    expect(found(r, "debug-off")).toEqual(level ? [`${level} app/settings.py:5`] : []);
    if (title) expect(titles(r, "debug-off")[0]).toMatch(title);
  });

  it.each([
    ['SECRET_KEY = os.environ.get("SECRET_KEY", "dev-fallback-abc123")', "error", /falls back to a string/],
    ['SECRET_KEY = f"prefix-{1}"', "error", /is a string/],
    ['SECRET_KEY = os.environ.get("SECRET_KEY", "")', undefined, undefined],
    ['SECRET_KEY = os.getenv("SECRET_KEY")', undefined, undefined],
  ] as const)("%s", async (line, level, title) => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "secret-key-env", "negative"));
    write(dir, { "app/settings.py": `import os\n\nALLOWED_HOSTS = ["a.example.com"]\n${line}\n` });
    const r = await runDoctor(dir);
    expect(found(r, "secret-key-env")).toEqual(level ? [`${level} app/settings.py:4`] : []);
    if (title) expect(titles(r, "secret-key-env")[0]).toMatch(title);
  });

  it.each([
    ["ALLOWED_HOSTS = []", /empty/],
    ['ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")', /falls back to "\*"/],
    ['ALLOWED_HOSTS = ("localhost", "*")', /contains "\*"/],
  ])("%s is reported", async (line, title) => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "allowed-hosts", "negative"));
    write(dir, { "app/settings.py": `import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n${line}\n` });
    const r = await runDoctor(dir);
    expect(found(r, "allowed-hosts")).toEqual(["error app/settings.py:4"]);
    expect(titles(r, "allowed-hosts")[0]).toMatch(title);
  });
});

describe("no-sqlite in a FastAPI app", () => {
  const app = (db: string) => ({ "requirements.txt": "fastapi==0.115.0\nsqlalchemy==2.0.0\n", "db.py": `import os\n\nfrom sqlalchemy import create_engine\n\n${db}\n` });
  it("reports a SQLite URL in the code", async () => {
    const r = await runDoctor(write(tempDir(), app('SQLALCHEMY_DATABASE_URL = "sqlite:///./sql_app.db"\nengine = create_engine(SQLALCHEMY_DATABASE_URL)')));
    expect(found(r, "no-sqlite")).toEqual(["error db.py:5"]);
  });
  it("passes a URL read from the environment", async () => {
    const r = await runDoctor(write(tempDir(), app('engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///./dev.db"))')));
    expect(status(r, "no-sqlite")).toBe("pass");
  });
});

describe("process files", () => {
  it("leaves out files named for development, and says so", async () => {
    const r = await runDoctor(copyOf(join(DOCTOR_FIXTURES, "no-runserver", "negative")));
    expect(r.processFiles).toEqual(["Dockerfile"]);
    expect(r.skippedProcessFiles).toEqual(["docker-compose.dev.yml"]);
  });

  it("counts a scaled beat in render.yaml and compose replicas", async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "one-beat", "negative"));
    write(dir, {
      "render.yaml": "services:\n  - type: worker\n    name: beat\n    dockerCommand: celery --app app beat\n    numInstances: 2\n",
      "docker-compose.prod.yml": "services:\n  beat:\n    image: app\n    command: [celery, --app, app, beat]\n    deploy:\n      replicas: 3\n",
    });
    const r = await runDoctor(dir);
    expect(found(r, "one-beat")).toEqual(["error docker-compose.prod.yml:4", "error render.yaml:4"]);
    expect(titles(r, "one-beat")).toEqual(["beat: Celery beat runs as 3 instances", "beat: Celery beat runs as 2 instances"]);
  });
});

describe("cors-origins", () => {
  it('"*" without credentials is a warning; a module-level list is followed', async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "cors-origins", "positive"));
    const main = readFileSync(join(dir, "main.py"), "utf8").replace('allow_origins=["*"]', "allow_origins=ORIGINS").replace("allow_credentials=True", "allow_credentials=False");
    writeFileSync(join(dir, "main.py"), `ORIGINS = ["*"]\n${main}`);
    const r = await runDoctor(dir);
    expect(found(r, "cors-origins")).toEqual(["warning main.py:6"]);
  });

  it("django-cors-headers: CORS_ALLOW_ALL_ORIGINS with credentials is an error", async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "allowed-hosts", "negative"));
    writeFileSync(join(dir, "app/settings.py"), 'import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\nALLOWED_HOSTS = ["a.example.com"]\nCORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n');
    const r = await runDoctor(dir);
    expect(found(r, "cors-origins")).toEqual(["error app/settings.py:5"]);
  });
});

describe("the command", () => {
  it("--json prints one object and nothing else: findings with id, level, why, fix; checks; summary", () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "debug-off", "positive"));
    const r = run(["doctor", "--dir", dir, "--json"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as DoctorReport;
    expect(Object.keys(report).sort()).toEqual(["checks", "djangoSettings", "findings", "processFiles", "root", "skippedProcessFiles", "summary"].sort());
    for (const f of report.findings) {
      expect(["error", "warning", "info"]).toContain(f.level);
      expect(CHECKS.map((c) => c.id)).toContain(f.id);
      expect(f.title && f.why && f.fix).toBeTruthy();
    }
    expect(report.checks.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    expect(report.summary).toEqual({
      errors: report.findings.filter((f) => f.level === "error").length,
      warnings: report.findings.filter((f) => f.level === "warning").length,
      infos: report.findings.filter((f) => f.level === "info").length,
      passed: report.checks.filter((c) => c.status === "pass").length,
      failed: report.checks.filter((c) => c.status === "fail").length,
      hints: report.checks.filter((c) => c.status === "hint").length,
      skipped: report.checks.filter((c) => c.status === "skip").length,
      exitCode: 1,
    });
    expect(report.summary.errors).toBeGreaterThan(0);
  });

  it("human output: errors, then warnings, then info, one block per finding with why and fix; exit 1", () => {
    // DEBUG on (an error), WhiteNoise unwired (warnings), and the migrations reminder (info).
    const dir = write(copyOf(join(DOCTOR_FIXTURES, "debug-off", "positive")), { "requirements.txt": "Django==5.1.4\nwhitenoise==6.7.0\n" });
    const r = run(["doctor", "--dir", dir]);
    expect(r.code).toBe(1);
    expect(r.err).toBe("");
    const order = ["\nErrors (", "\nWarnings (", "\nInfo ("].map((h) => r.out.indexOf(h));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(r.out).toContain("[debug-off] app/settings/base.py:4\n  DEBUG = True in app/settings/base.py");
    expect(r.out).toMatch(/\n {2}Why: .+\n {2}Fix: .+/);
    expect(r.out).toMatch(/\d+ errors?, \d+ warnings?, \d+ info; checks: /);
  });

  it("exits 0 when nothing is an error", () => {
    const r = run(["doctor", "--dir", copyOf(join(DOCTOR_FIXTURES, "whitenoise", "negative"))]);
    expect(r.out).toContain("0 errors");
    expect(r.code).toBe(0);
  });

  it("bad usage exits 2 with one line per problem and no stack trace", () => {
    const cases: [string[], string[]][] = [
      [["doctor", "--platform", "vps", "--yes"], ["error: --platform does not go with doctor", "error: --yes does not go with doctor"]],
      [["--json", "--platform", "vps"], ["error: --json goes with doctor, not init"]],
      [["doctor", "--dir", "/no/such/dir"], ["error: --dir: /no/such/dir is not a directory"]],
      [["doctor", "extra"], ['error: unexpected argument "extra"']],
      [["doctor", "--jsn"], ["error: Unknown option '--jsn'"]],
    ];
    for (const [args, lines] of cases) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out).toBe("");
      const got = r.err.trim().split("\n");
      expect(got.length).toBe(lines.length);
      lines.forEach((l, i) => expect(got[i]).toContain(l));
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  });

  it("--help documents the command and its flags", () => {
    const r = run(["doctor", "--help"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("Usage: create-prod-kit doctor [--dir DIR] [--json]");
    expect(run(["--help"]).out).toContain("create-prod-kit doctor [--json]");
  });

});
