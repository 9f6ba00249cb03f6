// The report as people read it (grouped by level, one block per finding, then the checklist and
// a summary) and as tools read it (--json: one object, nothing else on stdout).
import type { Finding, Level } from "./finding.js";
import type { DoctorReport } from "./runner.js";

const HEADINGS: Record<Level, string> = { error: "Errors", warning: "Warnings", info: "Info" };
const MARK = { pass: "[x]", fail: "[ ]", hint: "[?]", skip: "[-]", unknown: "[ ]" } as const;
const NOTE = { pass: "", fail: "failed", hint: "check by hand", skip: "not applicable", unknown: "unknown check id" } as const;

const location = (f: Finding) => (f.file ? ` ${f.file}${f.line ? `:${f.line}` : ""}` : "");
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function block(f: Finding): string {
  return [`[${f.id}]${location(f)}`, `  ${f.title}`, `  Why: ${f.why}`, `  Fix: ${f.fix}`].join("\n");
}

export function formatHuman(r: DoctorReport): string {
  const out: string[] = [`create-prod-kit doctor: ${r.root}`];
  if (r.djangoSettings) out.push(`Django settings production runs: ${r.djangoSettings.path} (${r.djangoSettings.source})`);
  const skipped = r.skippedProcessFiles.length ? ` (left out, named for development or tests: ${r.skippedProcessFiles.join(", ")})` : "";
  out.push(`Process files: ${r.processFiles.length ? r.processFiles.join(", ") : "none"}${skipped}`);
  for (const level of ["error", "warning", "info"] as Level[]) {
    const group = r.findings.filter((f) => f.level === level);
    if (!group.length) continue;
    out.push("", `${HEADINGS[level]} (${group.length})`, "", group.map(block).join("\n\n"));
  }
  if (r.checklist) {
    out.push("", `Checklist items of ${r.checklist.file} that doctor checks (${MARK.pass} passes, ${MARK.fail} fails, ${MARK.hint} check by hand, ${MARK.skip} not applicable):`);
    for (const item of r.checklist.items) {
      const note = NOTE[item.status] ? `: ${NOTE[item.status]}` : "";
      out.push(`  ${MARK[item.status]} ${item.text}  (line ${item.line}, ${item.ids.join(", ")}${note})`);
    }
  }
  const passed = r.checks.filter((c) => c.status === "pass").map((c) => c.id);
  const skippedChecks = r.checks.filter((c) => c.status === "skip").map((c) => `  ${c.id}: ${c.reason}`);
  out.push("");
  if (passed.length) out.push(`Passed: ${passed.join(", ")}`);
  if (skippedChecks.length) out.push("Not applicable:", ...skippedChecks);
  const s = r.summary;
  out.push(
    `${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${s.infos} info; checks: ${s.passed} passed, ${s.failed} failed, ${s.hints} to check by hand, ${s.skipped} not applicable.`,
    "",
  );
  return out.join("\n");
}

export function formatJson(r: DoctorReport): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
