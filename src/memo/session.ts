// The update memo as the launcher uses it: built to dist/memo.cjs, which the launcher loads only
// for `update`, so every other command starts without parsing it. README, "Speed and size".
// Nothing here may fail a run: any error of the memo's own means no memo.
import { unexpectedFailure, writeErr, writeOut } from "../output.js";
import { cryptoHash } from "./digest.js";
import { memoKey, memoName, memoOf, readMemo, saveMemo, touchMemo } from "./file.js";
import { Recorder } from "./record.js";
import { stillHolds } from "./replay.js";

export class UpdateMemo {
  private recorder: Recorder | undefined;

  private constructor(
    private readonly dir: string,
    private readonly key: string,
    private readonly name: string,
  ) {}

  /** The memo of this command line, if the memo may answer it: an `update`, not --dry-run (its diffs show file contents). */
  static open(dir: string, bundleId: string, launcher: string, argv: string[]): UpdateMemo | undefined {
    if (argv[0] !== "update" || argv.includes("--dry-run")) return undefined;
    try {
      if (!cryptoHash()) return undefined;
      const key = memoKey(bundleId, launcher, argv);
      return new UpdateMemo(dir, key, memoName(bundleId, key));
    } catch {
      return undefined; // e.g. the working folder was deleted: the run reports it
    }
  }

  /** Prints the last recorded report if every read it made still returns the same; true if it did. */
  replay(): boolean {
    const last = readMemo(this.dir, this.name, this.key);
    if (!last || !stillHolds(last)) return false;
    touchMemo(this.dir, this.name); // the most recently used memos are the ones kept
    try {
      writeOut(Buffer.from(last.stdout, "base64"));
    } catch (e) {
      // As the full run would end (src/cli.ts): stdout failing is not "out of date" (exit 1).
      writeErr(`${unexpectedFailure(e)}\n`);
      process.exitCode = 70;
      return true;
    }
    process.exitCode = last.exitCode;
    return true;
  }

  /**
   * Starts recording; returns the `require` to give the bundle, or undefined when this Node has a
   * member the recorder cannot watch (then no memo). `files` (the install's) are stat-ed as reads:
   * a reinstall is a miss.
   */
  record(bundleRequire: NodeJS.Require, files: string[]): NodeJS.Require | undefined {
    try {
      this.recorder = new Recorder(bundleRequire).start();
      const fs = this.recorder.require("node:fs") as typeof import("node:fs");
      for (const file of files) fs.statSync(file, { throwIfNoEntry: false });
      return this.recorder.require;
    } catch {
      this.recorder?.stop();
      this.recorder = undefined;
      return undefined;
    }
  }

  /**
   * Ends the recording (the stand-ins go whatever happened) and keeps a memo if `ended` (the
   * process is exiting normally: no crash, no process.exit, nothing left to run) and the run may
   * be replayed.
   */
  finish(ended: boolean): void {
    try {
      const recording = this.recorder?.stop();
      this.recorder = undefined;
      const kept = ended && recording && memoOf(this.key, recording, Number(process.exitCode ?? 0));
      if (kept) saveMemo(this.dir, this.name, kept);
    } catch {
      // no memo
    }
  }
}
