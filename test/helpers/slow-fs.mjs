// Preload for the kill test: every file-system call the writer makes takes a few milliseconds more,
// so a SIGKILL at a random moment often lands while files are being staged or renamed.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const ms = Number(process.env.SLOW_FS_MS ?? "3");
const cell = new Int32Array(new SharedArrayBuffer(4));
for (const name of ["openSync", "writeSync", "fsyncSync", "renameSync", "rmSync", "mkdirSync"]) {
  // Renames (the commit) take longest, so more kills land between two of them.
  const original = fs[name];
  fs[name] = function slow(...args) {
    Atomics.wait(cell, 0, 0, name === "renameSync" ? ms * 4 : ms);
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
