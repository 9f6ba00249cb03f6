// What a read returned, reduced to a short string: two runs that got equal digests from the same
// reads saw the same repository. The update memo (src/memo/) records these and compares them.
import * as fs from "node:fs";

/** The file-system reads a memoised run may make; any other fs call makes a run unrecordable. */
export const READ_OPS = ["readFileSync", "existsSync", "statSync", "lstatSync", "readdirSync", "realpathSync"] as const;
export type ReadOp = (typeof READ_OPS)[number];

type CreateHash = typeof import("node:crypto").createHash;

/**
 * node:crypto's createHash, loaded on first use and not before: the launcher also runs `--help`,
 * which must not pay the 3 ms crypto takes to load. (`require` in the built CommonJS memo.cjs,
 * getBuiltinModule in tests; a Node built without crypto has no memo.)
 */
export const cryptoHash = (): CreateHash | undefined =>
  (createHash ??= ((typeof require === "function" ? require("node:crypto") : process.getBuiltinModule?.("node:crypto")) as { createHash?: CreateHash } | undefined)?.createHash);
let createHash: CreateHash | undefined;

/**
 * SHA-256 (the first 128 bits, base64url) of text (as UTF-8) or bytes. A cryptographic hash, so no
 * content can be made to look like another; a replay hashes 400 KB for a kit, about 1 ms.
 */
export function hash(data: string | Uint8Array): string {
  return cryptoHash()!("sha256").update(data).digest("base64url").slice(0, 22);
}

/** A plain object (an options object), not a Buffer, URL or class instance. */
export const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * A readFileSync of UTF-8 text: the run got a string, and the digest is of its UTF-8 bytes, so a
 * replay hashes the file as read, without decoding it. A file that is not valid UTF-8 never
 * matches (its string encodes back to other bytes): a miss, never a wrong hit.
 */
function utf8Args(args: unknown[]): boolean {
  const opt = args[1];
  const utf8 = (e: unknown) => e === "utf8" || e === "utf-8";
  return args.length === 2 && typeof args[0] === "string" && (utf8(opt) || (isPlain(opt) && Object.keys(opt).length === 1 && utf8(opt.encoding)));
}

type Entry = string | Buffer | fs.Dirent;

function entryText(e: Entry): string[] {
  if (typeof e === "string") return [e];
  if (Buffer.isBuffer(e)) return [`b${e.toString("hex")}`];
  const type = e.isFile() ? "f" : e.isDirectory() ? "d" : e.isSymbolicLink() ? "l" : e.isFIFO() ? "p" : e.isSocket() ? "s" : e.isCharacterDevice() ? "c" : e.isBlockDevice() ? "b" : "?";
  return [(e as { parentPath?: string }).parentPath ?? "", e.name, type];
}

function statText(s: fs.Stats | fs.BigIntStats | undefined): string {
  if (!s) return "-";
  // Not atime: reading a file changes it. Nanoseconds where the caller asked for them (bigint).
  const times = "mtimeNs" in s ? [s.mtimeNs, s.ctimeNs, s.birthtimeNs] : [s.mtimeMs, s.ctimeMs, s.birthtimeMs];
  return [s.dev, s.ino, s.mode, s.nlink, s.uid, s.gid, s.rdev, s.size, s.blksize, s.blocks, ...times].join(":");
}

/** The digest of what `op` returned for `args`. */
export function digestResult(op: ReadOp, args: unknown[], result: unknown): string {
  switch (op) {
    case "readFileSync":
      if (typeof result === "string") return `${utf8Args(args) ? "u" : "s"}${hash(result)}`;
      return `b${hash(result as Buffer)}`;
    case "existsSync":
      return result ? "1" : "0";
    case "statSync":
    case "lstatSync":
      return statText(result as fs.Stats | undefined);
    case "readdirSync":
      return `d${hash(JSON.stringify((result as Entry[]).map(entryText)))}`;
    case "realpathSync":
      return typeof result === "string" ? `s${hash(result)}` : `b${hash(result as Buffer)}`;
  }
}

/** The digest of a read that threw: its error code (or message), which is all a caller can tell apart. */
export function digestError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return `!${err?.code ?? hash(String(err?.message ?? e))}`;
}

/** Runs `op` on the real file system and returns the digest of its outcome. */
export function perform(op: ReadOp, args: unknown[]): string {
  if (!READ_OPS.includes(op) || !Array.isArray(args)) return "not a read";
  try {
    // The bytes of a UTF-8 file hash as its text does (crypto encodes text as UTF-8).
    if (op === "readFileSync" && utf8Args(args)) return `u${hash(fs.readFileSync(args[0] as string))}`;
    return digestResult(op, args, (fs[op] as (...a: unknown[]) => unknown)(...args));
  } catch (e) {
    return digestError(e);
  }
}

/** What the memo keeps of a variable: a digest, not its value (it may be a secret). */
export const envValue = (value: string | undefined): string | null => (value === undefined ? null : hash(value));

/** A digest of the whole environment, for a run that listed it. */
export function envDigest(env: NodeJS.ProcessEnv): string {
  return hash(JSON.stringify(Object.keys(env).sort().map((k) => [k, env[k]])));
}
