// One file of the kit, as the writer receives it.
export type Ownership =
  /** The tool writes it and may later rewrite or merge it. */
  | "generated"
  /** Only the block between the markers is the tool's (e.g. .gitignore). */
  | "managed-block"
  /** Written when absent, then the user's. */
  | "once";

export interface GeneratedFile {
  /** Relative to the repo root, forward slashes. */
  path: string;
  content: string;
  mode: number;
  owner: Ownership;
}

export const file = (path: string, content: string, opts: { mode?: number; owner?: Ownership } = {}): GeneratedFile => ({
  path,
  content: content.endsWith("\n") ? content : `${content}\n`,
  mode: opts.mode ?? 0o644,
  owner: opts.owner ?? "generated",
});
