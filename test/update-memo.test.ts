// `update` through the built CLI with its memo (src/memo/, src/launcher.ts): a run whose reads all
// return what the last recordable run's did prints that run's report without loading the bundle.
// The proof that this is safe is differential: after every random change a user could make, an
// update answered by the memo (or not) prints, exits and leaves the repository exactly as a full
// run does on an identical copy. The parts are tested one by one in test/memo.test.ts.
import { spawnSync } from "node:child_process";
import fc from "fast-check";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();
const RUNS = Number(process.env.MEMO_PROPERTY_RUNS ?? 8);

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/**
 * Runs the CLI in `cwd` with a preload that logs each time the launcher reads dist/bundle.cjs: a run
 * answered by the memo never does. (The preload is in the command line, so also in the memo's key.)
 */
function cli(cwd: string, args: string[], cache: string, env: Record<string, string | undefined> = {}, bin = CLI) {
  const log = join(cache, "bundle-reads.log");
  rmSync(log, { force: true });
  const r = spawnSync(process.execPath, ["--require", PRELOAD, bin, ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: undefined, XDG_CACHE_HOME: cache, BUNDLE_LOG: log, ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr, loadedBundle: existsSync(log) };
}

const PRELOAD = join(mkdtempSync(join(tmpdir(), "memo-preload-")), "log-bundle-reads.cjs");
writeFileSync(
  PRELOAD,
  `const fs = require("node:fs");
const read = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (String(path).endsWith("bundle.cjs") && process.env.BUNDLE_LOG) fs.appendFileSync(process.env.BUNDLE_LOG, "read\\n");
  return read.call(this, path, ...rest);
};
`,
);

const memoFiles = (cache: string) => {
  const dir = join(cache, "create-prod-kit");
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.includes("-memo-")) : [];
};

const KIT = ["--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"];

function initialised(cache: string): string {
  const dir = temp("memo-app-");
  cpSync(join(EXAMPLES, "django-celery"), dir, { recursive: true });
  const r = cli(dir, KIT, cache);
  expect(r.status, r.err).toBe(0);
  return dir;
}

/** Every entry under dir: files with content and mode, links with their target. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = join(dir, rel);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) out[rel] = `-> ${readlinkSync(full)}`;
    else if (st.isFile()) out[rel] = `${(st.mode & 0o777).toString(8)} ${readFileSync(full, "utf8")}`;
  }
  return out;
}

describe("update's memo", () => {
  it("answers a second update of an unchanged kit without loading the bundle, and a changed one with a full run", () => {
    const cache = temp("memo-cache-");
    const dir = initialised(cache);
    const first = cli(dir, ["update"], cache);
    expect(first.status, first.err).toBe(0);
    expect(first.out).toContain("0 file(s) written.");
    expect(first.loadedBundle).toBe(true);
    expect(memoFiles(cache)).toHaveLength(1);
    const before = tree(dir);

    const second = cli(dir, ["update"], cache);
    expect(second).toEqual({ ...first, loadedBundle: false });
    expect(tree(dir)).toEqual(before);

    // One byte of one kit file: a full run, which sees the edit.
    writeFileSync(join(dir, "Dockerfile"), `${readFileSync(join(dir, "Dockerfile"), "utf8")}# mine\n`);
    const third = cli(dir, ["update"], cache);
    expect(third.loadedBundle).toBe(true);
    expect(third.out).toMatch(/Dockerfile\s+kept \(yours\)/);
    // --check is its own command line, with its own memo; it exits 1 from the memo too.
    writeFileSync(join(dir, "prod-kit.yaml"), readFileSync(join(dir, "prod-kit.yaml"), "utf8").replace("app.example.com", "www.example.com"));
    const check = cli(dir, ["update", "--check"], cache);
    expect(check.status).toBe(1);
    expect(check.loadedBundle).toBe(true);
    expect(cli(dir, ["update", "--check"], cache)).toEqual({ ...check, loadedBundle: false });
  });

  it("keeps nothing from a run that wrote, failed or printed to stderr", () => {
    const cache = temp("memo-cache-");
    const dir = initialised(cache);
    writeFileSync(join(dir, "prod-kit.yaml"), readFileSync(join(dir, "prod-kit.yaml"), "utf8").replace("app.example.com", "www.example.com"));
    const wrote = cli(dir, ["update"], cache);
    expect(wrote.status, wrote.err).toBe(0);
    expect(wrote.out).not.toContain("0 file(s) written.");
    expect(memoFiles(cache)).toEqual([]);
    const bare = temp("memo-bare-");
    const failed = cli(bare, ["update"], cache);
    expect(failed.status).toBe(2);
    expect(memoFiles(cache)).toEqual([]);
    // The update after the one that wrote is unchanged: that one is kept.
    expect(cli(dir, ["update"], cache).loadedBundle).toBe(true);
    expect(memoFiles(cache)).toHaveLength(1);
  });

  it("is off with NODE_DISABLE_COMPILE_CACHE, like the code cache", () => {
    const cache = temp("memo-cache-");
    const dir = initialised(cache);
    for (let i = 0; i < 2; i++) expect(cli(dir, ["update"], cache, { NODE_DISABLE_COMPILE_CACHE: "1" }).loadedBundle).toBe(true);
    expect(memoFiles(cache)).toEqual([]);
  });

  it("is its install's own: another install of the same bundle (a release that only changed package.json) runs in full", () => {
    const cache = temp("memo-cache-");
    const dir = initialised(cache);
    expect(cli(dir, ["update", "--check"], cache).status).toBe(0); // recorded
    expect(cli(dir, ["update", "--check"], cache).loadedBundle).toBe(false); // and answered
    const other = temp("memo-install-");
    mkdirSync(join(other, "dist"));
    for (const f of readdirSync(join(REPO_ROOT, "dist"))) cpSync(join(REPO_ROOT, "dist", f), join(other, "dist", f));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    writeFileSync(join(other, "package.json"), JSON.stringify({ ...pkg, version: "99.0.0" }));
    const r = spawnSync(process.execPath, [join(other, "dist", "cli.cjs"), "update", "--check"], { cwd: dir, encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: cache } });
    // The new version is a change to the kit (prod-kit.yaml and .prod-kit/ record it).
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain("out of date");
  });

  it("a damaged memo is a miss, and the full run replaces it", () => {
    const cache = temp("memo-cache-");
    const dir = initialised(cache);
    const first = cli(dir, ["update"], cache);
    const [name] = memoFiles(cache);
    const file = join(cache, "create-prod-kit", name!);
    const memo = JSON.parse(readFileSync(file, "utf8"));
    memo.reads[0][1] = "{";
    writeFileSync(file, JSON.stringify(memo));
    const again = cli(dir, ["update"], cache);
    expect(again).toEqual(first);
    expect(cli(dir, ["update"], cache)).toEqual({ ...first, loadedBundle: false });
  });

  it("runs from a working folder that was deleted (no memo: it is keyed by the folder)", () => {
    const cache = temp("memo-cache-");
    const dir = initialised(cache);
    const gone = temp("memo-gone-");
    const r = spawnSync("sh", ["-c", `cd "${gone}" && rmdir "${gone}" && exec "${process.execPath}" "${CLI}" update --dir "${dir}"`], {
      encoding: "utf8",
      env: { ...process.env, XDG_CACHE_HOME: cache },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("0 file(s) written.");
  });

  it("keeps what the whole process did, not only run(): later work is recorded, a later crash keeps nothing", () => {
    // A stand-in bundle beside the real launcher and memo: its run() resolves, then more happens.
    const install = temp("memo-install-");
    mkdirSync(join(install, "dist"));
    for (const f of ["cli.cjs", "memo.cjs"]) cpSync(join(REPO_ROOT, "dist", f), join(install, "dist", f));
    writeFileSync(
      join(install, "dist", "bundle.cjs"),
      `const fs = require("node:fs");
exports.run = async () => {
  fs.writeSync(1, Buffer.from("report\\n"));
  void Promise.resolve().then(() => {
    if (process.env.LATE_THROW) throw new Error("late failure");
    if (fs.existsSync(process.env.FLAG)) fs.writeSync(1, Buffer.from("late\\n"));
  });
};
`,
    );
    const bin = join(install, "dist", "cli.cjs");
    const cache = temp("memo-cache-");
    const cwd = temp("memo-cwd-");
    const flag = join(cwd, "flag");
    const run = (env: Record<string, string> = {}) => cli(cwd, ["update"], cache, { FLAG: flag, ...env }, bin);
    expect(run()).toEqual({ status: 0, out: "report\n", err: "", loadedBundle: true });
    expect(run()).toEqual({ status: 0, out: "report\n", err: "", loadedBundle: false });
    writeFileSync(flag, "");
    expect(run()).toEqual({ status: 0, out: "report\nlate\n", err: "", loadedBundle: true });
    for (let i = 0; i < 2; i++) {
      const crashed = run({ LATE_THROW: "1" });
      expect(crashed.status).not.toBe(0);
      expect(crashed.err).toContain("late failure");
      expect(crashed.loadedBundle).toBe(true);
    }
  });

  type Change =
    | { kind: "nothing" }
    | { kind: "append" | "rewrite" | "delete" | "chmod" | "link"; file: number }
    | { kind: "answers"; domain: string }
    | { kind: "requirement" | "module" | "base" | "env" }
    /** Unsets the variable `env` toggles (while it is set, the YAML parser logs: no run is recordable). */
    | { kind: "unset-env" };
  const KIT_FILES = ["Dockerfile", "docker-compose.prod.yml", "nginx/nginx.conf", "scripts/deploy.sh", "docs/RUNBOOK.md", "gunicorn.conf.py", "shop/settings_production.py", ".env.production.example"];
  const changeArb: fc.Arbitrary<Change> = fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: "nothing" as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom("append" as const, "rewrite" as const, "delete" as const, "chmod" as const, "link" as const), file: fc.nat(KIT_FILES.length - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("answers" as const), domain: fc.constantFrom("app.example.com", "www.example.com", "shop.example.org") }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("requirement" as const, "module" as const, "base" as const, "env" as const) }) },
  );
  const commandArb: fc.Arbitrary<string[]> = fc.constantFrom(["update"], ["update"], ["update", "--check"], ["update", "--dry-run"]);

  /** Makes one change to a repository (the same change to each copy). */
  function change(dir: string, c: Change, env: Record<string, string | undefined>): void {
    const path = "file" in c ? join(dir, KIT_FILES[c.file]!) : "";
    const text = (p: string) => (existsSync(p) && lstatSync(p).isFile() ? readFileSync(p, "utf8") : "");
    switch (c.kind) {
      case "nothing":
        return;
      case "append":
        return writeFileSync(path, `${text(path)}# a line of mine\n`);
      case "rewrite": // the same bytes, a new modification time
        return writeFileSync(path, text(path));
      case "delete":
        return rmSync(path, { force: true });
      case "chmod":
        if (existsSync(path)) chmodSync(path, (lstatSync(path).mode & 0o100) === 0 ? 0o755 : 0o644);
        return;
      case "link":
        rmSync(path, { force: true });
        return symlinkSync(relative(dirname(path), join(dir, "manage.py")), path);
      case "answers": {
        const answers = join(dir, "prod-kit.yaml");
        return writeFileSync(answers, text(answers).replace(/^domain: .*$/m, `domain: ${c.domain}`));
      }
      case "requirement":
        return writeFileSync(join(dir, "requirements.txt"), `${text(join(dir, "requirements.txt"))}requests==2.32.3\n`);
      case "module":
        return writeFileSync(join(dir, "orders", `extra_${readdirSync(join(dir, "orders")).length}.py`), "from celery import shared_task\n");
      case "base": {
        const bases = join(dir, ".prod-kit", "base");
        const first = existsSync(bases) ? readdirSync(bases).sort()[0] : undefined;
        if (first) rmSync(join(bases, first));
        return;
      }
      case "env":
        env.LOG_TOKENS = env.LOG_TOKENS ? undefined : "1"; // read by the YAML parser: it prints every token
        return;
      case "unset-env":
        env.LOG_TOKENS = undefined;
    }
  }

  it(`prints, exits and writes exactly what a full run does, after any of ${RUNS} random sequences of changes`, () => {
    let hits = 0;
    let runs = 0;
    const cacheA = temp("memo-cache-a-");
    const cacheB = temp("memo-cache-b-");
    const a = initialised(cacheA);
    fc.assert(
      fc.property(fc.array(fc.tuple(changeArb, commandArb), { minLength: 2, maxLength: 6 }), (steps) => {
        // A fresh pair of identical repositories: `a` keeps its memos across sequences, `b` never has one.
        const seqA = temp("memo-a-");
        const seqB = temp("memo-b-");
        cpSync(a, seqA, { recursive: true });
        cpSync(a, seqB, { recursive: true });
        const env: Record<string, string | undefined> = {};
        // Every sequence ends with the same `update --check` twice: the first (it writes nothing and
        // prints no error) is recorded, so the second must be answered by the memo. Each sequence
        // then compares a memo's answer with a full run, whatever was drawn.
        const check = ["update", "--check"];
        const ending: [Change, string[]][] = [
          [{ kind: "unset-env" }, check],
          [{ kind: "nothing" }, check],
        ];
        let last: ReturnType<typeof cli> | undefined;
        for (const [c, command] of [...steps, ...ending]) {
          change(seqA, c, env);
          change(seqB, c, env);
          const withMemo = cli(seqA, command, cacheA, env);
          for (const f of memoFiles(cacheB)) rmSync(join(cacheB, "create-prod-kit", f));
          const full = cli(seqB, command, cacheB, env);
          expect(full.loadedBundle).toBe(true);
          const norm = (r: typeof full, root: string) => ({ status: r.status, out: r.out.replaceAll(root, "<root>"), err: r.err.replaceAll(root, "<root>") });
          expect(norm(withMemo, seqA), JSON.stringify({ c, command })).toEqual(norm(full, seqB));
          expect(tree(seqA)).toEqual(tree(seqB));
          runs++;
          if (!withMemo.loadedBundle) hits++;
          last = withMemo;
        }
        expect(last?.loadedBundle, "the repeated update --check was not answered by the memo").toBe(false);
      }),
      { numRuns: RUNS },
    );
    // The memo was used (at least once per sequence), and not always: both sides of the comparison ran.
    expect(hits).toBeGreaterThanOrEqual(RUNS);
    expect(hits).toBeLessThan(runs);
  });
});
