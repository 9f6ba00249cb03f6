// The update memo's parts (src/memo/): what a recording sees, what marks a run unrecordable, that
// a replay checks every read again, and what the memo file keeps. The command-line behaviour, and
// the proof that a memo hit prints exactly what a full run prints, are in test/update-memo.test.ts.
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { pruneCache } from "../src/code-cache.js";
import { hash } from "../src/memo/digest.js";
import { MAX_MEMOS, memoKey, memoName, memoOf, readMemo, saveMemo } from "../src/memo/file.js";
import { Recorder, type Recording } from "../src/memo/record.js";
import { stillHolds } from "../src/memo/replay.js";

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "memo-"));
  dirs.push(dir);
  return dir;
}

const realRequire = createRequire(import.meta.url);
const realEnv = process.env;
type Fs = typeof import("node:fs");

/** Runs `body` as a recorded run would (synchronously: nothing else runs while the stand-ins are in place). */
function record(body: (require: NodeJS.Require) => void): Recording {
  const recorder = new Recorder(realRequire).start();
  try {
    body(recorder.require);
  } finally {
    recorder.stop();
  }
  return recorder.recording;
}

const memoFrom = (r: Recording) => memoOf("key", r, 0)!;
const noop = () => {};
const SCRATCH = join(tmpdir(), `memo-w-${process.pid}`);

describe("hash", () => {
  it("is SHA-256 (128 bits), the same for a text and for its UTF-8 bytes", () => {
    expect(hash("abc")).toBe(createHash("sha256").update("abc").digest("base64url").slice(0, 22));
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        expect(hash(Buffer.from(text, "utf8"))).toBe(hash(text));
      }),
    );
    expect(hash("a")).not.toBe(hash("b"));
  });
});

describe("a recording", () => {
  it("keeps each read with a digest of what it returned, and what went to stdout", () => {
    const dir = temp();
    writeFileSync(join(dir, "a.txt"), "one");
    const r = record((require) => {
      const fs = require("node:fs") as Fs;
      expect(fs.readFileSync(join(dir, "a.txt"), "utf8")).toBe("one");
      expect(fs.existsSync(join(dir, "none"))).toBe(false);
      expect(() => fs.readFileSync(join(dir, "none"))).toThrow(/ENOENT/);
      expect(fs.readdirSync(dir)).toEqual(["a.txt"]);
      fs.writeSync(1, Buffer.from("..report\n"), 2);
    });
    expect(r.unrecordable).toBeUndefined();
    expect(r.reads.map(([op, args]) => [op, JSON.parse(args)])).toEqual([
      ["readFileSync", [join(dir, "a.txt"), "utf8"]],
      ["existsSync", [join(dir, "none")]],
      ["readFileSync", [join(dir, "none")]],
      ["readdirSync", [dir]],
    ]);
    expect(r.reads[2]![2]).toBe("!ENOENT");
    expect(Buffer.concat(r.stdout).toString()).toBe("report\n");
  });

  it("is replayed only while every read returns the same again", () => {
    const dir = temp();
    mkdirSync(join(dir, "d"));
    writeFileSync(join(dir, "d", "a.txt"), "one");
    const memo = memoFrom(
      record((require) => {
        const fs = require("node:fs") as Fs;
        fs.readFileSync(join(dir, "d", "a.txt"), "utf8");
        fs.readdirSync(join(dir, "d"), { withFileTypes: true });
        fs.lstatSync(join(dir, "d", "a.txt"));
        fs.existsSync(join(dir, "d", "b.txt"));
      }),
    );
    expect(stillHolds(memo)).toBe(true);
    // Each change below is seen by a different read; each is undone before the next.
    writeFileSync(join(dir, "d", "a.txt"), "two");
    expect(stillHolds(memo)).toBe(false);
    writeFileSync(join(dir, "d", "a.txt"), "one"); // same bytes, but lstat sees a new mtime/ctime
    expect(stillHolds(memo)).toBe(false);
    const again = memoFrom(record((require) => void (require("node:fs") as Fs).readFileSync(join(dir, "d", "a.txt"), "utf8")));
    expect(stillHolds(again)).toBe(true);
    utimesSync(join(dir, "d", "a.txt"), new Date(0), new Date(0));
    expect(stillHolds(again)).toBe(true); // content only: a touch is not a change to readFileSync
    writeFileSync(join(dir, "d", "b.txt"), "");
    expect(stillHolds(again)).toBe(true);
    expect(stillHolds(memo)).toBe(false);
    rmSync(join(dir, "d", "b.txt"));
    symlinkSync("a.txt", join(dir, "d", "c"));
    const listing = memoFrom(record((require) => void (require("node:fs") as Fs).readdirSync(join(dir, "d"), { withFileTypes: true })));
    rmSync(join(dir, "d", "c"));
    writeFileSync(join(dir, "d", "c"), ""); // same name, a file instead of a link
    expect(stillHolds(listing)).toBe(false);
  });

  it("sees the environment it reads, set or not, and a replay checks both", () => {
    process.env.PROD_KIT_T1 = "a";
    let r: Recording;
    try {
      r = record(() => {
        expect(process.env.PROD_KIT_T1).toBe("a");
        expect("PROD_KIT_T2" in process.env).toBe(false);
      });
    } finally {
      delete process.env.PROD_KIT_T1;
    }
    expect(r.env.map(([name]) => name)).toEqual(["PROD_KIT_T1", "PROD_KIT_T2"]);
    const memo = memoFrom(r);
    expect(stillHolds(memo, { PROD_KIT_T1: "a" })).toBe(true);
    expect(stillHolds(memo, { PROD_KIT_T1: "b" })).toBe(false);
    expect(stillHolds(memo, {})).toBe(false);
    expect(stillHolds(memo, { PROD_KIT_T1: "a", PROD_KIT_T2: "" })).toBe(false);
    // Listing the whole environment makes all of it part of the memo.
    const all = memoFrom(record(() => void Object.keys(process.env)));
    expect(stillHolds(all)).toBe(true);
    expect(stillHolds(all, { ...process.env, PROD_KIT_T3: "x" })).toBe(false);
  });

  it.each<[string, (require: NodeJS.Require) => unknown]>([
    ["Date.now", () => Date.now()],
    ["new Date()", () => new Date()],
    ["Date()", () => (Date as unknown as () => string)()],
    ["Math.random", () => Math.random()],
    ["performance", () => performance.now()],
    ["setTimeout", () => clearTimeout(setTimeout(() => {}, 1000))],
    ["setImmediate", () => clearImmediate(setImmediate(() => {}))],
    ["process.stdout", () => process.stdout.isTTY],
    ["process.stdin", () => process.stdin],
    ["process.pid", () => process.pid],
    ["process.chdir", () => process.chdir(process.cwd())],
    ["process.getBuiltinModule", () => process.getBuiltinModule("node:os")],
    ['process.on("exit")', () => process.removeListener("exit", process.on("exit", noop) && noop)],
    ["crypto", () => globalThis.crypto.randomUUID()],
    ["Intl", () => new Intl.DateTimeFormat("en").format()],
    ["Date.now", () => Object.getOwnPropertyDescriptor(Date, "now")!.value()],
    ["new Date()", () => new (new Date(0).constructor as DateConstructor)()],
    ["Date.prototype.getHours (local time)", () => new Date(0).getHours()],
    ["Date.prototype.toString (local time)", () => String(new Date(0))],
    ["new Date(...) (local time)", () => new Date(2020, 0, 1).getTime()],
    ["new Date(...) (local time)", () => new Date("2020-01-01T00:00").getTime()],
    ["Date.parse", () => Date.parse("2020-01-01T00:00")],
    ["fetch", () => void fetch("data:,").catch(noop)],
    ["require.resolve", (require) => require.resolve("node:fs")],
    ["fs.readFileSync with flag a+", (require) => (require("node:fs") as Fs).readFileSync(SCRATCH, { flag: "a+" })],
    ["fs.ReadStream", (require) => (require("node:fs") as Fs).ReadStream],
    ["console", () => console.log],
    ["process.umask", () => process.umask()],
    ["process.hrtime", () => process.hrtime()],
    ["process.hrtime.bigint", () => process.hrtime.bigint()],
    ["module node:child_process", (require) => require("node:child_process")],
    ["module node:os", (require) => require("node:os")],
    ["crypto.randomBytes", (require) => (require("node:crypto") as typeof import("node:crypto")).randomBytes(4)],
    ["crypto.randomUUID", (require) => (require("node:crypto") as typeof import("node:crypto")).randomUUID()],
    ["util.styleText", (require) => (require("node:util") as typeof import("node:util")).styleText("red", "x")],
    ["fs.writeFileSync", (require) => (require("node:fs") as Fs).writeFileSync(SCRATCH, "")],
    ["fs.mkdirSync", (require) => (require("node:fs") as Fs).mkdirSync(tmpdir(), { recursive: true })],
    ["fs.openSync", (require) => (require("node:fs") as Fs).closeSync((require("node:fs") as Fs).openSync(__filenameOf(), "r"))],
    ["fs.promises", (require) => (require("node:fs") as Fs).promises],
    ["fs.realpathSync.native", (require) => (require("node:fs") as Fs).realpathSync.native(tmpdir())],
    ["printed to stderr", (require) => (require("node:fs") as Fs).writeSync(2, "")],
    ["process.env set", () => (process.env.PROD_KIT_SET_BY_TEST = "1")],
    ["fs.readFileSync with arguments JSON cannot hold", (require) => (require("node:fs") as Fs).readFileSync(Buffer.from(__filenameOf()))],
  ])("is marked unrecordable by %s", (reason, use) => {
    const r = record((require) => void use(require));
    delete process.env.PROD_KIT_SET_BY_TEST;
    rmSync(SCRATCH, { force: true });
    expect(r.unrecordable).toBe(reason);
    expect(memoOf("key", r, 0)).toBeUndefined();
  });

  it("allows what cannot vary: hashes, paths, URLs, util's parser, the process module", () => {
    const r = record((require) => {
      (require("node:crypto") as typeof import("node:crypto")).createHash("sha256").update("x").digest("hex");
      (require("node:path") as typeof import("node:path")).join("a", "b");
      (require("node:url") as typeof import("node:url")).pathToFileURL("/a");
      (require("node:util") as typeof import("node:util")).parseArgs({ args: [], options: {} });
      expect(require("process")).toBe(process);
      void new Date(0).toISOString();
      void process.exitCode;
    });
    expect(r.unrecordable).toBeUndefined();
  });

  it("does not change what the run does: classes, symbols, subclasses and marked values work as without it", () => {
    const dir = temp();
    const r = record((require) => {
      const fs = require("node:fs") as Fs;
      const util = require("node:util") as typeof import("node:util");
      expect(fs.statSync(dir)).toBeInstanceOf(realRequire("node:fs").Stats);
      expect(fs.readdirSync(dir, { withFileTypes: true })).toEqual([]);
      expect(typeof util.promisify(setTimeout)).toBe("function");
      expect(new Date(0).constructor).toBe(Date);
      expect(new Date(0)).toBeInstanceOf(Date);
      expect(new Date(86_400_000).toISOString()).toBe("1970-01-02T00:00:00.000Z");
      class Later extends Date {}
      expect(new Later(0)).toBeInstanceOf(Later);
      expect(process.env.PATH).toBe(realEnv.PATH);
      expect(Object.hasOwn(process.env, "PATH")).toBe(true);
    });
    expect(r.unrecordable).toBeUndefined();
    expect(r.env.map(([name]) => name)).toEqual(["PATH"]);
    // A marked value still reads as itself.
    const ppid = process.ppid;
    const marked = record(() => expect(process.ppid).toBe(ppid));
    expect(marked.unrecordable).toBe("process.ppid");
  });

  it("puts every global back when it stops", () => {
    const before = { Date, random: Math.random, env: process.env, setTimeout, stdout: Object.getOwnPropertyDescriptor(process, "stdout") };
    record(() => {
      expect(Date).not.toBe(before.Date);
      expect(process.env).not.toBe(before.env);
    });
    expect({ Date, random: Math.random, env: process.env, setTimeout, stdout: Object.getOwnPropertyDescriptor(process, "stdout") }).toEqual(before);
    expect(Date).toBe(before.Date);
    expect(process.env).toBe(before.env);
  });

  it("keeps a run that exits 0 or 1, never one that failed otherwise", () => {
    const r = record(() => {});
    expect(memoOf("k", r, 0)).toBeDefined();
    expect(memoOf("k", r, 1)).toBeDefined();
    expect(memoOf("k", r, 2)).toBeUndefined();
    expect(memoOf("k", r, 70)).toBeUndefined();
  });
});

const __filenameOf = () => new URL(import.meta.url).pathname;

describe("the memo file", () => {
  it("is found by its key only, and a damaged report is no memo", () => {
    const dir = temp();
    const key = memoKey("0123456789abcdef", "/install/dist/cli.cjs", ["update"]);
    const name = memoName("0123456789abcdef", key);
    expect(name).toMatch(/^0123456789abcdef-memo-[0-9a-f]{32}\.json$/);
    expect(memoKey("0123456789abcdef", "/other/dist/cli.cjs", ["update"])).not.toBe(key); // another install
    expect(memoName("0123456789abcdef", memoKey("0123456789abcdef", "/install/dist/cli.cjs", ["update", "--check"]))).not.toBe(name);
    const r = record((require) => {
      (require("node:fs") as Fs).readFileSync(__filenameOf(), "utf8");
      void process.env.PROD_KIT_SEEN;
    });
    r.stdout.push(Buffer.from("Kit for /repo:\n"));
    saveMemo(dir, name, memoOf(key, r, 1)!);
    expect(readMemo(dir, name, key)).toMatchObject({ exitCode: 1, stdout: Buffer.from("Kit for /repo:\n").toString("base64") });
    expect(readMemo(dir, name, memoKey("0123456789abcdef", "/install/dist/cli.cjs", ["update", "--check"]))).toBeUndefined();
    const file = join(dir, name);
    const whole = readFileSync(file, "utf8");
    writeFileSync(file, whole.replace(Buffer.from("Kit").toString("base64").slice(0, 3), "AAA"));
    expect(readMemo(dir, name, key)).toBeUndefined();
    // Any part: a changed path or variable name would otherwise watch something else.
    for (const [from, to] of [
      ['"readFileSync"', '"existsSync"'],
      ["PROD_KIT_SEEN", "PROD_KIT_SEEM"],
    ] as const) {
      expect(whole).toContain(from);
      writeFileSync(file, whole.replace(from, to));
      expect(readMemo(dir, name, key), from).toBeUndefined();
    }
    writeFileSync(file, whole);
    expect(readMemo(dir, name, key)).toBeDefined();
    writeFileSync(file, "{");
    expect(readMemo(dir, name, key)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([name]); // no .tmp left
  });

  it("keeps no file content and no value of the environment, only digests", () => {
    const dir = temp();
    writeFileSync(join(dir, "secret.txt"), "s3cr3t-file-content");
    process.env.PROD_KIT_TEST_SECRET = "s3cr3t-env-value";
    let r: Recording;
    try {
      r = record((require) => {
        (require("node:fs") as Fs).readFileSync(join(dir, "secret.txt"), "utf8");
        void process.env.PROD_KIT_TEST_SECRET;
      });
    } finally {
      delete process.env.PROD_KIT_TEST_SECRET;
    }
    const text = JSON.stringify(memoOf("key", r, 0));
    expect(text).not.toContain("s3cr3t");
    expect(text).toContain("PROD_KIT_TEST_SECRET");
    expect(stillHolds(memoOf("key", r, 0)!, { ...process.env, PROD_KIT_TEST_SECRET: "s3cr3t-env-value" })).toBe(true);
    expect(stillHolds(memoOf("key", r, 0)!, { ...process.env, PROD_KIT_TEST_SECRET: "other" })).toBe(false);
    expect(stillHolds(memoOf("key", r, 0)!, process.env)).toBe(false);
  });

  it(`keeps the newest ${MAX_MEMOS} memos of a bundle; pruning drops other bundles' files and old half-written ones`, () => {
    const dir = temp();
    const r = record(() => {});
    const names: string[] = [];
    for (let i = 0; i < MAX_MEMOS + 3; i++) {
      const key = memoKey("0123456789abcdef", "/install/dist/cli.cjs", ["update", `--dir=${i}`]);
      names.push(memoName("0123456789abcdef", key));
      saveMemo(dir, names[i]!, memoOf(key, r, 0)!);
      utimesSync(join(dir, names[i]!), i + 1, i + 1); // oldest first
    }
    const kept = readdirSync(dir);
    expect(kept).toHaveLength(MAX_MEMOS);
    expect(kept).not.toContain(names[0]);
    expect(kept).toContain(names[MAX_MEMOS + 2]);
    const other = ["fedcba9876543210-memo-0123456789abcdef0123456789abcdef.json", "fedcba9876543210-v20.20.2-x64-update.v8"];
    for (const f of [...other, "x.v8.123.tmp", "fresh.json.456.tmp", "notes.txt"]) writeFileSync(join(dir, f), "");
    utimesSync(join(dir, "x.v8.123.tmp"), 1, 1);
    pruneCache(dir, "0123456789abcdef");
    const after = readdirSync(dir);
    for (const f of [...other, "x.v8.123.tmp"]) expect(after).not.toContain(f);
    for (const f of ["fresh.json.456.tmp", "notes.txt", names[MAX_MEMOS + 2]!]) expect(after).toContain(f);
  });
});
