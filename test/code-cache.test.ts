// The launcher's code cache (src/launcher.ts, src/code-cache.ts): a run keeps the code V8 compiled
// for its command in the user's cache folder, the next run of that command uses it instead of
// compiling, and nothing about it can change what the CLI does: a corrupt, foreign or unwritable
// cache only costs time. What a command compiles is read from its cache file (V8 keeps a compiled
// function's string constants in it), which is how these tests see that `--help` compiles none of
// the kit's code and a kit made with --yes none of the prompts.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cacheDir, cacheKey, cacheName } from "../src/code-cache.js";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();

function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

function cli(args: string[], env: Record<string, string | undefined>) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: undefined, ...env } });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const cacheFiles = (home: string) => {
  const dir = join(home, "create-prod-kit");
  return existsSync(dir) ? readdirSync(dir).sort() : [];
};
const cacheOf = (home: string, command: string) => {
  const name = cacheFiles(home).find((f) => f.endsWith(`-${command}.v8`));
  if (!name) throw new Error(`no ${command} cache in ${cacheFiles(home).join(", ")}`);
  return join(home, "create-prod-kit", name);
};
const KIT = ["--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"];

function app(): string {
  const dir = temp("cache-app-");
  cpSync(join(EXAMPLES, "django-celery"), dir, { recursive: true });
  return dir;
}

describe("the code cache", () => {
  it("is written by a command's first run, private to the user, and used (not rewritten) by the next", () => {
    const home = temp("cache-home-");
    const first = cli(["--help"], { XDG_CACHE_HOME: home });
    expect(first.status).toBe(0);
    const file = cacheOf(home, "help");
    expect(statSync(join(home, "create-prod-kit")).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(cacheFiles(home)).toHaveLength(1);
    const before = statSync(file);
    const second = cli(["--help"], { XDG_CACHE_HOME: home });
    expect(second).toEqual(first);
    const after = statSync(file);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("--help compiles argument parsing only; a kit compiles zod, YAML and the templates but not the prompts", () => {
    const home = temp("cache-home-");
    expect(cli(["--help"], { XDG_CACHE_HOME: home }).status).toBe(0);
    expect(cli(["--dir", app(), ...KIT], { XDG_CACHE_HOME: home }).status).toBe(0);
    const help = readFileSync(cacheOf(home, "help"), "latin1");
    const kit = readFileSync(cacheOf(home, "init"), "latin1");
    // One string of each part: the answers' zod schema, YAML's core schema, the Dockerfile template.
    const parts = ["must be a bare hostname", "tag:yaml.org,2002:str", "PYTHONDONTWRITEBYTECODE"];
    for (const text of parts) {
      expect(kit, text).toContain(text);
      expect(help, text).not.toContain(text);
    }
    expect(help).toContain("Usage:");
    expect(help.length).toBeLessThan(kit.length / 4);
    // @clack/core's key handling (test/prompts.test.ts sees it compiled when the CLI asks).
    expect(kit).not.toContain("keypress");
  });

  it("a damaged cache file is never given to V8 (it would crash Node): the run is the same and the file replaced", () => {
    const home = temp("cache-home-");
    const clean = cli(["--version"], { XDG_CACHE_HOME: home });
    const file = cacheOf(home, "version");
    const good = readFileSync(file);
    const damaged = [
      Buffer.from(good.map((b, i) => (i > 64 ? b ^ 0x5a : b))), // payload flipped (V8 alone would abort)
      good.subarray(0, good.length >> 1), // cut short
      Buffer.from("not a cache"),
    ];
    for (const bytes of damaged) {
      writeFileSync(file, bytes);
      expect(cli(["--version"], { XDG_CACHE_HOME: home })).toEqual(clean);
      const replaced = statSync(file);
      expect(readFileSync(file).equals(bytes)).toBe(false);
      // The new file is whole: the next run uses it and leaves it alone.
      expect(cli(["--version"], { XDG_CACHE_HOME: home })).toEqual(clean);
      expect(statSync(file).mtimeMs).toBe(replaced.mtimeMs);
    }
  });

  it("is not used from a folder others can write to, nor when NODE_DISABLE_COMPILE_CACHE is set", () => {
    const home = temp("cache-home-");
    mkdirSync(join(home, "create-prod-kit"), { mode: 0o700 });
    chmodSync(join(home, "create-prod-kit"), 0o777);
    const r = cli(["--version"], { XDG_CACHE_HOME: home });
    expect(r.status).toBe(0);
    expect(cacheFiles(home)).toEqual([]);
    const off = temp("cache-home-");
    expect(cli(["--version"], { XDG_CACHE_HOME: off, NODE_DISABLE_COMPILE_CACHE: "1" })).toEqual(r);
    expect(existsSync(join(off, "create-prod-kit"))).toBe(false);
  });

  it("a cache home that cannot be written (a file, a missing HOME) changes nothing but speed", () => {
    const blocker = join(temp("cache-home-"), "a-file");
    writeFileSync(blocker, "");
    const kit = app();
    const r = cli(["--dir", kit, ...KIT], { XDG_CACHE_HOME: blocker });
    expect(r.status, r.err).toBe(0);
    expect(existsSync(join(kit, "Dockerfile"))).toBe(true);
    expect(cli(["--version"], { XDG_CACHE_HOME: undefined, HOME: "/nonexistent" }).status).toBe(0);
  });

  it("a new bundle's first run removes the caches of other bundles, and only those", () => {
    const home = temp("cache-home-");
    const dir = join(home, "create-prod-kit");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stale = `0123456789abcdef-${process.version}-${process.arch}-help.v8`;
    writeFileSync(join(dir, stale), "old");
    writeFileSync(join(dir, "notes.txt"), "not ours to delete");
    expect(cli(["--help"], { XDG_CACHE_HOME: home }).status).toBe(0);
    const left = cacheFiles(home);
    expect(left).not.toContain(stale);
    expect(left).toContain("notes.txt");
    expect(left.filter((f) => f.endsWith("-help.v8"))).toHaveLength(1);
  });
});

describe("cacheKey and cacheDir", () => {
  it("names the command a run is, so each keeps the functions it runs", () => {
    expect(cacheKey([])).toBe("init");
    expect(cacheKey(["--platform", "vps", "--yes"])).toBe("init");
    expect(cacheKey(["update", "--dry-run"])).toBe("update");
    expect(cacheKey(["doctor", "--json"])).toBe("doctor");
    expect(cacheKey(["update", "--help"])).toBe("help");
    expect(cacheKey(["--version"])).toBe("version");
    expect(cacheKey(["--dir", "update"])).toBe("init");
  });

  it("follows XDG_CACHE_HOME, then ~/.cache", () => {
    const home = temp("cache-home-");
    expect(cacheDir({ XDG_CACHE_HOME: home })).toBe(join(home, "create-prod-kit"));
    expect(cacheDir({ XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: "1" })).toBeUndefined();
    const user = temp("cache-user-");
    expect(cacheDir({ HOME: user })).toBe(join(user, ".cache", "create-prod-kit"));
    expect(cacheDir({ HOME: user, XDG_CACHE_HOME: "" })).toBe(join(user, ".cache", "create-prod-kit"));
  });
});

describe("cacheName", () => {
  it("is one file per bundle, Node, flags and command", () => {
    const plain = cacheName("0123456789abcdef", ["--help"], "");
    expect(plain).toBe(`0123456789abcdef-${process.version}-${process.arch}-help.v8`);
    const inspect = cacheName("0123456789abcdef", ["--help"], "--inspect");
    expect(inspect).not.toBe(plain);
    expect(inspect).toMatch(/^0123456789abcdef-.+-f[0-9a-f]+-help\.v8$/);
    expect(cacheName("0123456789abcdef", ["--help"], "--max-old-space-size=100")).not.toBe(inspect);
    expect(cacheName("0123456789abcdef", ["update"], "")).not.toBe(plain);
  });
});
