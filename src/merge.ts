// Three-way merge of a generated file (node-diff3): the user's copy, what the kit last wrote (the
// base, kept in .prod-kit/) and what the kit writes now. Lines only one side changed are taken from
// it; lines both changed differently become a git-style conflict block, so nothing is ever lost.
import { merge } from "node-diff3";

export const CONFLICT_LABELS = { a: "yours", b: "create-prod-kit" } as const;

export interface MergeOutcome {
  content: string;
  conflict: boolean;
}

/** Lines of a text file; the trailing newline is kept aside so it never reads as an edit. */
function lines(text: string): { body: string[]; newline: boolean } {
  const newline = text.endsWith("\n");
  return { body: (newline ? text.slice(0, -1) : text).split("\n"), newline };
}

export function mergeThreeWay(yours: string, base: string, kit: string): MergeOutcome {
  const a = lines(yours);
  const o = lines(base);
  const b = lines(kit);
  const r = merge(a.body, o.body, b.body, { label: CONFLICT_LABELS, excludeFalseConflicts: true });
  // The kit always ends its files with a newline; a user who removed it keeps that choice.
  const newline = a.newline === o.newline ? b.newline : a.newline;
  return { content: r.result.join("\n") + (newline ? "\n" : ""), conflict: r.conflict };
}

/** A file still holding the conflict markers a merge wrote into it. */
export const hasConflictMarkers = (text: string): boolean => /^<{7} yours$/m.test(text) && /^>{7} create-prod-kit$/m.test(text);
