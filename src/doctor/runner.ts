// Runs every check once on one folder and gathers the report. A check that fails unexpectedly
// becomes a warning naming it, so one broken check never hides the others' findings.
import { checklistItems, CHECKLIST_FILE, type ChecklistItem } from "./checklist.js";
import { createContext } from "./context.js";
import type { Check, Finding, Level } from "./finding.js";
import { CHECKS } from "./registry.js";

/** pass: nothing found; fail: a warning or an error; hint: only info (doctor cannot verify it); skip: does not apply. */
export type CheckStatus = "pass" | "fail" | "hint" | "skip";

export interface CheckResult {
  id: string;
  level: Level;
  what: string;
  status: CheckStatus;
  /** Why it does not apply, for skip. */
  reason?: string;
}

export interface DoctorReport {
  root: string;
  findings: Finding[];
  checks: CheckResult[];
  /** The Django settings production runs, and how doctor knows. */
  djangoSettings?: { module: string; path: string; source: string };
  processFiles: string[];
  /** Process files left out as development-only by their names. */
  skippedProcessFiles: string[];
  /** Only when docs/PRODUCTION_CHECKLIST.md exists. */
  checklist?: { file: string; items: ChecklistItem[] };
  summary: { errors: number; warnings: number; infos: number; passed: number; failed: number; hints: number; skipped: number; exitCode: 0 | 1 };
}

const LEVEL_ORDER: Level[] = ["error", "warning", "info"];

async function runOne(check: Check, ctx: ReturnType<typeof createContext>): Promise<{ result: CheckResult; findings: Finding[] }> {
  const base = { id: check.id, level: check.level, what: check.what };
  const reason = check.skip?.(ctx);
  if (reason) return { result: { ...base, status: "skip", reason }, findings: [] };
  let findings: Finding[];
  try {
    findings = await check.run(ctx);
  } catch (e) {
    findings = [{ id: check.id, level: "warning", title: `doctor could not run this check: ${(e as Error).message.split("\n")[0]}`, why: "A bug in doctor or a file it cannot read.", fix: "Report it with the message above." }];
  }
  const status: CheckStatus = findings.some((f) => f.level !== "info") ? "fail" : findings.length ? "hint" : "pass";
  return { result: { ...base, status }, findings };
}

export async function runDoctor(root: string, checks: Check[] = CHECKS): Promise<DoctorReport> {
  const ctx = createContext(root);
  const results = [];
  for (const check of checks) results.push(await runOne(check, ctx));
  const findings = results
    .flatMap((r) => r.findings)
    .sort((a, b) => LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level));
  const checksOut = results.map((r) => r.result);
  const count = (level: Level) => findings.filter((f) => f.level === level).length;
  const statusCount = (s: CheckStatus) => checksOut.filter((c) => c.status === s).length;
  const checklistText = ctx.read(CHECKLIST_FILE);
  const django = ctx.django;
  return {
    root,
    findings,
    checks: checksOut,
    ...(django ? { djangoSettings: { module: django.module, path: django.path, source: django.source } } : {}),
    processFiles: ctx.processFiles.map((f) => f.path),
    skippedProcessFiles: ctx.skippedProcessFiles,
    ...(checklistText !== undefined
      ? { checklist: { file: CHECKLIST_FILE, items: checklistItems(checklistText, (id) => checksOut.find((c) => c.id === id)?.status) } }
      : {}),
    summary: {
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
      passed: statusCount("pass"),
      failed: statusCount("fail"),
      hints: statusCount("hint"),
      skipped: statusCount("skip"),
      exitCode: count("error") > 0 ? 1 : 0,
    },
  };
}
