#!/usr/bin/env node
// dist/cli.cjs, the `create-prod-kit` bin: runs dist/bundle.cjs (src/cli.ts and everything it needs)
// with V8's code cache, so a run does not compile again what the last one compiled.
//
// Why: most of a run's cost on Node 20 was compiling the bundle's JavaScript (Node 20 has no compile
// cache; `module.enableCompileCache` arrived in 22.1). So the launcher compiles the bundle itself
// with vm.Script and gives V8 the code it compiled last time for the same command (`--help`,
// `init`, `update`...: each keeps exactly the functions it ran). The cache lives in
// $XDG_CACHE_HOME/create-prod-kit (~/.cache/create-prod-kit), a folder of the user's own that
// nobody else can write to; a run that cannot use it (no home, read-only, another owner) only runs
// slower. NODE_DISABLE_COMPILE_CACHE=1 (Node's own switch) turns it off. A file that is damaged
// (src/code-cache.ts checks it) or that V8 rejects (another source, V8 version or flags) is
// replaced by a fresh one after the run.
//
// `update` also keeps a memo (src/memo/): when everything its last run read reads the same again,
// it prints that run's report without loading the bundle at all.
//
// Built to dist/cli.cjs, plain CommonJS with no dependency: Node starts it as fast as `node -e 0`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { cacheDir, cacheName, readCache, saveCache } from "./code-cache.js";
import { cryptoHash } from "./memo/digest.js";
import { memoKey, memoName, memoOf, readMemo, saveMemo } from "./memo/file.js";
import { Recorder } from "./memo/record.js";
import { stillHolds } from "./memo/replay.js";
import { writeOut } from "./output.js";

/** The bundle's content hash, set by scripts/build.mjs: a new bundle never meets an old cache. */
declare const BUNDLE_ID: string;

interface Bundle {
  run(argv: string[]): Promise<void>;
}

/** The memo of this command line, if it is an `update` the memo may answer (not --dry-run: its diffs show file contents). */
function memoFor(dir: string | undefined, argv: string[]): { dir: string; key: string; name: string } | undefined {
  if (!dir || argv[0] !== "update" || argv.includes("--dry-run") || !cryptoHash()) return undefined;
  try {
    const key = memoKey(BUNDLE_ID, __filename, argv);
    return { dir, key, name: memoName(BUNDLE_ID, key) };
  } catch {
    return undefined; // e.g. the working folder was deleted: the run reports it
  }
}

/** A recorder for this run, or none if this Node has a member it cannot watch (then no memo). */
function record(bundle: string): Recorder | undefined {
  try {
    return new Recorder(createRequire(bundle)).start();
  } catch {
    return undefined;
  }
}

function launch(): void {
  const bundle = join(__dirname, "bundle.cjs");
  const argv = process.argv.slice(2);
  const dir = cacheDir();
  const memo = memoFor(dir, argv);
  const last = memo && readMemo(memo.dir, memo.name, memo.key);
  if (last && stillHolds(last)) {
    writeOut(Buffer.from(last.stdout, "base64"));
    process.exitCode = last.exitCode;
    return;
  }
  const name = cacheName(BUNDLE_ID, argv);
  const cachedData = dir ? readCache(dir, name) : undefined;
  // The wrapper Node itself puts around a CommonJS module.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`;
  const script = new Script(source, { filename: bundle, cachedData });
  const module = { exports: {} as Bundle };
  const recorder = memo ? record(bundle) : undefined;
  const finished = () => {
    // The stand-ins go whatever happened; a memo is kept only from a run that ended normally.
    const recording = recorder?.stop();
    const kept = memo && recording && memoOf(memo.key, recording, Number(process.exitCode ?? 0));
    if (kept) saveMemo(memo.dir, memo.name, kept);
  };
  let running: Promise<void>;
  try {
    // The bundle file and this one are read like the repository: a changed install is a miss.
    recorder?.require("node:fs").statSync(bundle);
    recorder?.require("node:fs").statSync(__filename);
    script.runInThisContext()(module.exports, recorder?.require ?? createRequire(bundle), module, bundle, __dirname);
    running = module.exports.run(argv);
  } catch (e) {
    recorder?.stop();
    throw e;
  }
  void running.then(finished, (e: unknown) => {
    recorder?.stop();
    throw e;
  }).then(() => {
    // After the run, the cache holds every function it compiled, not just the top level.
    if (dir && (!cachedData || script.cachedDataRejected)) saveCache(dir, name, script.createCachedData());
  });
}

launch();
