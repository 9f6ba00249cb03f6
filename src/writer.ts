// The only module that touches the user's disk. It decides, per file, what would happen (create,
// identical, update a managed block, keep the user's copy, conflict, refuse), and applies that plan
// all-or-nothing: every file is staged beside its target first, then renamed into place.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
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
  | "overwrite"
  /** cannot be written safely (outside the repo through a link, or in the way); not even --force */
  | "refused";

export interface WriteAction {
  path: string;
  status: WriteStatus;
  /** The bytes the file will hold after writing (for managed blocks: the whole merged file). */
  content: string;
  mode: number;
  /** Why a file is a conflict or refused, when it is not simply "differs". */
  reason?: string;
}

type Existing = { kind: "absent" } | { kind: "file"; content: string; mode: number } | { kind: "other"; reason: string };

const isInside = (root: string, path: string): boolean => path === root || path.startsWith(root + sep);

/**
 * What is at `rel` under root, never following a link out of the repo: a folder on the way that is
 * a link elsewhere, or a file that is a link, is reported rather than written through.
 */
function inspect(root: string, rel: string): Existing {
  const parts = rel.split("/");
  let dir = root;
  for (const part of parts.slice(0, -1)) {
    dir = join(dir, part);
    let st;
    try {
      st = lstatSync(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
      throw e;
    }
    if (st.isSymbolicLink()) {
      const target = realpathOrUndefined(dir);
      if (!target || !isInside(realpathSync(root), target)) return { kind: "other", reason: `${relative(root, dir)}/ is a link out of the repository` };
    } else if (!st.isDirectory()) {
      return { kind: "other", reason: `${relative(root, dir)} is a file where a folder is needed` };
    }
  }
  const path = join(root, rel);
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return { kind: "absent" };
    throw e;
  }
  if (st.isSymbolicLink()) return { kind: "other", reason: "is a symbolic link" };
  if (!st.isFile()) return { kind: "other", reason: "exists and is not a regular file" };
  return { kind: "file", content: readFileSync(path, "utf8"), mode: st.mode & 0o777 };
}

function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
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
  return files.map((f): WriteAction => {
    const existing = inspect(root, f.path);
    if (existing.kind === "other") {
      const link = existing.reason === "is a symbolic link";
      if (link && f.owner === "once") return { path: f.path, status: "kept", content: "", mode: f.mode };
      // --force may replace a link to a file by a regular file (the link's target is never written);
      // a managed block is never written over a link (the user's lines are elsewhere), and a folder
      // that leads out of the repo, or a file in the way of a folder, is never written through.
      const status = link && f.owner === "generated" ? (opts.force ? "overwrite" : "conflict") : "refused";
      return { path: f.path, status, content: f.content, mode: f.mode, reason: existing.reason };
    }
    const current = existing.kind === "file" ? existing : undefined;
    if (f.owner === "managed-block") {
      const content = mergeBlock(current?.content, f.content);
      const status = !current ? "create" : current.content === content ? "identical" : "update";
      return { path: f.path, status, content, mode: current?.mode ?? f.mode };
    }
    if (!current) return { path: f.path, status: "create", content: f.content, mode: f.mode };
    if (f.owner === "once") return { path: f.path, status: "kept", content: current.content, mode: current.mode };
    if (current.content === f.content)
      return { path: f.path, status: current.mode === f.mode ? "identical" : "update", content: f.content, mode: f.mode };
    return { path: f.path, status: opts.force ? "overwrite" : "conflict", content: f.content, mode: f.mode };
  });
}

export class WriterError extends Error {}

const WRITES: WriteStatus[] = ["create", "update", "overwrite"];
const BLOCKING: WriteStatus[] = ["conflict", "refused"];

export const blocking = (actions: WriteAction[]): WriteAction[] => actions.filter((a) => BLOCKING.includes(a.status));

interface Staged {
  root: string;
  files: { tmp: string; target: string; path: string }[];
  /** Folders this run created, deepest last, so a failed run can remove them again. */
  createdDirs: string[];
}

function stageOne(staged: Staged, a: WriteAction): void {
  const target = join(staged.root, a.path);
  const first = mkdirSync(dirname(target), { recursive: true });
  if (first) {
    // Every folder from `first` down to the target's folder is new.
    for (let d = dirname(target); isInside(first, d); d = dirname(d)) staged.createdDirs.unshift(d);
  }
  const tmp = `${target}.prod-kit-${randomBytes(4).toString("hex")}.tmp`;
  staged.files.push({ tmp, target, path: a.path });
  const fd = openSync(tmp, "wx", a.mode);
  try {
    writeSync(fd, a.content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  chmodSync(tmp, a.mode);
}

function discard(staged: Staged): void {
  for (const s of staged.files) rmSync(s.tmp, { force: true });
  for (const d of [...staged.createdDirs].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (something else was put there meanwhile): leave it
    }
  }
}

/** Renames every staged file into place. Renames within one folder do not fail in practice; if one does, say exactly what was replaced. */
function commit(staged: Staged): void {
  const done: string[] = [];
  for (const s of staged.files) {
    try {
      renameSync(s.tmp, s.target);
    } catch (e) {
      for (const rest of staged.files.slice(done.length)) rmSync(rest.tmp, { force: true });
      const err = e as NodeJS.ErrnoException;
      throw new WriterError(
        `could not put ${s.path} in place (${err.code ?? err.message}); ${done.length ? `already replaced: ${done.join(", ")}` : "nothing was written"}`,
      );
    }
    done.push(s.path);
  }
}

function failStaging(staged: Staged, e: unknown): never {
  discard(staged);
  if (e instanceof WriterError) throw e;
  const err = e as NodeJS.ErrnoException;
  const path = err.path ? relative(staged.root, err.path).replace(/\.prod-kit-[0-9a-f]+\.tmp$/, "") : "a file";
  throw new WriterError(`could not write ${path}: ${err.code ?? err.message}; nothing was written`);
}

function checkWritable(actions: WriteAction[]): WriteAction[] {
  const stuck = blocking(actions);
  if (stuck.length) throw new WriterError(`refusing to write: ${stuck.map((a) => a.path).join(", ")} cannot be written as planned`);
  return actions.filter((a) => WRITES.includes(a.status));
}

/** Writes every action that changes something, all or nothing. Refuses when any conflict is left. */
export function applyWrites(root: string, actions: WriteAction[]): void {
  const todo = checkWritable(actions);
  const staged: Staged = { root, files: [], createdDirs: [] };
  try {
    for (const a of todo) stageOne(staged, a);
  } catch (e) {
    failStaging(staged, e);
  }
  commit(staged);
}

/**
 * applyWrites for the command line, where the user may press Ctrl-C. Files are staged one per turn
 * of the event loop so a signal is noticed while staging; then nothing is replaced and the staged
 * copies are removed. Once every file is staged, the renames run without a break and the signal
 * takes effect after them: the files are either all old or all new.
 */
export async function applyWritesInterruptibly(root: string, actions: WriteAction[]): Promise<{ interrupted?: NodeJS.Signals; written: boolean }> {
  const todo = checkWritable(actions);
  const staged: Staged = { root, files: [], createdDirs: [] };
  let interrupted: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
  };
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  process.on("SIGINT", hold);
  process.on("SIGTERM", hold);
  try {
    try {
      for (const a of todo) {
        stageOne(staged, a);
        await nextTurn();
        if (interrupted) break;
      }
    } catch (e) {
      failStaging(staged, e);
    }
    if (interrupted) {
      discard(staged);
      return { interrupted, written: false };
    }
    commit(staged);
    // A signal that arrived during the renames is delivered on this turn; it ends the run after them.
    await nextTurn();
    return { interrupted, written: true };
  } finally {
    process.off("SIGINT", hold);
    process.off("SIGTERM", hold);
  }
}
