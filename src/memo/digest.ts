// What a read returned, reduced to a short string: two runs that got equal digests from the same
// reads saw the same repository. The update memo (src/memo/) records these and compares them.
import * as fs from "node:fs";

/** The file-system reads a memoised run may make; any other fs call makes a run unrecordable. */
export const READ_OPS = ["readFileSync", "existsSync", "statSync", "lstatSync", "readdirSync", "realpathSync"] as const;
export type ReadOp = (typeof READ_OPS)[number];

/**
 * A 64-bit digest of text or bytes, with its length. Not crypto's sha256: loading node:crypto costs
 * a memo hit 3 ms, more than all its reads. Each step of each lane is a bijection, and so is the
 * final mix, so two inputs of one length that differ in one place never collide.
 */
export function hash(data: string | Uint8Array): string {
  let h1 = 0xdeadbeef ^ data.length;
  let h2 = 0x41c6ce57 ^ data.length;
  let i = 0;
  if (typeof data === "string") {
    for (; i < data.length; i++) {
      const c = data.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  } else {
    for (; i < data.length; i++) {
      h1 = Math.imul(h1 ^ data[i]!, 2654435761);
      h2 = Math.imul(h2 ^ data[i]!, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${data.length.toString(36)}.${(h1 >>> 0).toString(16).padStart(8, "0")}${(h2 >>> 0).toString(16).padStart(8, "0")}`;
}

/**
 * A readFileSync of UTF-8 text: the run got a string, and the digest is of its bytes, so a replay
 * hashes the file as read, without decoding it. A file that is not valid UTF-8 never matches (its
 * string encodes back to other bytes): a miss, never a wrong hit.
 */
function utf8Args(args: unknown[]): boolean {
  const opt = args[1];
  return args.length === 2 && typeof args[0] === "string" && (opt === "utf8" || opt === "utf-8" || (isPlain(opt) && Object.keys(opt).length === 1 && (opt.encoding === "utf8" || opt.encoding === "utf-8")));
}

const isPlain = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;

type Entry = string | Buffer | fs.Dirent;

function entryText(e: Entry): string {
  if (typeof e === "string") return e;
  if (Buffer.isBuffer(e)) return `b${e.toString("hex")}`;
  const type = e.isFile() ? "f" : e.isDirectory() ? "d" : e.isSymbolicLink() ? "l" : "o";
  return `${(e as { parentPath?: string }).parentPath ?? ""}\0${e.name}\0${type}`;
}

function statText(s: fs.Stats | fs.BigIntStats | undefined): string {
  if (!s) return "-";
  // Not atime: reading a file changes it.
  return [s.dev, s.ino, s.mode, s.nlink, s.uid, s.gid, s.rdev, s.size, s.mtimeMs, s.ctimeMs].join(":");
}

/** The digest of what `op` returned for `args`. */
export function digestResult(op: ReadOp, args: unknown[], result: unknown): string {
  switch (op) {
    case "readFileSync":
      if (typeof result === "string" && utf8Args(args)) return `b${hash(Buffer.from(result))}`;
      return typeof result === "string" ? `s${hash(result)}` : `b${hash(result as Buffer)}`;
    case "existsSync":
      return result ? "1" : "0";
    case "statSync":
    case "lstatSync":
      return statText(result as fs.Stats | undefined);
    case "readdirSync":
      return hash((result as Entry[]).map(entryText).join("\n"));
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
  if (!READ_OPS.includes(op)) return "not a read";
  try {
    if (op === "readFileSync" && utf8Args(args)) return `b${hash(fs.readFileSync(args[0] as string))}`;
    return digestResult(op, args, (fs[op] as (...a: unknown[]) => unknown)(...args));
  } catch (e) {
    return digestError(e);
  }
}

/** What the memo keeps of a variable: a digest, not its value (it may be a secret). */
export const envValue = (value: string | undefined): string | null => (value === undefined ? null : hash(value));

/** A digest of the whole environment, for a run that listed it (a digest: the memo keeps no values it need not). */
export function envDigest(env: NodeJS.ProcessEnv): string {
  return hash(JSON.stringify(Object.keys(env).sort().map((k) => [k, env[k]])));
}
