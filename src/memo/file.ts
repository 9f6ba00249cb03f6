// The memo file of one `update` command line in one folder: what its last recordable run read
// (src/memo/record.ts) and what it printed. It lives in the code-cache folder (src/code-cache.ts),
// named by the bundle and a digest of its key, and keeps no file content and no value of the
// environment: only digests, the paths read and the printed report (which names files, never
// shows their content: `update --dry-run`, whose diffs do, has no memo).
import { readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { hash } from "./digest.js";
import type { Read, Recording } from "./record.js";

const VERSION = 2;
/** At most this many memo files per bundle (one per folder and command line); the oldest go first. */
export const MAX_MEMOS = 32;
/** Variables Node, V8 or ICU read themselves (not through process.env), so no recording sees them. */
const IMPLICIT_ENV = [
  ...["NODE_OPTIONS", "NODE_ICU_DATA", "NODE_DEBUG", "NODE_NO_WARNINGS", "NODE_PENDING_DEPRECATION"],
  ...["TZ", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_TIME"],
];

export interface Memo {
  /** A digest of the key (memoKey). */
  key: string;
  reads: Read[];
  env: [name: string, value: string | null][];
  envAll?: string;
  /** What the run printed, base64. */
  stdout: string;
  exitCode: number;
  /** A digest of everything above: a memo changed in any byte is no memo. */
  check: string;
}

/**
 * Everything a run's output may depend on besides what it reads: the install (where the launcher
 * is: the bundle reads its package.json, which a release may change without changing the bundle),
 * the bundle, Node, the folder and the command line. Its digest names the memo file.
 */
export function memoKey(bundleId: string, install: string, argv: string[], env: NodeJS.ProcessEnv = process.env): string {
  return hash(JSON.stringify([
    VERSION,
    install,
    bundleId,
    process.version,
    process.execPath,
    process.argv0,
    process.platform,
    process.arch,
    process.execArgv,
    IMPLICIT_ENV.map((k) => env[k] ?? null),
    process.cwd(),
    argv,
  ]));
}

export const memoName = (bundleId: string, key: string): string => `${bundleId}-memo-${Buffer.from(key, "base64url").toString("hex")}.json`;
const MEMO_FILE = /^[0-9a-f]{16}-memo-[0-9a-f]{32}\.json$/;

/** The memo of `key` if its file is whole: the memo of that very key, unchanged since it was written. */
export function readMemo(dir: string, name: string, key: string): Memo | undefined {
  try {
    const memo = JSON.parse(readFileSync(join(dir, name), "utf8")) as Memo;
    return memo.key === key && memo.check === checkOf(memo) ? memo : undefined;
  } catch {
    return undefined;
  }
}

const checkOf = (m: Omit<Memo, "check">): string => hash(JSON.stringify([m.key, m.reads, m.env, m.envAll ?? null, m.stdout, m.exitCode]));

/** Marks a memo as just used (the newest MAX_MEMOS are kept). */
export function touchMemo(dir: string, name: string): void {
  try {
    const now = new Date();
    utimesSync(join(dir, name), now, now);
  } catch {
    // only its place in the pruning order
  }
}

/** The memo a finished run leaves, or undefined if the run was not recordable. */
export function memoOf(key: string, recording: Recording, exitCode: number): Memo | undefined {
  if (recording.unrecordable || (exitCode !== 0 && exitCode !== 1)) return undefined;
  const memo = {
    key,
    reads: recording.reads,
    env: recording.env,
    ...(recording.envAll !== undefined ? { envAll: recording.envAll } : {}),
    stdout: Buffer.concat(recording.stdout).toString("base64"),
    exitCode,
  };
  return { ...memo, check: checkOf(memo) };
}

/** Writes a memo whole (a concurrent run reads the old file or the new one) and keeps the newest MAX_MEMOS. */
export function saveMemo(dir: string, name: string, memo: Memo): void {
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, JSON.stringify(memo), { mode: 0o600 });
    renameSync(tmp, join(dir, name));
    const bundleId = name.slice(0, name.indexOf("-"));
    const memos = readdirSync(dir)
      .filter((f) => MEMO_FILE.test(f) && f.startsWith(`${bundleId}-`))
      .map((f) => ({ f, mtime: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { f } of memos.slice(MAX_MEMOS)) rmSync(join(dir, f), { force: true });
  } catch {
    rmSync(tmp, { force: true });
  }
}
