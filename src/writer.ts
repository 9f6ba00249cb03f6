// The only module that touches the user's disk. It decides, per file, what would happen (create,
// identical, update a managed block, keep the user's copy, conflict, refuse), and applies that plan
// all-or-nothing: every file is staged beside its target first, then renamed into place.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { GeneratedFile, Ownership } from "./files/generated-file.js";
import { mergeThreeWay } from "./merge.js";
import { BASE_DIR, baseName, MANIFEST, manifestText, readBase, readManifest, sha256, unusedBases, type FileRecord, type Manifest } from "./state.js";

export const BLOCK_START = "# >>> create-prod-kit >>>";
export const BLOCK_END = "# <<< create-prod-kit <<<";

export type WriteStatus =
  /** absent: will be written */
  | "create"
  /** same bytes and mode already on disk */
  | "identical"
  /** the kit's new version replaces a copy you never edited (or only the block or mode changes) */
  | "update"
  /** you edited it and the kit changed other lines: both kept (3-way merge) */
  | "merged"
  /** you and the kit changed the same lines: both written, between conflict markers */
  | "conflict"
  /** yours: a `once` file, or your edits where the kit has nothing new */
  | "kept"
  /** exists, differs, and the kit has no record of writing it: left alone without --force */
  | "differs"
  /** --force replaces it (your edits are discarded) */
  | "overwrite"
  /** no longer part of the kit and never edited: deleted */
  | "remove"
  /** no longer part of the kit, but you edited it: kept */
  | "orphan"
  /** you deleted it: not written again unless --recreate */
  | "deleted"
  /** cannot be written safely (outside the repo through a link, or in the way); not even --force */
  | "refused";

/** What .prod-kit/ records for a file after this run. */
export interface Track {
  base: string;
  owner: Ownership;
  mode: number;
  deleted?: true;
  orphan?: true;
}

export interface WriteAction {
  path: string;
  status: WriteStatus;
  /** The bytes the file will hold after writing (for managed blocks: the whole merged file). */
  content: string;
  mode: number;
  /** What is on disk now (for diffs), when it is a regular file. */
  current?: string;
  /** Why a file is in the way, when it is not simply "differs". */
  reason?: string;
  /** --force threw away your edits to this file. */
  discarded?: true;
  /** The record .prod-kit/ keeps of it; none when the kit lets go of the file. */
  track?: Track;
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
    // (throwIfNoEntry: an absent path is the common case, and an exception per file costs time.)
    const st = lstatSync(dir, { throwIfNoEntry: false });
    if (!st) return { kind: "absent" };
    if (st.isSymbolicLink()) {
      const target = realpathOrUndefined(dir);
      if (!target || !isInside(realpathSync(root), target)) return { kind: "other", reason: `${relative(root, dir)}/ is a link out of the repository` };
    } else if (!st.isDirectory()) {
      return { kind: "other", reason: `${relative(root, dir)} is a file where a folder is needed` };
    }
  }
  const path = join(root, rel);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (!st) return { kind: "absent" };
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

export interface PlanOptions {
  force: boolean;
  /** What the kit last wrote (.prod-kit/manifest.json), when it ever ran here. */
  manifest?: Manifest;
  /** Write again the files you deleted. */
  recreate?: boolean;
  /** Merge your edits with the kit's changes (update); without it (init) an edited file is in the way. */
  merge?: boolean;
}

function planOne(root: string, f: GeneratedFile, opts: PlanOptions): WriteAction {
  const existing = inspect(root, f.path);
  const rec = opts.manifest?.files[f.path];
  const track: Track = { base: f.content, owner: f.owner, mode: f.mode };
  const action = (status: WriteStatus, content: string, extra: Partial<WriteAction> = {}): WriteAction => ({
    path: f.path,
    status,
    content,
    mode: f.mode,
    track,
    ...extra,
  });
  if (existing.kind === "other") {
    const link = existing.reason === "is a symbolic link";
    if (link && f.owner === "once") return action("kept", "", { track: undefined });
    // --force may replace a link to a file by a regular file (the link's target is never written);
    // a managed block is never written over a link (the user's lines are elsewhere), and a folder
    // that leads out of the repo, or a file in the way of a folder, is never written through.
    const status = link && f.owner === "generated" ? (opts.force ? "overwrite" : "differs") : "refused";
    return action(status, f.content, { reason: existing.reason, track: status === "overwrite" ? track : undefined });
  }
  const current = existing.kind === "file" ? existing : undefined;
  if (f.owner === "managed-block") {
    const content = mergeBlock(current?.content, f.content);
    const status = !current ? "create" : current.content === content ? "identical" : "update";
    return action(status, content, { mode: current?.mode ?? f.mode, current: current?.content });
  }
  if (!current) {
    // A file the kit wrote before and is gone now was deleted by you: it stays deleted.
    if (rec && !opts.recreate) return action("deleted", "", { track: { ...track, deleted: true } });
    return action("create", f.content);
  }
  const here = { current: current.content };
  if (f.owner === "once") return action("kept", current.content, { ...here, mode: current.mode });
  if (current.content === f.content) return action(current.mode === f.mode ? "identical" : "update", f.content, here);
  const base = rec && !rec.deleted ? readBase(root, rec) : undefined;
  if (base === undefined) {
    // Not written by the kit (or its record is lost): without a merge base, only --force replaces it.
    const reason = rec && !rec.deleted ? `its merge base is missing from ${BASE_DIR}` : undefined;
    return opts.force ? action("overwrite", f.content, { ...here, discarded: true }) : action("differs", f.content, { ...here, reason, track: undefined });
  }
  if (current.content === base) return action("update", f.content, here);
  // You edited it.
  if (opts.force) return action("overwrite", f.content, { ...here, discarded: true });
  if (f.content === base) return action("kept", current.content, { ...here, mode: current.mode });
  if (!opts.merge) return action("differs", f.content, { ...here, reason: "you edited it; `create-prod-kit update` merges your edits", track: undefined });
  const merged = mergeThreeWay(current.content, base, f.content);
  if (merged.content === current.content) return action("kept", current.content, { ...here, mode: current.mode });
  return action(merged.conflict ? "conflict" : "merged", merged.content, here);
}

/** Files the kit wrote before that the answers no longer need. */
function planGone(root: string, path: string, rec: FileRecord, opts: PlanOptions): WriteAction | undefined {
  const existing = inspect(root, path);
  if (existing.kind !== "file") return undefined;
  const base = readBase(root, rec);
  const track: Track = { base: base ?? "", owner: rec.owner, mode: rec.mode, orphan: true };
  const gone = { path, content: "", mode: rec.mode, current: existing.content };
  if (existing.content === base) return { ...gone, status: "remove" };
  if (opts.force) return { ...gone, status: "remove", discarded: true };
  return base === undefined ? { ...gone, status: "orphan" } : { ...gone, status: "orphan", track };
}

/** Decides, for every file, what this run does; nothing is written yet. */
export function planWrites(root: string, files: GeneratedFile[], opts: PlanOptions): WriteAction[] {
  const actions = files.map((f) => planOne(root, f, opts));
  const rendered = new Set(files.map((f) => f.path));
  for (const [path, rec] of Object.entries(opts.manifest?.files ?? {})) {
    if (rendered.has(path)) continue;
    const gone = planGone(root, path, rec, opts);
    if (gone) actions.push(gone);
  }
  return actions;
}

export class WriterError extends Error {}

/** Statuses whose content is written to disk. */
export const WRITES: WriteStatus[] = ["create", "update", "merged", "conflict", "overwrite"];
/** Statuses that change the disk (written or deleted). */
export const CHANGES: WriteStatus[] = [...WRITES, "remove"];
const BLOCKING: WriteStatus[] = ["differs", "refused"];

export const blocking = (actions: WriteAction[]): WriteAction[] => actions.filter((a) => BLOCKING.includes(a.status));

/**
 * The .prod-kit/ files for the outcome of `actions`: a base copy for each new base content and the
 * manifest. They go last, so the record changes only once every file it describes is in place.
 */
export function stateActions(root: string, actions: WriteAction[], kitVersion: string): WriteAction[] {
  const files: Manifest["files"] = {};
  const out: WriteAction[] = [];
  for (const a of actions) {
    if (!a.track) continue;
    const { base, owner, mode, deleted, orphan } = a.track;
    const hash = sha256(base);
    const name = baseName(a.path, hash);
    files[a.path] = { base: name, sha256: hash, mode, owner, ...(deleted ? { deleted } : {}), ...(orphan ? { orphan } : {}) };
    const path = `${BASE_DIR}/${name}`;
    if (out.some((o) => o.path === path)) continue;
    const existing = inspect(root, path);
    if (existing.kind !== "file" || existing.content !== base) out.push({ path, status: "create", content: base, mode: 0o644 });
  }
  const content = manifestText({ tool: "create-prod-kit", kitVersion, files });
  const existing = inspect(root, MANIFEST);
  const current = existing.kind === "file" ? existing.content : undefined;
  out.push({ path: MANIFEST, status: current === undefined ? "create" : current === content ? "identical" : "update", content, mode: 0o644, current });
  return out;
}

interface Staged {
  root: string;
  steps: ({ kind: "rename"; tmp: string; target: string; path: string } | { kind: "remove"; target: string; path: string })[];
  /** Folders this run created, deepest last, so a failed run can remove them again. */
  createdDirs: string[];
  /** Staged files written but not yet known to be on disk, still open. */
  unsynced: StagedFile[];
  /** Folders known to exist (each is created once, not once per file). */
  dirs: Set<string>;
  /** This run's part of every staged name: random, so a concurrent run never opens the same name. */
  tag: string;
}

interface StagedFile {
  fd: number;
  path: string;
}

const TMP_SUFFIX = /\.prod-kit-[0-9a-f]{8}\.tmp$/;

/** Staged copies a killed run left beside its targets (SIGKILL cannot be cleaned up after). */
function removeLeftovers(root: string, actions: WriteAction[]): void {
  for (const dir of new Set(actions.map((a) => dirname(join(root, a.path))))) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) if (TMP_SUFFIX.test(name)) rmSync(join(dir, name), { force: true });
  }
}

/** Writes one file beside its target; it stays open until synced (or discarded). */
function stageOne(staged: Staged, a: WriteAction): void {
  const target = join(staged.root, a.path);
  if (a.status === "remove") {
    staged.steps.push({ kind: "remove", target, path: a.path });
    return;
  }
  const dir = dirname(target);
  if (!staged.dirs.has(dir)) {
    const first = mkdirSync(dir, { recursive: true });
    if (first) {
      // Every folder from `first` down to the target's folder is new.
      for (let d = dir; isInside(first, d); d = dirname(d)) staged.createdDirs.unshift(d);
    }
    staged.dirs.add(dir);
  }
  const tmp = `${target}.prod-kit-${staged.tag}.tmp`;
  staged.steps.push({ kind: "rename", tmp, target, path: a.path });
  const fd = openSync(tmp, "wx", a.mode);
  staged.unsynced.push({ fd, path: tmp });
  writeSync(fd, a.content);
  fchmodSync(fd, a.mode); // open's mode went through the umask
}

/**
 * Every staged file on disk before any is renamed into place, so that after a power cut a file is
 * its old content or its whole new one, never a new name over missing data. The asynchronous
 * version syncs them together on libuv's threads (the filesystem's journal commits them together;
 * a kit of 36 files took 10 ms one by one and 4 ms at once here). (Starting each file's sync as
 * soon as it is staged gained nothing here: the journal commits them together either way.)
 */
function syncStaged(staged: Staged): void {
  const files = staged.unsynced.splice(0);
  const errors = files.map(({ fd }) => {
    try {
      fsyncSync(fd);
      return undefined;
    } catch (e) {
      return e as Error;
    }
  });
  closeSynced(files, errors);
}

async function syncStagedTogether(staged: Staged): Promise<void> {
  const files = staged.unsynced.splice(0);
  const errors = await Promise.all(files.map(({ fd }) => new Promise<Error | undefined>((resolve) => fsync(fd, (e) => resolve(e ?? undefined)))));
  closeSynced(files, errors);
}

/** Closes every synced file (a failed sync included), then throws the first failure, naming its file. */
function closeSynced(files: StagedFile[], errors: (Error | undefined)[]): void {
  for (const { fd } of files) closeSync(fd);
  const failed = errors.findIndex((e) => e !== undefined);
  if (failed >= 0) throw Object.assign(errors[failed]!, { path: files[failed]!.path });
}

function discard(staged: Staged): void {
  for (const { fd } of staged.unsynced.splice(0)) closeSync(fd);
  for (const s of staged.steps) if (s.kind === "rename") rmSync(s.tmp, { force: true });
  for (const d of [...staged.createdDirs].reverse()) removeIfEmpty(d);
}

function removeIfEmpty(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    // not empty (or already gone): leave it
    return false;
  }
}

/**
 * Puts every staged file in place, in order, then deletes the files no longer needed. A rename
 * within one folder does not fail in practice; if one does, the message says what was replaced
 * (.prod-kit/ is replaced last, so the next run sees the files as they are and converges).
 */
function commit(staged: Staged): void {
  const done: string[] = [];
  for (const [i, s] of staged.steps.entries()) {
    try {
      if (s.kind === "rename") renameSync(s.tmp, s.target);
      else {
        rmSync(s.target, { force: true });
        for (let d = dirname(s.target); d !== staged.root && isInside(staged.root, d) && removeIfEmpty(d); d = dirname(d));
      }
    } catch (e) {
      for (const rest of staged.steps.slice(i)) if (rest.kind === "rename") rmSync(rest.tmp, { force: true });
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
  const path = err.path ? relative(staged.root, err.path).replace(TMP_SUFFIX, "") : "a file";
  throw new WriterError(`could not write ${path}: ${err.code ?? err.message}; nothing was written`);
}

function checkWritable(root: string, actions: WriteAction[]): WriteAction[] {
  const stuck = blocking(actions);
  if (stuck.length) throw new WriterError(`refusing to write: ${stuck.map((a) => a.path).join(", ")} cannot be written as planned`);
  const todo = actions.filter((a) => CHANGES.includes(a.status));
  if (todo.length) removeLeftovers(root, actions);
  return todo;
}

const newStaged = (root: string): Staged => ({ root, steps: [], createdDirs: [], unsynced: [], dirs: new Set(), tag: randomBytes(4).toString("hex") });

/** Writes (and deletes) every action that changes something, in order, all or nothing. */
export function applyWrites(root: string, actions: WriteAction[]): void {
  const todo = checkWritable(root, actions);
  const staged = newStaged(root);
  try {
    for (const a of todo) stageOne(staged, a);
    syncStaged(staged);
  } catch (e) {
    failStaging(staged, e);
  }
  commit(staged);
}

/** How long staging runs before it lets the event loop turn (a signal, the spinner), in ns. */
export const STAGE_SLICE_NS = 20_000_000n;

/**
 * applyWrites for the command line, where the user may press Ctrl-C. A signal that arrives while
 * files are staged or synced is noticed before anything is renamed: then nothing is replaced and
 * the staged copies are removed. Staging lets the event loop turn every `sliceNs` (a slow disk
 * still answers Ctrl-C and shows the spinner; a fast one stages a kit at once, as a turn per file
 * cost more than the files). Once every file is staged and synced, the renames run without a
 * break and the signal takes effect after them: the files are either all old or all new.
 */
export async function applyWritesInterruptibly(
  root: string,
  actions: WriteAction[],
  sliceNs = STAGE_SLICE_NS,
): Promise<{ interrupted?: NodeJS.Signals; written: boolean }> {
  const todo = checkWritable(root, actions);
  if (todo.length === 0) return { written: false };
  const staged = newStaged(root);
  let interrupted: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    interrupted ??= signal;
  };
  const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
  process.on("SIGINT", hold);
  process.on("SIGTERM", hold);
  try {
    try {
      let slice = process.hrtime.bigint();
      for (const a of todo) {
        stageOne(staged, a);
        if (process.hrtime.bigint() - slice < sliceNs) continue;
        await nextTurn();
        if (interrupted) break;
        slice = process.hrtime.bigint();
      }
      if (!interrupted) await syncStagedTogether(staged);
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

/** Base copies the manifest on disk no longer names (after a successful run). */
export function removeUnusedBases(root: string): void {
  const manifest = readManifest(root);
  if (!manifest) return;
  for (const name of unusedBases(root, manifest)) rmSync(join(root, BASE_DIR, name), { force: true });
}
