// docs: only the runbook and the checklist, for the recorded answers (or the flags), to a folder of
// the user's choice. Nothing else of the kit is written and nothing is recorded in .prod-kit/.
import { resolve } from "node:path";
import type { CliArgs } from "../cli-args.js";
import { docsFiles } from "../files/docs.js";
import { buildPlan } from "../kit.js";
import { platforms } from "../platforms/index.js";
import { blockedReport, diffs, summary } from "../report.js";
import { applyWritesInterruptibly, blocking, planWrites } from "../writer.js";
import { resolveContext } from "./context.js";
import { writeOut, writeErr } from "../output.js";

export async function docs(args: CliArgs): Promise<number> {
  const ctx = await resolveContext(args, "docs");
  const plan = buildPlan(ctx.answers, ctx.facts);
  const out = resolve(ctx.root, args.out ?? "docs");
  // Written as plain files under --out: the names without the kit's docs/ folder.
  const files = docsFiles(plan, platforms[plan.answers.platform]).map((f) => ({ ...f, path: f.path.replace(/^docs\//, "") }));
  const actions = planWrites(out, files, { force: args.force }).map((a) => ({ ...a, track: undefined }));
  const stuck = blocking(actions);
  if (args.dryRun) {
    writeOut(summary(actions, { dryRun: true, root: out }));
    const patch = diffs(actions);
    if (patch) writeOut(`\n${patch}`);
    return stuck.length ? 1 : 0;
  }
  if (stuck.length) {
    writeOut(blockedReport(stuck, out));
    return 1;
  }
  const result = await applyWritesInterruptibly(out, actions);
  if (result.interrupted && !result.written) {
    writeErr(`Interrupted (${result.interrupted}): nothing was written.\n`);
    return 130;
  }
  writeOut(summary(actions, { dryRun: false, root: out }));
  return result.interrupted ? 130 : 0;
}
