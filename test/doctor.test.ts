// doctor: every check on a fixture that must trigger it and one that must not (test/fixtures/doctor/
// <check>/{positive,negative}, or built here when it needs git or secrets), the --json shape, exit
// codes, masking, the example apps, and a repository with a generated kit. Fixtures are copied to
// temporary folders first, so this repository's own git and .gitignore never answer for them.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHECKS } from "../src/doctor/registry.js";
import { runDoctor, type DoctorReport } from "../src/doctor/runner.js";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { COMBOS, EXAMPLES, FIXTURES, REPO_ROOT, renderFiles } from "./helpers/kit.js";

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

/** Fake secrets of each kind, assembled here so that no real-looking key is ever committed to this repository. */
const FAKE = {
  openai: ["sk", "proj", "Q7vX2mK9pL4wR8tY3nB6cH1jD5fG0sA"].join("-"),
  aws: "AKIA" + "Z7Q2M4N8P6R3T5V1",
  github: "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
  slack: "xoxb-" + "2841-7365-9Qw8Er7Ty6Ui",
  sendgrid: "SG." + "Xy7Kp2Lm9Qr4St6Vw8Za1B" + "." + "c3D5e7F9g1H3i5J7k9L1m3N5o7P9q1R3s5T7u9V1w3X",
  twilio: "AC" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9",
  key: "-----BEGIN RSA " + "PRIVATE KEY-----",
  random: "h8Kd92Lx" + "Qp4Zt7Wm3Nv6",
  password: "s3cr3tPa" + "ssw0rd99",
};

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
  { id: "health-endpoint", positive: ["warning -:-"], title: /no health route/ },
  { id: "backup-script", positive: ["warning -:-"], title: /no backup script/ },
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

describe("health-endpoint in a Django app", () => {
  it("no health URL is reported; the kit's health middleware is one", async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "secret-key-env", "negative"));
    expect(found(await runDoctor(dir), "health-endpoint")).toEqual(["warning -:-"]);
    write(dir, { "app/prod_kit_health.py": "class HealthCheckMiddleware:\n    pass\n" });
    expect(status(await runDoctor(dir), "health-endpoint")).toBe("pass");
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

describe("env-gitignored", () => {
  const app = { "requirements.txt": "fastapi==0.115.0\n", "main.py": "from fastapi import FastAPI\n\napp = FastAPI(openapi_url=None)\n" };

  it("with git: a committed .env and an unignored .env.production are errors", async () => {
    const dir = write(tempDir(), { ...app, ".env": "DEBUG=1\n", ".env.example": "DEBUG=\n" });
    git(dir, "init", "-q");
    git(dir, "add", ".");
    git(dir, "commit", "-qm", "init");
    write(dir, { ".env.production": "DEBUG=0\n" });
    const r = await runDoctor(dir);
    expect(found(r, "env-gitignored")).toEqual(["error .env:-", "error .env.production:-"]);
    expect(titles(r, "env-gitignored")).toEqual([".env is committed to git", ".env.production is not ignored by git: the next git add . commits it"]);
  });

  it("with git: ignored env files pass (nested .gitignore files count too)", async () => {
    const dir = write(tempDir(), { ...app, ".gitignore": ".env\n", "backend/.gitignore": ".env.production\n", "backend/.env.production": "X=1\n", ".env": "X=1\n" });
    git(dir, "init", "-q");
    const r = await runDoctor(dir);
    // The root .gitignore does not ignore .env.production at the root: a future one is a warning.
    expect(found(r, "env-gitignored")).toEqual(["warning .gitignore:-"]);
    expect(titles(r, "env-gitignored")).toEqual([".env.production would not be ignored by git once created"]);
    write(dir, { ".gitignore": ".env*\n!.env.production.example\n" });
    expect(status(await runDoctor(dir), "env-gitignored")).toBe("pass");
  });

  it("without git: the root .gitignore decides", async () => {
    const dir = write(tempDir(), { ...app, ".env": "X=1\n", "backend/.env.local": "X=1\n" });
    expect(found(await runDoctor(dir), "env-gitignored")).toEqual(["error .env:-", "error backend/.env.local:-", "warning .gitignore:-"]);
    write(dir, { ".gitignore": "# secrets\n.env*\n!.env.production.example\n" });
    expect(status(await runDoctor(dir), "env-gitignored")).toBe("pass");
  });
});

describe("secrets-committed", () => {
  const secretsApp = () =>
    write(tempDir(), {
      "requirements.txt": "fastapi==0.115.0\n",
      "main.py": `from fastapi import FastAPI\n\napp = FastAPI(openapi_url=None)\nOPENAI_API_KEY = "${FAKE.openai}"\n`,
      "config/aws.py": `AWS_ACCESS_KEY_ID = "${FAKE.aws}"\n`,
      "deploy/notes.md": `token ${FAKE.github}\nslack ${FAKE.slack}\n`,
      "settings.yaml": `sendgrid: ${FAKE.sendgrid}\ntwilio_sid: ${FAKE.twilio}\n`,
      "keys/server.pem.txt": `${FAKE.key}\nMIIEow...\n`,
      "config.py": `CHATWOOT_BOT_TOKEN = "${FAKE.random}"\nDATABASE_URL = "postgres://app:${FAKE.password}@db.example.com:5432/app"\n`,
    });

  it("reports each kind with file:line, and never prints a secret (human and --json)", () => {
    const dir = secretsApp();
    for (const args of [["doctor", "--dir", dir], ["doctor", "--dir", dir, "--json"]]) {
      const r = run(args);
      expect(r.code).toBe(1);
      for (const secret of Object.values(FAKE).filter((s) => !s.startsWith("-----"))) {
        // Not the secret, nor any 8 characters of what follows its public prefix.
        for (let i = 4; i + 8 <= secret.length; i++) expect(r.out).not.toContain(secret.slice(i, i + 8));
      }
    }
    const report = JSON.parse(run(["doctor", "--dir", dir, "--json"]).out) as DoctorReport;
    expect(found(report, "secrets-committed").sort()).toEqual(
      [
        "error config.py:1",
        "error config.py:2",
        "error config/aws.py:1",
        "error deploy/notes.md:1",
        "error deploy/notes.md:2",
        "error keys/server.pem.txt:1",
        "error main.py:4",
        "error settings.yaml:1",
        "error settings.yaml:2",
      ].sort(),
    );
    expect(titles(report, "secrets-committed")).toContain("AWS access key ID (AKIA************)");
    expect(titles(report, "secrets-committed")).toContain("OpenAI API key (sk-************)");
  });

  it("skips placeholders, the kit's example env file, lock files, binaries, ignored files and node_modules", async () => {
    const dir = write(tempDir(), {
      "requirements.txt": "fastapi==0.115.0\n",
      "main.py": "from fastapi import FastAPI\n\napp = FastAPI(openapi_url=None)\n",
      ".env.production.example": "OPENAI_API_KEY=sk-...\nSECRET_KEY=\nTWILIO_ACCOUNT_SID=ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\nGEMINI_API_KEY=AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\nEMAIL_HOST_PASSWORD=SG.XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\nSECRET_KEY=CAMBIAR_POR_SECRETO_UNICO_DE_50_CARACTERES\nDATABASE_URL=postgres://user:password@host:5432/db\n",
      "docs/aws.md": "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nREDIS_URL=redis://:${REDIS_PASSWORD}@redis.example.com:6379\n",
      "poetry.lock": `token = "${FAKE.github}"\n`,
      "logo.png": `\0PNG ${FAKE.aws}`,
      "node_modules/pkg/index.js": `const k = "${FAKE.aws}";\n`,
      ".gitignore": ".env\n",
      ".env": `OPENAI_API_KEY=${FAKE.openai}\n`,
      "local.py": 'DATABASE_URL = "postgres://postgres:postgres@localhost:5432/app"\nDEV_URL = "postgres://app:devpass123@127.0.0.1:5432/app"\nSECRET_KEY = hashlib.sha512(SECRET_KEY.encode()).hexdigest()\n',
      "deploy.js": "const url = `postgres://app:pw12345678@${plan.name}_${DB}:5432/app`;\n",
      "blob.dat": `\0\x01${FAKE.aws}`,
      "staticfiles/admin/vendor.js": `var k = "${FAKE.aws}";\n`,
    });
    const r = await runDoctor(dir);
    expect(found(r, "secrets-committed")).toEqual([]);
  });

  it("with git: tracked files and new files that are not ignored are scanned, ignored ones are not", async () => {
    const dir = write(tempDir(), { "requirements.txt": "fastapi==0.115.0\n", ".gitignore": "secret.txt\n", "secret.txt": FAKE.aws, "tracked.py": `K = "${FAKE.aws}"\n` });
    git(dir, "init", "-q");
    git(dir, "add", "tracked.py");
    write(dir, { "new.py": `K = "${FAKE.aws}"\n` });
    expect(found(await runDoctor(dir), "secrets-committed").sort()).toEqual(["error new.py:1", "error tracked.py:1"]);
  });

  it("is bounded: it reads at most 5,000 files and says when it stopped", async () => {
    const files: Record<string, string> = { "requirements.txt": "fastapi==0.115.0\n", "zz_last.py": `K = "${FAKE.aws}"\n` };
    for (let i = 0; i < 5000; i++) files[`data/f${String(i).padStart(4, "0")}.txt`] = "nothing here\n";
    const r = await runDoctor(write(tempDir(), files));
    expect(found(r, "secrets-committed")).toEqual(["info -:-"]);
    expect(titles(r, "secrets-committed")[0]).toMatch(/^the scan stopped after 5000 files/);
  });

  it("with git: committed dependencies (node_modules, a virtualenv) are not the app's code", async () => {
    const dir = write(tempDir(), { "requirements.txt": "fastapi==0.115.0\n", "node_modules/pkg/index.js": `K = "${FAKE.aws}"\n`, "venv/lib/site-packages/x.py": `K = "${FAKE.aws}"\n` });
    git(dir, "init", "-q");
    git(dir, "add", "-f", ".");
    expect(found(await runDoctor(dir), "secrets-committed")).toEqual([]);
  });
});

describe("the gitignore fallback matches git check-ignore", () => {
  const patterns = ".env*\n!.env.production.example\n*.pem\n/build\nlogs/\ndocs/**/*.tmp\n**/secrets/\nfoo/*.txt\n\\#hash\n[Bb]ackup?.sql\n# comment\n";
  const paths = [
    ".env",
    ".env.production",
    ".env.production.example",
    "sub/.env.local",
    "key.pem",
    "a/b/key.pem",
    "build",
    "build/x.js",
    "src/build/x.js",
    "logs/today.log",
    "logs",
    "a/logs/x",
    "docs/x.tmp",
    "docs/a/b/x.tmp",
    "x.tmp",
    "secrets/a",
    "deep/secrets/a",
    "foo/a.txt",
    "foo/bar/a.txt",
    "#hash",
    "Backup1.sql",
    "backup12.sql",
    "main.py",
  ];
  it("on every path of the table", async () => {
    const { isIgnored, parseGitignore } = await import("../src/doctor/gitignore.js");
    const dir = write(tempDir(), { ".gitignore": patterns });
    git(dir, "init", "-q");
    const r = spawnSync("git", ["check-ignore", "--no-index", "--stdin"], { cwd: dir, input: paths.join("\n") + "\n", encoding: "utf8" });
    const byGit = r.stdout.split("\n").filter(Boolean).sort();
    const rules = parseGitignore(patterns);
    expect(paths.filter((p) => isIgnored(rules, p)).sort()).toEqual(byGit);
    expect(byGit.length).toBeGreaterThan(10);
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

  it("is bounded: node_modules and virtualenvs are never read", async () => {
    const dir = copyOf(join(DOCTOR_FIXTURES, "no-runserver", "negative"));
    // Unreadable folders would fail a walk that entered them.
    for (const d of ["node_modules/pkg", ".venv/lib/site-packages/pkg"]) write(dir, { [`${d}/x.py`]: `K = "${FAKE.aws}"\nDEBUG = True\n` });
    const r = await runDoctor(dir);
    expect(r.findings.filter((f) => f.file?.includes("node_modules") || f.file?.includes(".venv"))).toEqual([]);
  });
});

describe("the example apps (development apps: what fires is expected, and exactly that)", () => {
  const EXPECTED: Record<string, string[]> = {
    "django-celery": [
      "error debug-off shop/settings.py:5",
      "error secret-key-env shop/settings.py:4",
      "error no-sqlite shop/settings.py:42",
      "warning env-gitignored .gitignore:-",
      "warning backup-script -:-",
      "info migrations-check -:-",
    ],
    "django-channels": [
      "error debug-off config/settings/base.py:5",
      "error secret-key-env config/settings/base.py:4",
      "error no-sqlite config/settings/base.py:20",
      "warning env-gitignored .gitignore:-",
      "warning backup-script -:-",
      "info migrations-check -:-",
    ],
    "fastapi-chatwoot": ["warning fastapi-docs-off bot/api.py:6", "warning env-gitignored .gitignore:-", "warning backup-script -:-"],
  };
  it.each(Object.keys(EXPECTED))("%s", async (example) => {
    const r = await runDoctor(copyOf(join(EXAMPLES, example)));
    expect(r.findings.map((f) => `${f.level} ${f.id} ${f.file ?? "-"}:${f.line ?? "-"}`)).toEqual(EXPECTED[example]);
    expect(r.summary.exitCode).toBe(example === "fastapi-chatwoot" ? 0 : 1);
  });
});

describe("a repository with a generated kit", () => {
  function withKit(platform: string, stack: string): string {
    const dir = copyOf(join(EXAMPLES, stack));
    const r = run(["--dir", dir, "--platform", platform, "--stack", stack, "--domain", "app.example.com", "--email", "ops@example.com", "--yes"]);
    expect(r.code, r.err).toBe(0);
    return dir;
  }

  it.each([
    ["render", "django-celery"],
    ["railway", "django-channels"],
    ["vps", "fastapi-chatwoot"],
    ["easypanel", "django-celery"],
    ["vps", "django-channels"],
    ["railway", "fastapi-chatwoot"],
  ])("%s × %s: the kit's files raise nothing; the example's own code does, and the dev SECRET_KEY is only a warning", async (platform, stack) => {
    const r = await runDoctor(withKit(platform, stack));
    const django = stack !== "fastapi-chatwoot";
    const base = stack === "django-celery" ? "shop/settings.py" : "config/settings/base.py";
    expect(r.findings.map((f) => `${f.level} ${f.id} ${f.file ?? "-"}:${f.line ?? "-"}`)).toEqual(
      django ? [`warning secret-key-env ${base}:4`, "info migrations-check -:-"] : ["warning fastapi-docs-off bot/api.py:6"],
    );
    if (django) expect(titles(r, "secret-key-env")[0]).toContain("overridden in production by the kit's production settings");
    for (const id of ["kit-up-to-date", "kit-conflicts", "no-runserver", "backup-script", "env-gitignored", "secrets-committed", "health-endpoint"]) expect(status(r, id), id).toBe("pass");
    expect(status(r, "one-beat")).toBe(stack === "django-celery" ? "pass" : "skip");
  });

  it("out-of-date and conflict-marker findings appear only when they should", async () => {
    const dir = withKit("railway", "django-celery");
    expect(found(await runDoctor(dir), "kit-up-to-date")).toEqual([]);
    // A new answer in prod-kit.yaml: the files that depend on it are out of date.
    const yaml = readFileSync(join(dir, "prod-kit.yaml"), "utf8");
    writeFileSync(join(dir, "prod-kit.yaml"), yaml.replace("healthPath: /healthz", "healthPath: /status/"));
    let r = await runDoctor(dir);
    expect(found(r, "kit-up-to-date").length).toBeGreaterThan(0);
    expect(found(r, "kit-up-to-date")).toContain("warning Dockerfile:-");
    expect(titles(r, "kit-up-to-date")).toContain("Dockerfile: out of date: update would rewrite it (you never edited it)");
    expect(status(r, "kit-conflicts")).toBe("pass");
    // Your edit overlaps the kit's: update leaves conflict markers; doctor points at them.
    writeFileSync(join(dir, "prod-kit.yaml"), yaml);
    const dockerfile = readFileSync(join(dir, "Dockerfile"), "utf8");
    writeFileSync(join(dir, "Dockerfile"), dockerfile.replace("/healthz", "/ping"));
    expect(run(["update", "--dir", dir, "--set", "healthPath=/status/"]).code).toBe(1);
    r = await runDoctor(dir);
    const markerLine = readFileSync(join(dir, "Dockerfile"), "utf8").split("\n").indexOf("<<<<<<< yours") + 1;
    expect(markerLine).toBeGreaterThan(0);
    expect(found(r, "kit-conflicts")).toEqual([`error Dockerfile:${markerLine}`]);
    expect(found(r, "kit-up-to-date")).toEqual([]);
    expect(r.summary.exitCode).toBe(1);
    // Resolved: both pass again.
    const text = readFileSync(join(dir, "Dockerfile"), "utf8");
    writeFileSync(join(dir, "Dockerfile"), text.replace(/<<<<<<< yours\n.*\n=======\n(.*\n)>>>>>>> create-prod-kit\n/, "$1"));
    r = await runDoctor(dir);
    expect(status(r, "kit-conflicts")).toBe("pass");
    expect(status(r, "kit-up-to-date")).toBe("pass");
  });

  it("an invalid prod-kit.yaml is an error finding, not a crash", async () => {
    const dir = withKit("render", "fastapi-chatwoot");
    writeFileSync(join(dir, "prod-kit.yaml"), readFileSync(join(dir, "prod-kit.yaml"), "utf8").replace("platform: render", "platform: heroku"));
    const r = await runDoctor(dir);
    expect(found(r, "kit-up-to-date")).toEqual(["error prod-kit.yaml:-"]);
    expect(titles(r, "kit-up-to-date")[0]).toMatch(/^prod-kit\.yaml: platform: /);
  });

  it("maps the generated checklist's items by id: ticked when the check passes, unticked when it fails", async () => {
    const dir = withKit("render", "django-celery");
    let r = await runDoctor(dir);
    const items = r.checklist!.items;
    const item = (id: string) => items.find((i) => i.ids.includes(id))!;
    expect(r.checklist!.file).toBe("docs/PRODUCTION_CHECKLIST.md");
    expect(items.flatMap((i) => i.ids).sort()).toEqual(
      ["allowed-hosts", "backup-script", "debug-off", "env-gitignored", "health-endpoint", "kit-conflicts", "kit-up-to-date", "migrations-check", "no-runserver", "no-sqlite", "one-beat", "redis-tls", "secret-key-env", "secrets-committed", "whitenoise"].sort(),
    );
    expect(item("debug-off")).toMatchObject({ status: "pass", ticked: true });
    expect(item("secret-key-env")).toMatchObject({ status: "fail", ticked: false });
    expect(item("migrations-check")).toMatchObject({ status: "hint", ticked: false });
    // The example does not declare WhiteNoise; the kit's image installs it and its settings wire it.
    expect(item("whitenoise")).toMatchObject({ status: "pass", ticked: true });
    expect(item("debug-off").text).toMatch(/^`DEBUG` is off\./);
    // The kit's production settings edited to turn DEBUG on: the same item, now unticked.
    const prod = join(dir, "shop/settings_production.py");
    writeFileSync(prod, readFileSync(prod, "utf8").replace("\nDEBUG = False\n", "\nDEBUG = True\n"));
    r = await runDoctor(dir);
    expect(r.checklist!.items.find((i) => i.ids.includes("debug-off"))).toMatchObject({ status: "fail", ticked: false });
    const human = run(["doctor", "--dir", dir]).out;
    expect(human).toMatch(/\[ \] `DEBUG` is off\..*\(line \d+, debug-off: failed\)/);
    expect(human).toMatch(/\[x\] .*\(line \d+, no-sqlite\)/);
  });

  it("the checklist of each stack names only checks that exist", async () => {
    for (const [platform, stack] of [["vps", "fastapi-chatwoot"], ["railway", "django-channels"]] as const) {
      const r = await runDoctor(withKit(platform, stack));
      expect(r.checklist!.items.length).toBeGreaterThan(8);
      expect(r.checklist!.items.filter((i) => i.status === "unknown")).toEqual([]);
    }
  });
});

describe("checklist items", () => {
  it("an item's status combines its checks: fail wins, then hint; skip only when none applies; an unknown id is reported", async () => {
    const { checklistItems } = await import("../src/doctor/checklist.js");
    const statuses: Record<string, "pass" | "fail" | "hint" | "skip"> = { a: "pass", b: "fail", c: "hint", d: "skip" };
    const text = [
      "# Checklist",
      "- [ ] Only a. <!-- doctor:a -->",
      "- [x] Already ticked by hand, a and d. <!-- doctor:a,d -->",
      "- [ ] c and a. <!-- doctor: c, a -->",
      "- [ ] b and c. <!-- doctor:b,c -->",
      "- [ ] Only d. <!-- doctor:d -->",
      "- [ ] A typo. <!-- doctor:zz -->",
      "- [ ] No marker.",
      "Not an item <!-- doctor:a -->",
    ].join("\n");
    const items = checklistItems(text, (id) => statuses[id]);
    expect(items.map((i) => [i.line, i.ids.join("+"), i.status, i.ticked])).toEqual([
      [2, "a", "pass", true],
      [3, "a+d", "pass", true],
      [4, "c+a", "hint", false],
      [5, "b+c", "fail", false],
      [6, "d", "skip", false],
      [7, "zz", "unknown", false],
    ]);
    expect(items[0]!.text).toBe("Only a.");
  });
});

describe("ids are the contract between the registry, the checklist template and the README", () => {
  it("every check is named by an item of some generated checklist, and every marker names a check", () => {
    const ids = new Set<string>();
    for (const { platform, stack } of COMBOS) {
      const checklist = renderFiles(platform, stack).files.find((f) => f.path === "docs/PRODUCTION_CHECKLIST.md")!.content;
      for (const m of checklist.matchAll(/<!-- doctor:([\w,-]+) -->/g)) for (const id of m[1]!.split(",")) ids.add(id);
    }
    expect([...ids].sort()).toEqual(CHECKS.map((c) => c.id).sort());
  });

  it("the README's table lists every check with its level", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const rows = [...readme.matchAll(/^\| `([a-z-]+)` *\| (error|warning|info) +\|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(CHECKS.map((c) => `${c.id} ${c.level}`));
  });
});
