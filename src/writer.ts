// The only module that touches the user's disk. It decides, per file, what would happen (create,
// identical, update a managed block, keep the user's copy, conflict), and applies that plan
// all-or-nothing: every file is staged beside its target first, then renamed into place.
import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { GeneratedFile } from "./files/generated-file.js";

export const BLOCK_START = "# >>> create-prod-kit >>>";
export const BLOCK_END = "# <<< create-prod-kit <<<";

export type WriteStatus =
  /** absent: will be written */
  | "create"
  /** same bytes and mode already on disk */
  | "identical"
  /** only the managed block or the file mode changes */
  | "update"
  /** a `once` file the user now owns */
  | "kept"
  /** differs from what the kit would write; left alone without --force */
  | "conflict"
  /** differs, and --force replaces it */
  | "overwrite";

export interface WriteAction {
  path: string;
  status: WriteStatus;
  /** The bytes the file will hold after writing (for managed blocks: the whole merged file). */
  content: string;
  mode: number;
}

function readExisting(path: string): { content: string; mode: number } | undefined {
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new WriterError(`${path} exists and is not a regular file`);
    return { content: readFileSync(path, "utf8"), mode: st.mode & 0o777 };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Puts the kit's block into an existing file: replaces the old block, or appends one. */
export function mergeBlock(existing: string | undefined, block: string): string {
  const wrapped = `${BLOCK_START}\n${block.trimEnd()}\n${BLOCK_END}\n`;
  if (existing === undefined || existing.trim() === "") return wrapped;
  const start = existing.indexOf(BLOCK_START);
  const end = existing.indexOf(BLOCK_END, start);
  if (start !== -1 && end !== -1) {
    let after = existing.slice(end + BLOCK_END.length);
    if (after.startsWith("\n")) after = after.slice(1);
    return existing.slice(0, start) + wrapped + after;
  }
  return `${existing.trimEnd()}\n\n${wrapped}`;
}

export function planWrites(root: string, files: GeneratedFile[], opts: { force: boolean }): WriteAction[] {
  return files.map((f) => {
    const existing = readExisting(join(root, f.path));
    if (f.owner === "managed-block") {
      const content = mergeBlock(existing?.content, f.content);
      const status = !existing ? "create" : existing.content === content ? "identical" : "update";
      return { path: f.path, status, content, mode: existing?.mode ?? f.mode };
    }
    if (!existing) return { path: f.path, status: "create", content: f.content, mode: f.mode };
    if (f.owner === "once") return { path: f.path, status: "kept", content: existing.content, mode: existing.mode };
    if (existing.content === f.content)
      return { path: f.path, status: existing.mode === f.mode ? "identical" : "update", content: f.content, mode: f.mode };
    return { path: f.path, status: opts.force ? "overwrite" : "conflict", content: f.content, mode: f.mode };
  });
}

export class WriterError extends Error {}

const WRITES: WriteStatus[] = ["create", "update", "overwrite"];

/**
 * Writes every action that changes something, all or nothing. Refuses when any conflict is left.
 * Interrupts (SIGINT/SIGTERM) are held off until the files are either all staged-and-renamed or
 * all cleaned up, so no target is ever half-written.
 */
export function applyWrites(root: string, actions: WriteAction[]): void {
  if (actions.some((a) => a.status === "conflict")) throw new WriterError("refusing to write: unresolved conflicts");
  const todo = actions.filter((a) => WRITES.includes(a.status));
  const staged: { tmp: string; target: string; mode: number }[] = [];
  let interrupted: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    interrupted = signal;
  };
  process.on("SIGINT", hold);
  process.on("SIGTERM", hold);
  try {
    for (const a of todo) {
      const target = join(root, a.path);
      mkdirSync(dirname(target), { recursive: true });
      const tmp = `${target}.prod-kit-${randomBytes(4).toString("hex")}.tmp`;
      staged.push({ tmp, target, mode: a.mode });
      const fd = openSync(tmp, "wx", a.mode);
      try {
        writeSync(fd, a.content);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      chmodSync(tmp, a.mode);
      if (interrupted) throw new WriterError(`interrupted (${interrupted}) before any file was replaced; nothing was written`);
    }
    for (const s of staged) renameSync(s.tmp, s.target);
    staged.length = 0;
  } catch (e) {
    for (const s of staged) rmSync(s.tmp, { force: true });
    if (e instanceof WriterError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new WriterError(`could not write ${err.path ?? "a file"}: ${err.code ?? err.message}; nothing was written`);
  } finally {
    process.off("SIGINT", hold);
    process.off("SIGTERM", hold);
    if (interrupted) {
      process.exitCode = 130;
    }
  }
}
