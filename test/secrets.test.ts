// secrets: values from a CSPRNG in the format each reader accepts, written only to a gitignored,
// untracked .env.production with mode 0600, never replacing a value that is there.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { secretValue } from "../src/secret-values.js";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, FIXTURES } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();
const run = (dir: string, args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args, "--dir", dir], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const git = (dir: string, ...args: string[]) => spawnSync("git", args, { cwd: dir, encoding: "utf8" });

function kit(platform = "vps", gitRepo = true): string {
  const dir = mkdtempSync(join(tmpdir(), "secrets-"));
  dirs.push(dir);
  cpSync(join(EXAMPLES, "django-celery"), dir, { recursive: true });
  chmodSync(dir, 0o755);
  expect(run(dir, ["--platform", platform, "--domain", "app.example.com", "--email", "ops@example.com", "--yes"]).code).toBe(0);
  if (gitRepo) expect(git(dir, "init", "-q").status).toBe(0);
  return dir;
}
const values = (text: string) => new Map([...text.matchAll(/^([A-Z_]+)=(.+)$/gm)].map((m) => [m[1]!, m[2]!]));

describe("values", () => {
  it("are new every time and have the shape their reader needs", () => {
    const tokens = new Set(Array.from({ length: 50 }, () => secretValue("token")));
    expect(tokens.size).toBe(50);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{64}$/);
    for (let i = 0; i < 50; i++) expect(secretValue("password")).toMatch(/^[A-Za-z0-9]{32}$/);
    // Fernet keys are checked by the library that reads them.
    const keys = Array.from({ length: 5 }, () => secretValue("fernet"));
    const r = spawnSync("/usr/bin/python3", ["-c", "import sys\nfrom cryptography.fernet import Fernet\nfor k in sys.argv[1:]: Fernet(k.encode())\nprint('ok')", ...keys], { encoding: "utf8" });
    expect(r.stdout.trim(), r.stderr).toBe("ok");
  });
});

describe("create-prod-kit secrets", () => {
  it("prints a value for each secret the kit needs, and writes nothing", () => {
    const dir = kit();
    const r = run(dir, ["secrets"]);
    expect(r.code).toBe(0);
    const printed = values(r.out);
    expect([...printed.keys()].sort()).toEqual(["POSTGRES_PASSWORD", "REDIS_PASSWORD", "SECRET_KEY"]);
    expect(printed.get("SECRET_KEY")!.length).toBeGreaterThanOrEqual(50);
    expect(existsSync(join(dir, ".env.production"))).toBe(false);
  });

  it("--write creates .env.production from the example, mode 600, ignored by git and never in the image", () => {
    const dir = kit();
    const r = run(dir, ["secrets", "--write"]);
    expect(r.code, r.err).toBe(0);
    const path = join(dir, ".env.production");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const written = values(readFileSync(path, "utf8"));
    expect(written.get("SECRET_KEY")).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(written.get("POSTGRES_PASSWORD")).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(written.get("ALLOWED_HOSTS")).toBe("app.example.com");
    expect(git(dir, "check-ignore", "-q", ".env.production").status).toBe(0);
    expect(readFileSync(join(dir, ".dockerignore"), "utf8")).toMatch(/^\*\*\/\.env\.\*$/m);
    // No secret reached a file git would commit.
    git(dir, "add", "-A");
    const tracked = git(dir, "grep", "--cached", "-F", "-e", written.get("SECRET_KEY")!);
    expect(tracked.status).toBe(1);
  });

  it("never replaces a value that is set, and fills the empty ones", () => {
    const dir = kit();
    writeFileSync(join(dir, ".env.production"), "SECRET_KEY=mine-already-set-keep-it\nPOSTGRES_PASSWORD=\n# REDIS_PASSWORD is not here\n", { mode: 0o600 });
    const r = run(dir, ["secrets", "--write"]);
    expect(r.code, r.err).toBe(0);
    const text = readFileSync(join(dir, ".env.production"), "utf8");
    expect(text).toMatch(/^SECRET_KEY=mine-already-set-keep-it$/m);
    expect(values(text).get("POSTGRES_PASSWORD")).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(values(text).get("REDIS_PASSWORD")).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(run(dir, ["secrets", "--write"]).out).toContain("already set");
    expect(readFileSync(join(dir, ".env.production"), "utf8")).toBe(text);
  });

  it("refuses to write where git would commit the file, or already tracks it", () => {
    const dir = kit();
    writeFileSync(join(dir, ".gitignore"), "node_modules/\n");
    const notIgnored = run(dir, ["secrets", "--write"]);
    expect(notIgnored.code).toBe(1);
    expect(notIgnored.err).toMatch(/^error: \.env\.production is not ignored by git: .*; nothing was written\n$/);
    expect(existsSync(join(dir, ".env.production"))).toBe(false);
    writeFileSync(join(dir, ".env.production"), "SECRET_KEY=\n");
    git(dir, "add", "-f", ".env.production");
    writeFileSync(join(dir, ".gitignore"), ".env*\n");
    const tracked = run(dir, ["secrets", "--write"]);
    expect(tracked.code).toBe(1);
    expect(tracked.err).toContain(".env.production is tracked by git");
    expect(readFileSync(join(dir, ".env.production"), "utf8")).toBe("SECRET_KEY=\n");
  });

  it("without git, trusts the kit's .gitignore block and refuses without it", () => {
    const dir = kit("render", false);
    expect(run(dir, ["secrets", "--write"]).code).toBe(0);
    const bare = mkdtempSync(join(tmpdir(), "secrets-bare-"));
    dirs.push(bare);
    cpSync(join(EXAMPLES, "django-celery"), bare, { recursive: true });
    const r = run(bare, ["secrets", "--write", "--platform", "render", "--domain", "app.example.com", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.err).toContain("would not be ignored by git");
  });
});

describe("secrets for the app's integrations", () => {
  it("includes a Fernet key Fernet accepts and a JWT signing key", () => {
    const dir = mkdtempSync(join(tmpdir(), "secrets-int-"));
    dirs.push(dir);
    cpSync(join(FIXTURES, "integrations", "fernet"), dir, { recursive: true });
    const r = run(dir, ["secrets", "--platform", "render", "--domain", "app.example.com", "--yes"]);
    expect(r.code, r.err).toBe(0);
    const printed = values(r.out);
    const key = printed.get("FERNET_KEY") ?? printed.get("FIELD_ENCRYPTION_KEY");
    expect(key, r.out).toBeDefined();
    const check = spawnSync("/usr/bin/python3", ["-c", "import sys\nfrom cryptography.fernet import Fernet\nFernet(sys.argv[1].encode())\nprint('ok')", key!], { encoding: "utf8" });
    expect(check.stdout.trim(), check.stderr).toBe("ok");
  });
});

it("says so when a kit needs no generated secret (FastAPI on a managed platform)", () => {
  const dir = mkdtempSync(join(tmpdir(), "secrets-none-"));
  dirs.push(dir);
  cpSync(join(EXAMPLES, "fastapi-chatwoot"), dir, { recursive: true });
  const r = run(dir, ["secrets", "--platform", "railway", "--domain", "bot.example.com", "--yes"]);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/needs no secret the kit generates/);
  expect(existsSync(join(dir, ".env.production"))).toBe(false);
});
