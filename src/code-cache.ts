// The code cache of src/launcher.ts: where it lives, which file a run uses, and how it is written.
// V8 checks cached data against the source, its own version and its flags and rejects what does not
// match, so a stale file only costs a compilation. It does not check the payload itself (that
// checksum is on only in V8's debug builds), and a damaged payload crashes Node with a fatal error
// on every run: so each file carries a CRC-32 of its payload, checked before V8 sees it. What this
// module also guards is who could have written it.
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const COMMANDS = new Set(["init", "update", "docs", "secrets", "doctor"]);
/** A file of some bundle: a code cache (.v8) or an update memo (src/memo/file.ts). */
const BUNDLE_FILE = /^[0-9a-f]{16}-.+\.(v8|json)$/;
/** A file a run was writing when it was killed: a concurrent run's is younger than this. */
const STALE_TMP_MS = 10 * 60_000;

/** Which command a run is, as far as the cache needs to know (a wrong guess only costs time). */
export function cacheKey(argv: string[]): string {
  if (argv.includes("--help") || argv.includes("-h")) return "help";
  if (argv.includes("--version") || argv.includes("-v")) return "version";
  const first = argv[0];
  return first !== undefined && COMMANDS.has(first) ? first : "init";
}

/**
 * The cache file of a bundle (its content hash), this Node, its flags and a command. V8 rejects
 * code cached under other flags (`node --inspect`, NODE_OPTIONS): each set keeps its own file
 * rather than both rewriting one.
 */
export function cacheName(bundleId: string, argv: string[], flags = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ").trim()): string {
  let hash = 0x811c9dc5; // FNV-1a: a name, not a security check
  for (let i = 0; i < flags.length; i++) hash = Math.imul(hash ^ flags.charCodeAt(i), 0x01000193);
  const flagPart = flags ? `-f${(hash >>> 0).toString(16)}` : "";
  return `${bundleId}-${process.version}-${process.arch}${flagPart}-${cacheKey(argv)}.v8`;
}

/** The cache folder, created if needed; undefined when caching is off or the folder is not safely ours. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  try {
    const dir = join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "create-prod-kit");
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Cached code is run as code: only from a real folder of this user that nobody else may write.
    const st = lstatSync(dir);
    if (!st.isDirectory() || st.mode & 0o022) return undefined;
    if (process.getuid && st.uid !== process.getuid()) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

const MAGIC = "PKC1";
const HEADER = 8; // MAGIC, then the payload's CRC-32 (little-endian)
/**
 * zlib's CRC-32, loaded when a cache file is read or written (not on an update memo hit, which
 * needs neither: loading zlib costs 2 ms). It arrived in Node 20.15: before it, no code cache
 * (never an unchecked one). (`require` in the built CommonJS launcher, getBuiltinModule in tests.)
 */
const crc32 = (): ((data: Uint8Array) => number) | undefined =>
  ((typeof require === "function" ? require("node:zlib") : process.getBuiltinModule?.("node:zlib")) as { crc32?: (data: Uint8Array) => number } | undefined)?.crc32;

/** The payload of a cache file if the file is whole and undamaged. */
export function readCache(dir: string, name: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(join(dir, name));
  } catch {
    return undefined; // the first run of this command with this bundle
  }
  const crc = crc32();
  if (!crc || file.length <= HEADER || file.toString("latin1", 0, 4) !== MAGIC) return undefined;
  const payload = file.subarray(HEADER);
  return crc(payload) === file.readUInt32LE(4) ? payload : undefined;
}

/** Writes a cache file whole (a concurrent run reads the old file or the new one) and drops other bundles' files. */
export function saveCache(dir: string, name: string, data: Buffer): void {
  const crc = crc32();
  if (!crc) return;
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  try {
    const header = Buffer.alloc(HEADER);
    header.write(MAGIC, 0, "latin1");
    header.writeUInt32LE(crc(data), 4);
    writeFileSync(tmp, Buffer.concat([header, data]), { mode: 0o600 });
    renameSync(tmp, join(dir, name));
    pruneCache(dir, name.slice(0, name.indexOf("-")));
  } catch {
    rmSync(tmp, { force: true });
  }
}

/** Removes other bundles' files (an upgrade leaves them behind) and what killed runs left half-written. */
export function pruneCache(dir: string, bundleId: string, now = Date.now()): void {
  for (const other of readdirSync(dir)) {
    const path = join(dir, other);
    if (BUNDLE_FILE.test(other) ? !other.startsWith(`${bundleId}-`) : other.endsWith(".tmp") && now - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? now) > STALE_TMP_MS) {
      rmSync(path, { force: true });
    }
  }
}
