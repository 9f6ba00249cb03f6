// What doctor reports. A check has a stable id (the same in docs/PRODUCTION_CHECKLIST.md's
// `<!-- doctor:ID -->` markers, --json and the README) and yields zero or more findings.
import type { DoctorContext } from "./context.js";

/** error: wrong or unsafe in production (exit 1); warning: likely a problem, look at it; info: a hint. */
export type Level = "error" | "warning" | "info";

export interface Finding {
  /** The id of the check that found it. */
  id: string;
  level: Level;
  /** One line: what was found. Never holds a secret's value. */
  title: string;
  /** Relative to the audited folder, with forward slashes. */
  file?: string;
  /** 1-based. */
  line?: number;
  why: string;
  fix: string;
}

export interface Check {
  id: string;
  /** The level of its findings unless one says otherwise (the README's table shows it). */
  level: Level;
  /** What it looks for, one line. */
  what: string;
  /** Why it matters and how to fix it, unless a finding says more precisely. */
  why: string;
  fix: string;
  /** When it does not apply (e.g. a Django check in a FastAPI app): the reason; else undefined. */
  skip?(ctx: DoctorContext): string | undefined;
  run(ctx: DoctorContext): Finding[] | Promise<Finding[]>;
}

/** A finding of `check`, with its why and fix unless given. */
export function finding(
  check: Pick<Check, "id" | "level" | "why" | "fix">,
  f: { title: string; file?: string; line?: number; level?: Level; why?: string; fix?: string },
): Finding {
  return {
    id: check.id,
    level: f.level ?? check.level,
    title: f.title,
    ...(f.file !== undefined ? { file: f.file } : {}),
    ...(f.line !== undefined ? { line: f.line } : {}),
    why: f.why ?? check.why,
    fix: f.fix ?? check.fix,
  };
}
