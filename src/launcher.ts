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
// `update` also keeps a memo (src/memo/, built to dist/memo.cjs and loaded for `update` only): when
// everything its last run read reads the same again, it prints that run's report without loading
// the bundle at all.
//
// Built to dist/cli.cjs, plain CommonJS with no dependency: Node starts it as fast as `node -e 0`.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Script } from "node:vm";
import { cacheDir, cacheName, readCache, saveCache } from "./code-cache.js";

/** The bundle's content hash, set by scripts/build.mjs: a new bundle never meets an old cache. */
declare const BUNDLE_ID: string;

interface Bundle {
  run(argv: string[]): Promise<void>;
}

function launch(): void {
  const bundle = join(__dirname, "bundle.cjs");
  const argv = process.argv.slice(2);
  const dir = cacheDir();
  const memo = dir && argv[0] === "update" ? (require("./memo.cjs") as typeof import("./memo/session.js")).UpdateMemo.open(dir, BUNDLE_ID, __filename, argv) : undefined;
  if (memo?.replay()) return;
  const name = cacheName(BUNDLE_ID, argv);
  const cachedData = dir ? readCache(dir, name) : undefined;
  // The wrapper Node itself puts around a CommonJS module.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`;
  const script = new Script(source, { filename: bundle, cachedData });
  const module = { exports: {} as Bundle };
  const bundleRequire = createRequire(bundle);
  // When the process is about to exit normally, with nothing left to run (never after a crash or
  // process.exit): the memo keeps what the whole run did, and the code cache holds every function
  // it compiled, not just the top level. (Before record(): a run's own exit listeners mark it.)
  process.once("beforeExit", () => {
    memo?.finish(true);
    if (dir && (!cachedData || script.cachedDataRejected)) saveCache(dir, name, script.createCachedData());
  });
  const recording = memo?.record(bundleRequire, [bundle, __filename, join(__dirname, "memo.cjs")]);
  try {
    script.runInThisContext()(module.exports, recording ?? bundleRequire, module, bundle, __dirname);
    void module.exports.run(argv);
  } catch (e) {
    memo?.finish(false);
    throw e;
  }
}

launch();
