// update and docs through the built CLI: prod-kit.yaml as the answers, .prod-kit/ as the merge base,
// every file classified before anything is touched, the user's edits never lost.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();

function run(dir: string, args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args, "--dir", dir], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file under dir (but .git), path → content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    const full = join(dir, rel);
    try {
      out[rel] = readFileSync(full, "utf8");
    } catch {
      // a folder
    }
  }
  return out;
}

/** An example app with the kit generated for Railway. */
function initialised(stack = "django-celery", extra: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), "update-"));
  dirs.push(dir);
  cpSync(join(EXAMPLES, stack), dir, { recursive: true });
  chmodSync(dir, 0o755);
  const r = run(dir, ["--platform", "railway", "--domain", "app.example.com", "--yes", ...extra]);
  expect(r.code, r.err).toBe(0);
  return dir;
}

const edit = (dir: string, path: string, from: string | RegExp, to: string) => {
  const text = readFileSync(join(dir, path), "utf8");
  const next = text.replace(from, to);
  expect(next, `${path}: nothing to edit`).not.toBe(text);
  writeFileSync(join(dir, path), next);
};

describe("init records the answers and what it wrote", () => {
  it("writes a commented prod-kit.yaml and .prod-kit/, and an immediate update writes nothing", () => {
    const dir = initialised();
    const yaml = readFileSync(join(dir, "prod-kit.yaml"), "utf8");
    expect(yaml).toMatch(/^# create-prod-kit answers/);
    expect(yaml).toContain("\nplatform: railway\n");
    expect(yaml).toMatch(/# Where it runs: render \| railway \| vps \| easypanel\.\nplatform: railway/);
    const manifest = JSON.parse(readFileSync(join(dir, ".prod-kit/manifest.json"), "utf8"));
    expect(Object.keys(manifest.files)).toContain("Dockerfile");
    expect(manifest.files["prod-kit.yaml"]).toBeUndefined();
    const before = tree(dir);
    const r = run(dir, ["update"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("0 file(s) written.");
    expect(tree(dir)).toEqual(before);
    expect(run(dir, ["update", "--check"])).toMatchObject({ code: 0, out: expect.stringContaining("up to date") });
  });
});

describe("init again on a kit you edited", () => {
  it("never merges or overwrites your edits: the file is in the way, nothing is written, update is named", () => {
    const dir = initialised();
    edit(dir, "Dockerfile", "/healthz", "/ping");
    const before = tree(dir);
    const r = run(dir, ["--platform", "railway", "--domain", "app.example.com", "--set", "healthPath=/status/", "--yes"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Dockerfile\s+differs, left alone: you edited it; `create-prod-kit update` merges your edits/);
    expect(tree(dir)).toEqual(before);
  });
});

describe("update", () => {
  it("rewrites files you never edited and merges the ones you did, keeping your lines", () => {
    const dir = initialised();
    edit(dir, "gunicorn.conf.py", 'accesslog = "-"', 'accesslog = "-"\n# tuned for our traffic\nbacklog = 4096');
    const r = run(dir, ["update", "--set", "healthPath=/status/"]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/Dockerfile\s+updated/);
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).toContain("/status/");
    // gunicorn.conf.py did not change in the kit: your version stays as it is.
    expect(r.out).toMatch(/gunicorn\.conf\.py\s+kept \(yours\)/);
    expect(readFileSync(join(dir, "gunicorn.conf.py"), "utf8")).toContain("backlog = 4096");
    expect(readFileSync(join(dir, "prod-kit.yaml"), "utf8")).toContain("healthPath: /status/");
  });

  it("merges your edit with the kit's change to other lines of the same file", () => {
    const dir = initialised();
    edit(dir, "Dockerfile", /^USER app$/m, "# our security team wants this note\nUSER app");
    const r = run(dir, ["update", "--set", "healthPath=/status/"]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/Dockerfile\s+merged \(your edits kept\)/);
    const text = readFileSync(join(dir, "Dockerfile"), "utf8");
    expect(text).toContain("# our security team wants this note\nUSER app");
    expect(text).toContain("/status/");
    expect(run(dir, ["update"]).out).toContain("0 file(s) written.");
  });

  it("leaves overlapping changes between conflict markers, lists them and exits 1; --check fails until they are resolved", () => {
    const dir = initialised();
    edit(dir, "Dockerfile", "/healthz", "/ping");
    const r = run(dir, ["update", "--set", "healthPath=/status/"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Dockerfile\s+CONFLICT/);
    expect(r.out).toContain("overlap in 1 file(s): Dockerfile");
    const text = readFileSync(join(dir, "Dockerfile"), "utf8");
    expect(text).toMatch(/<<<<<<< yours\n.*\/ping.*\n=======\n.*\/status\/.*\n>>>>>>> create-prod-kit/);
    const check = run(dir, ["update", "--check"]);
    expect(check.code).toBe(1);
    expect(check.out).toContain("Unresolved conflict markers");
    // Resolved by the user: keep the kit's line.
    writeFileSync(join(dir, "Dockerfile"), text.replace(/<<<<<<< yours\n.*\n=======\n(.*\n)>>>>>>> create-prod-kit\n/, "$1"));
    expect(run(dir, ["update", "--check"]).code).toBe(0);
  });

  it("moving platforms removes the files you never edited and keeps the ones you did", () => {
    const dir = initialised();
    edit(dir, "railway/worker.json", '"restartPolicyMaxRetries": 10', '"restartPolicyMaxRetries": 3');
    const r = run(dir, ["update", "--platform", "vps", "--email", "ops@example.com"]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(existsSync(join(dir, "railway.json"))).toBe(false);
    expect(existsSync(join(dir, "railway/beat.json"))).toBe(false);
    expect(r.out).toMatch(/railway\/worker\.json\s+no longer needed, kept \(you edited it\)/);
    expect(readFileSync(join(dir, "railway/worker.json"), "utf8")).toContain('"restartPolicyMaxRetries": 3');
    expect(existsSync(join(dir, "docker-compose.prod.yml"))).toBe(true);
    // Back to Railway: the edited file is merged again, the others return.
    const back = run(dir, ["update", "--platform", "railway"]);
    expect(back.code).toBe(0);
    expect(readFileSync(join(dir, "railway/worker.json"), "utf8")).toContain('"restartPolicyMaxRetries": 3');
    expect(existsSync(join(dir, "railway.json"))).toBe(true);
    expect(existsSync(join(dir, "docker-compose.prod.yml"))).toBe(false);
  });

  it("does not bring back a file you deleted, unless --recreate", () => {
    const dir = initialised();
    rmSync(join(dir, "scripts/restore-db.sh"));
    const r = run(dir, ["update", "--set", "healthPath=/status/"]);
    expect(r.out).toMatch(/scripts\/restore-db\.sh\s+deleted by you, not recreated/);
    expect(existsSync(join(dir, "scripts/restore-db.sh"))).toBe(false);
    expect(run(dir, ["update"]).out).toContain("0 file(s) written.");
    run(dir, ["update", "--recreate"]);
    expect(existsSync(join(dir, "scripts/restore-db.sh"))).toBe(true);
  });

  it("--force is the only way to discard your edits, and says which", () => {
    const dir = initialised();
    edit(dir, "Dockerfile", /^USER app$/m, "# mine\nUSER app");
    const r = run(dir, ["update", "--force"]);
    expect(r.out).toMatch(/Dockerfile\s+overwritten \(your edits discarded\)/);
    expect(r.out).toContain("--force discarded your edits to: Dockerfile");
    expect(readFileSync(join(dir, "Dockerfile"), "utf8")).not.toContain("# mine");
  });

  it("--dry-run prints a unified diff per file and writes nothing", () => {
    const dir = initialised();
    const before = tree(dir);
    const r = run(dir, ["update", "--set", "healthPath=/status/", "--dry-run"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("--- a/Dockerfile\n+++ b/Dockerfile\n@@ ");
    expect(r.out).toMatch(/^-.*\/healthz/m);
    expect(r.out).toMatch(/^\+.*\/status\//m);
    expect(tree(dir)).toEqual(before);
  });

  it("--check exits 1 when prod-kit.yaml was edited and the kit not regenerated", () => {
    const dir = initialised();
    edit(dir, "prod-kit.yaml", "healthPath: /healthz", "healthPath: /up");
    const r = run(dir, ["update", "--check"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Dockerfile\s+update/);
  });

  it("keeps your comments in prod-kit.yaml when it edits a value", () => {
    const dir = initialised();
    edit(dir, "prod-kit.yaml", "domain: app.example.com", "# ask ops before changing\ndomain: app.example.com # prod");
    run(dir, ["update", "--domain", "shop.example.org"]);
    expect(readFileSync(join(dir, "prod-kit.yaml"), "utf8")).toContain("# ask ops before changing\ndomain: shop.example.org # prod");
  });

  it("reads bad prod-kit.yaml content as bad input: exit 2, the key and what is allowed", () => {
    const dir = initialised();
    edit(dir, "prod-kit.yaml", "platform: railway", "platform: heroku");
    const bad = run(dir, ["update"]);
    expect(bad.code).toBe(2);
    expect(bad.err.trim()).toBe("error: prod-kit.yaml: platform: must be one of render, railway, vps, easypanel");
    edit(dir, "prod-kit.yaml", "platform: heroku", "platform: railway\nplatfrom: vps");
    const unknown = run(dir, ["update"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^error: prod-kit\.yaml: platfrom: unknown key; the keys are platform, stack, /);
    writeFileSync(join(dir, "prod-kit.yaml"), "platform: [\n");
    expect(run(dir, ["update"])).toMatchObject({ code: 2, err: expect.stringMatching(/^error: prod-kit\.yaml: not valid YAML/) });
  });

  it("without prod-kit.yaml says to run init first", () => {
    const dir = mkdtempSync(join(tmpdir(), "update-none-"));
    dirs.push(dir);
    cpSync(join(EXAMPLES, "django-celery"), dir, { recursive: true });
    const r = run(dir, ["update"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("no prod-kit.yaml in");
  });

  it("a damaged .prod-kit/manifest.json is bad input, not a crash", () => {
    const dir = initialised();
    writeFileSync(join(dir, ".prod-kit/manifest.json"), "{");
    const r = run(dir, ["update"]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe("error: .prod-kit/manifest.json is not valid JSON; restore it from git (git checkout -- .prod-kit/manifest.json)");
  });

  it("only ever changes the managed block of .gitignore", () => {
    const dir = initialised();
    const text = readFileSync(join(dir, ".gitignore"), "utf8");
    writeFileSync(join(dir, ".gitignore"), `node_modules/\n${text}coverage/\n`);
    run(dir, ["update", "--platform", "vps", "--email", "ops@example.com"]);
    const after = readFileSync(join(dir, ".gitignore"), "utf8");
    expect(after.startsWith("node_modules/\n# >>> create-prod-kit >>>")).toBe(true);
    expect(after.endsWith("# <<< create-prod-kit <<<\ncoverage/\n")).toBe(true);
  });
});

describe("docs", () => {
  it("writes only the runbook and the checklist, for the recorded answers, where --out says", () => {
    const dir = initialised();
    const r = run(dir, ["docs", "--out", "ops"]);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(join(dir, "ops")).sort()).toEqual(["PRODUCTION_CHECKLIST.md", "RUNBOOK.md"]);
    expect(readFileSync(join(dir, "ops/RUNBOOK.md"), "utf8")).toBe(readFileSync(join(dir, "docs/RUNBOOK.md"), "utf8"));
  });

  it("without prod-kit.yaml, for the flags, and nothing else", () => {
    const dir = mkdtempSync(join(tmpdir(), "docs-"));
    dirs.push(dir);
    cpSync(join(EXAMPLES, "fastapi-chatwoot"), dir, { recursive: true });
    const before = Object.keys(tree(dir));
    const r = run(dir, ["docs", "--platform", "render", "--domain", "bot.example.com", "--yes"]);
    expect(r.code, r.err).toBe(0);
    expect(Object.keys(tree(dir)).filter((p) => !before.includes(p)).sort()).toEqual(["docs", "docs/PRODUCTION_CHECKLIST.md", "docs/RUNBOOK.md"].filter((p) => p !== "docs"));
    expect(readFileSync(join(dir, "docs/RUNBOOK.md"), "utf8")).toContain("Render");
  });

  it("--check belongs to update only", () => {
    const dir = initialised();
    expect(run(dir, ["docs", "--check"])).toMatchObject({ code: 2, err: "error: --check goes with update, not docs\n" });
  });
});
