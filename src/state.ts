// .prod-kit/: what the kit last wrote, per file, so `update` can tell your edits from its own and
// merge the two without git. Committed with the repository; it holds no secret (the kit writes none).
//
//   .prod-kit/manifest.json         path → { base, sha256, mode, owner, deleted?, orphan? }
//   .prod-kit/base/<hash>-<name>    the content the kit last wrote (the merge base), by content hash
//
// Base files are never overwritten, only added (a new content has a new name), and the manifest is
// replaced last, in one rename: after a crash at any moment the manifest names bases that exist.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import * as z from "zod/mini"; // see src/answers.ts
import type { Ownership } from "./files/generated-file.js";
import { byCodeUnit } from "./compare.js";

export const STATE_DIR = ".prod-kit";
export const MANIFEST = `${STATE_DIR}/manifest.json`;
export const BASE_DIR = `${STATE_DIR}/base`;

const recordSchema = z.object({
  base: z.string().check(z.regex(/^[0-9a-f]{12}-[^/]+$/)),
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  mode: z.number().check(z.int(), z.gte(0), z.lte(0o777)),
  owner: z.enum(["generated", "managed-block", "once"]),
  /** You deleted it: it is not written again unless asked (--recreate). */
  deleted: z.optional(z.literal(true)),
  /** The answers no longer need it, but you had edited it: kept, and merged again if it returns. */
  orphan: z.optional(z.literal(true)),
});
const manifestSchema = z.object({
  tool: z.literal("create-prod-kit"),
  kitVersion: z.string(),
  files: z.record(z.string(), recordSchema),
});

export type FileRecord = z.infer<typeof recordSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export class StateError extends Error {}

export const sha256 = (text: string): string => createHash("sha256").update(text).digest("hex");

/** Where a base content (of this sha256) is kept: its hash and the file's name, so a person can still find it. */
export const baseName = (path: string, contentSha256: string): string => `${contentSha256.slice(0, 12)}-${basename(path)}`;

export function readManifest(root: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, MANIFEST), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new StateError(`${MANIFEST} is not valid JSON; restore it from git (git checkout -- ${MANIFEST})`);
  }
  const parsed = manifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StateError(`${MANIFEST} is damaged at ${issue.path.join(".") || "the top"} (${issue.message}); restore it from git`);
  }
  return parsed.data;
}

/** The merge base of a file, if its copy is there and intact (a damaged one is as good as none). */
export function readBase(root: string, record: FileRecord): string | undefined {
  try {
    const text = readFileSync(join(root, BASE_DIR, record.base), "utf8");
    return sha256(text) === record.sha256 ? text : undefined;
  } catch {
    return undefined;
  }
}

export function manifestText(manifest: Manifest): string {
  const files = Object.fromEntries(Object.entries(manifest.files).sort(([a], [b]) => byCodeUnit(a, b)));
  return `${JSON.stringify({ ...manifest, files }, null, 2)}\n`;
}

/** Base files no record names any more (removed after the manifest that dropped them is in place). */
export function unusedBases(root: string, manifest: Manifest): string[] {
  const used = new Set(Object.values(manifest.files).map((r) => r.base));
  try {
    return readdirSync(join(root, BASE_DIR)).filter((name) => !used.has(name) && !name.includes(".prod-kit-"));
  } catch {
    return [];
  }
}

export type { Ownership };
