// The command-line contract, through the built CLI in a child process: flags, exit codes, dry run,
// never overwriting, the .gitignore block, hostile input, and the built-in example.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, FIXTURES, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();

function tempApp(stack = "django-celery"): string {
  const dir = mkdtempSync(join(tmpdir(), "cli-"));
  dirs.push(dir);
  cpSync(join(EXAMPLES, stack), dir, { recursive: true });
  chmodSync(dir, 0o755);
  return dir;
}

function run(args: string[], opts: { cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? REPO_ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const BASE = ["--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"];

function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, prefix: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const rel = prefix + e.name;
      if (e.isDirectory()) walk(join(d, e.name), `${rel}/`);
      else out[rel] = readFileSync(join(d, e.name), "utf8");
    }
  };
  walk(dir, "");
  return out;
}

describe("help and version", () => {
  it("--help lists the commands and flags and exits 0", () => {
    const r = run(["--help"]);
    expect(r.code).toBe(0);
    for (const flag of ["--dir", "--platform", "--stack", "--name", "--domain", "--email", "--python", "--yes", "--dry-run", "--force"]) {
      expect(r.out).toContain(flag);
    }
  });

  it("--version prints package.json's version", () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    expect(run(["--version"]).out.trim()).toBe(pkg.version);
  });
});

describe("init", () => {
  it("writes the kit, executable scripts, and prints next steps with the equivalent command", () => {
    const dir = tempApp();
    const r = run(["--dir", dir, ...BASE]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    for (const f of ["Dockerfile", "docker-compose.prod.yml", "nginx/nginx.conf", "shop/settings_production.py", "docs/RUNBOOK.md"]) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
    expect(statSync(join(dir, "scripts/backup-db.sh")).mode & 0o777).toBe(0o755);
    expect(r.out).toContain("Next steps:");
    expect(r.out).toMatch(/npx create-prod-kit --platform vps --stack django-celery --name cli-\w+ --domain app\.example\.com/);
    // The printed command reproduces the same kit.
    const again = run(["--dir", dir, ...r.out.split("\n").find((l) => /^\s+npx create-prod-kit --platform/.test(l))!.trim().split(" ").slice(2)]);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/Dockerfile\s+identical/);
    expect(again.out).not.toMatch(/created|overwritten/);
  });

  it("without a terminal and without --yes, names every missing flag and exits 2 without writing", () => {
    const dir = tempApp();
    const before = snapshotDir(dir);
    const r = run(["--dir", dir]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--platform: is required");
    expect(r.err).toContain("--domain: is required");
    expect(r.err).not.toMatch(/at \w+ \(|node:internal/);
    expect(snapshotDir(dir)).toEqual(before);
  });

  it("--dry-run lists every file with its status and writes nothing", () => {
    const dir = tempApp();
    writeFileSync(join(dir, "Dockerfile"), "FROM python:3.12\nCMD python manage.py runserver\n");
    const before = snapshotDir(dir);
    const r = run(["--dir", dir, ...BASE, "--dry-run"]);
    expect(snapshotDir(dir)).toEqual(before);
    expect(r.out).toMatch(/Dockerfile\s+would overwrite/);
    expect(r.out).toMatch(/docker-compose\.prod\.yml\s+create/);
    expect(r.code).toBe(1);
  });

  it("never overwrites a file that differs: reports it, writes nothing, exits 1; --force replaces it", () => {
    const dir = tempApp();
    const mine = "FROM python:3.12\n# my own Dockerfile\n";
    writeFileSync(join(dir, "Dockerfile"), mine);
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Dockerfile\s+differs, left alone/);
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toBe(mine);
    expect(existsSync(join(dir, "docker-compose.prod.yml"))).toBe(false);
    const forced = run(["--dir", dir, ...BASE, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/Dockerfile\s+overwritten/);
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toContain("USER app");
  });

  it("when files are in the way, lists only those and never claims to have written anything", () => {
    const dir = tempApp();
    writeFileSync(join(dir, "Dockerfile"), "FROM python:3.12\n");
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("Nothing was written");
    expect(r.out).toMatch(/Dockerfile\s+differs, left alone/);
    expect(r.out).not.toMatch(/created|written\.|Next steps/);
  });

  it("refuses to write through a folder that links out of the repository, even with --force", () => {
    const dir = tempApp();
    const outside = mkdtempSync(join(tmpdir(), "cli-outside-"));
    dirs.push(outside);
    symlinkSync(outside, join(dir, "docs"));
    for (const extra of [[], ["--force"]]) {
      const r = run(["--dir", dir, ...BASE, ...extra]);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/docs\/RUNBOOK\.md\s+refused: docs\/ is a link out of the repository/);
    }
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(dir, "Dockerfile"))).toBe(false);
  });

  it("stops quietly when its output is cut short (| head)", () => {
    const dir = tempApp();
    const r = spawnSync("bash", ["-c", `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} --dir ${JSON.stringify(dir)} ${BASE.join(" ")} | head -1`], {
      encoding: "utf8",
    });
    expect(r.stdout).toContain("Kit for");
    expect(r.stderr).toBe("");
  });

  it("merges its block into an existing .gitignore and keeps the user's lines", () => {
    const dir = tempApp();
    writeFileSync(join(dir, ".gitignore"), "node_modules/\n*.log\n");
    expect(run(["--dir", dir, ...BASE]).code).toBe(0);
    const first = readFileSync(join(dir, ".gitignore"), "utf8");
    expect(first.startsWith("node_modules/\n*.log\n")).toBe(true);
    expect(first).toContain("# >>> create-prod-kit >>>\n");
    expect(first).toContain(".env*\n!.env.production.example\n");
    // The user adds lines after the block; a second run changes nothing.
    writeFileSync(join(dir, ".gitignore"), `${first}coverage/\n`);
    expect(run(["--dir", dir, ...BASE]).code).toBe(0);
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toBe(`${first}coverage/\n`);
  });

  it("the .gitignore block ignores every env file but the example, as git reads it", () => {
    const dir = tempApp();
    expect(run(["--dir", dir, ...BASE]).code).toBe(0);
    expect(spawnSync("git", ["init", "-q"], { cwd: dir }).status).toBe(0);
    const ignored = (path: string) => spawnSync("git", ["check-ignore", "-q", path], { cwd: dir }).status === 0;
    for (const path of [".env", ".env.production", ".envrc", ".env.local", "config/.env", "backups/app.dump", "prod-kit-x.prod-kit-0a1b2c3d.tmp"])
      expect(ignored(path), path).toBe(true);
    for (const path of [".env.production.example", "prod-kit.yaml", ".prod-kit/manifest.json", "Dockerfile"]) expect(ignored(path), path).toBe(false);
  });

  it("keeps the user's nginx snippets file once it exists", () => {
    const dir = tempApp();
    expect(run(["--dir", dir, ...BASE]).code).toBe(0);
    writeFileSync(join(dir, "nginx/snippets/custom.conf"), "# mine\n");
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/nginx\/snippets\/custom\.conf\s+kept/);
    expect(readFileSync(join(dir, "nginx/snippets/custom.conf"), "utf8")).toBe("# mine\n");
  });

  it("outside a Python repo generates for the built-in example app in its own folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-empty-"));
    dirs.push(dir);
    const r = run(["--dir", dir, "--yes"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("built-in example app");
    expect(existsSync(join(dir, "prod-kit-example", "manage.py"))).toBe(true);
    expect(existsSync(join(dir, "prod-kit-example", "docker-compose.prod.yml"))).toBe(true);
    expect(readdirSync(dir)).toEqual(["prod-kit-example"]);
  });

  it("tells a FastAPI app without a health endpoint to add one", () => {
    const dir = tempApp("fastapi-chatwoot");
    const api = join(dir, "bot", "api.py");
    writeFileSync(api, readFileSync(api, "utf8").replace('@api.get("/healthz")', '@api.get("/ping")'));
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("No health endpoint was found: add GET /healthz returning 200");
    const withHealth = run(["--dir", tempApp("fastapi-chatwoot"), ...BASE]);
    expect(withHealth.out).not.toContain("No health endpoint");
  });

  it("asks for the repository URL Easypanel builds from when there is no git remote", () => {
    const dir = tempApp();
    const r = run(["--dir", dir, "--platform", "easypanel", "--domain", "app.example.com", "--yes"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("--set gitRepo=https://github.com/OWNER/REPO.git");
    const given = run(["--dir", tempApp(), "--platform", "easypanel", "--domain", "app.example.com", "--set", "gitRepo=https://github.com/acme/shop.git", "--yes"]);
    expect(given.code).toBe(0);
    expect(given.out).not.toContain("No git remote");
  });

  it("says which answer it could not detect", () => {
    const dir = tempApp();
    rmSync(join(dir, "manage.py"));
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("settingsModule could not be detected: pass --set settingsModule=");
  });
});

describe("bad input is rejected with exit 2, one clear line each, and reaches no file", () => {
  const hostile: [string, string[], RegExp][] = [
    ["a name with quotes", ["--name", 'app"; rm -rf /'], /^error: --name: must be/m],
    ["a name with a colon", ["--name", "app:web"], /^error: --name: must be/m],
    ["a name with a newline", ["--name", "app\nweb"], /^error: --name: must be/m],
    ["a name with $(...)", ["--name", "$(touch /tmp/pwned)"], /^error: --name: must be/m],
    ["a domain with a space", ["--domain", "app example.com"], /^error: --domain: must be a bare hostname/m],
    ["a domain with a scheme", ["--domain", "https://app.example.com"], /^error: --domain: must be a bare hostname/m],
    ["a domain with nginx syntax", ["--domain", "a.com; include /etc/passwd"], /^error: --domain: must be a bare hostname/m],
    ["an email with a newline", ["--email", "ops@example.com\nX"], /^error: --email: must be a plain email/m],
    ["a port out of range", ["--set", "port=70000"], /^error: --set port: must be between 1024 and 65535/m],
    ["a port that is not a number", ["--set", "port=80a"], /^error: --set port: must be a number/m],
    ["a port in hexadecimal", ["--set", "port=0x1F90"], /^error: --set port: must be a number/m],
    ["a channel name with a space", ["--set", "channelsWorkers=a b"], /^error: --set channelsWorkers: channel names are/m],
    ["a backup count that is not a number", ["--set", "backupKeep=abc"], /^error: --set backupKeep: must be a number/m],
    ["an unknown platform", ["--platform", "heroku"], /^error: --platform: must be one of render, railway, vps, easypanel/m],
    ["a Python version too old", ["--python", "2.7"], /^error: --python: must be a Python version/m],
    ["a Python patch with no slim image", ["--python", "3.13.99"], /^error: --python: has no python:3\.13\.99-slim-bookworm image/m],
    ["a health path with a quote", ["--set", "healthPath=/h'ealth"], /^error: --set healthPath: must be a URL path/m],
    ["a settings module with a space", ["--set", "settingsModule=shop settings"], /^error: --set settingsModule: must be a dotted/m],
    ["an unknown --set key", ["--set", "cmd=ls"], /^error: --set cmd=ls: expected key=value/m],
    ["an unknown flag", ["--evil"], /^error: Unknown option '--evil'/m],
  ];
  it.each(hostile)("%s", (_label, args, message) => {
    const dir = tempApp();
    const before = snapshotDir(dir);
    const flags = [...BASE];
    for (let i = 0; i < args.length; i += 2) {
      const at = flags.indexOf(args[i]!);
      if (at >= 0 && args[i] !== "--set") flags.splice(at, 2);
    }
    const r = run(["--dir", dir, ...flags, ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split("\n")).toHaveLength(1);
    expect(r.err).not.toMatch(/node:internal|at .*\.js:\d+/);
    expect(snapshotDir(dir)).toEqual(before);
    expect(existsSync("/tmp/pwned")).toBe(false);
  });

  it("names the file a bad detected value came from, and the flag that overrides it", () => {
    const dir = tempApp("fastapi-chatwoot");
    mkdirSync(join(dir, "my-bot"));
    renameSync(join(dir, "bot", "api.py"), join(dir, "my-bot", "main.py"));
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      'error: --set fastapiApp: found "my-bot.main:api" in my-bot/main.py, which must be module:attribute, e.g. bot.api:api; pass --set fastapiApp to choose',
    );
  });

  it("refuses a Python the app pins that the kit cannot build, until --python chooses one", () => {
    const dir = tempApp();
    writeFileSync(join(dir, ".python-version"), "3.9.18\n");
    const r = run(["--dir", dir, ...BASE, "--dry-run"]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      "error: --python: the app asks for Python 3.9 (.python-version) and the kit builds 3.10 to 3.14: pass --python with the version to build for",
    );
    expect(run(["--dir", dir, ...BASE, "--dry-run", "--python", "3.12"]).code).toBe(0);
  });

  it("refuses a module the app does not have", () => {
    const dir = tempApp();
    const r = run(["--dir", dir, ...BASE, "--set", "settingsModule=nope.settings"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("error: --set settingsModule: nope.settings is not in the app (no nope/settings.py or nope/settings/__init__.py");
    expect(existsSync(join(dir, "nope"))).toBe(false);
  });

  it("says what it needs when there is no dependency file", () => {
    const dir = tempApp();
    rmSync(join(dir, "requirements.txt"));
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("no requirements.txt, pyproject.toml or Pipfile was found");
  });

  it("asks which stack to deploy when the app has both Django and FastAPI, and takes --stack", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-both-"));
    dirs.push(dir);
    cpSync(join(FIXTURES, "ambiguous"), dir, { recursive: true });
    const r = run(["--dir", dir, ...BASE]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe(
      "error: --stack: the app has both django-celery (manage.py) and fastapi-chatwoot (FastAPI() in api/server.py): pass --stack to choose",
    );
    const chosen = run(["--dir", dir, ...BASE, "--stack", "fastapi-chatwoot"]);
    expect(chosen.code, chosen.err).toBe(0);
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toContain('"api.server:service"]');
  });

  it("asks for the email only where Let's Encrypt needs it, and reports each problem once", () => {
    const dir = tempApp();
    const r = run(["--dir", dir, "--platform", "render", "--python", "2.7", "--name", "A B", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n").sort()).toEqual([
      "error: --domain: is required (no terminal to ask, or --yes was given)",
      expect.stringMatching(/^error: --name: must be/),
      expect.stringMatching(/^error: --python: must be/),
    ]);
    const badDomain = run(["--dir", dir, "--platform", "render", "--domain", "a..example.com", "--yes"]);
    expect(badDomain.err.trim().split("\n")).toEqual([expect.stringMatching(/^error: --domain: must be a bare hostname/)]);
  });

  it("reports every bad flag at once", () => {
    const dir = tempApp();
    const r = run(["--dir", dir, "--platform", "vps", "--domain", "bad domain", "--email", "nope", "--name", "X", "--yes"]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split("\n").sort()).toEqual([
      expect.stringMatching(/^error: --domain: /),
      expect.stringMatching(/^error: --email: /),
      expect.stringMatching(/^error: --name: /),
    ]);
  });
});
