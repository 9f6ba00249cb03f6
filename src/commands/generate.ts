// init and update: render the kit for the answers, decide per file against the disk and what the
// kit last wrote, then write it all or nothing with prod-kit.yaml and .prod-kit/.
import { cpSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { Answers } from "../answers.js";
import { ANSWERS_FILE, answersFileText } from "../answers-file.js";
import type { CliArgs } from "../cli-args.js";
import type { Plan } from "../plan.js";
import { buildPlan, renderKit } from "../kit.js";
import { hasConflictMarkers } from "../merge.js";
import { blockedReport, diffs, nextSteps, summary } from "../report.js";
import { withSpinner } from "../spinner.js";
import { readManifest } from "../state.js";
import {
  applyWritesInterruptibly,
  blocking,
  CHANGES,
  planWrites,
  removeUnusedBases,
  stateActions,
  type WriteAction,
  type WriteStatus,
} from "../writer.js";
import { resolveContext, toolVersion, type Context } from "./context.js";
import { writeOut, writeErr } from "../output.js";

function equivalentCommand(a: Answers, args: CliArgs): string {
  const parts = ["npx create-prod-kit", `--platform ${a.platform}`, `--stack ${a.stack}`, `--name ${a.name}`, `--domain ${a.domain}`];
  if (a.platform === "vps") parts.push(`--email ${a.email}`);
  parts.push(`--python ${a.python}`);
  for (const key of Object.keys(args.flagOf)) {
    if (args.flagOf[key]?.startsWith("--set")) {
      const v = (a as Record<string, unknown>)[key];
      parts.push(`--set ${key}=${Array.isArray(v) ? v.join(",") : String(v)}`);
    }
  }
  if (args.example) parts.push("--example");
  parts.push("--yes");
  return parts.join(" ");
}

/** prod-kit.yaml as this run leaves it: the answers, edited into the user's file when there is one. */
function answersAction(answers: Answers, answersFile: string | undefined): WriteAction {
  const content = answersFileText(answers, toolVersion(), answersFile);
  const status: WriteStatus = answersFile === undefined ? "create" : answersFile === content ? "identical" : "update";
  return { path: ANSWERS_FILE, status, content, mode: 0o644, current: answersFile };
}

/**
 * Everything one run does, in commit order: prod-kit.yaml first (so a crash leaves the new answers
 * and the next update finishes the job), then the kit's files, then .prod-kit/ last.
 */
export function planKit(
  root: string,
  answers: Answers,
  facts: Context["facts"],
  opts: { force: boolean; recreate: boolean; merge: boolean; answersFile?: string },
): { plan: Plan; files: WriteAction[]; actions: WriteAction[] } {
  const plan = buildPlan(answers, facts);
  const files = planWrites(root, renderKit(plan), { force: opts.force, manifest: readManifest(root), recreate: opts.recreate, merge: opts.merge });
  return { plan, files, actions: [answersAction(answers, opts.answersFile), ...files, ...stateActions(root, files, toolVersion())] };
}

/** Files that still hold conflict markers from an earlier update (on disk now). */
function unresolved(root: string, actions: WriteAction[]): string[] {
  return actions
    .filter((a) => a.status === "kept" || a.status === "identical")
    .filter((a) => {
      try {
        return hasConflictMarkers(readFileSync(join(root, a.path), "utf8"));
      } catch {
        return false;
      }
    })
    .map((a) => a.path);
}

/** What `update --check` reports: the changes update would make, files in the way, unresolved conflicts. */
export interface KitCheck {
  stale: WriteAction[];
  stuck: WriteAction[];
  conflicts: string[];
}

/** The verdict of `update --check` on a planned run (shared with `doctor`). */
export function checkKit(root: string, planned: { files: WriteAction[]; actions: WriteAction[] }): KitCheck {
  return {
    stale: planned.actions.filter((a) => CHANGES.includes(a.status)),
    stuck: blocking(planned.actions),
    conflicts: unresolved(root, planned.files),
  };
}

export async function generate(args: CliArgs, command: "init" | "update"): Promise<number> {
  const ctx = await resolveContext(args, command);
  const { root, answers } = ctx;
  const { plan, files: fileActions, actions } = planKit(root, answers, ctx.facts, {
    force: args.force,
    recreate: args.recreate,
    merge: command === "update",
    answersFile: ctx.answersFile,
  });
  const { stale, stuck, conflicts: leftOver } = checkKit(root, { files: fileActions, actions });

  if (args.check) {
    if (stale.length === 0 && stuck.length === 0 && leftOver.length === 0) {
      writeOut(`The kit in ${root} is up to date.\n`);
      return 0;
    }
    if (stale.length || stuck.length) {
      writeOut(summary([...stale, ...stuck], { dryRun: true, root }));
      writeOut("The kit is out of date: run `create-prod-kit update` (see the changes with --dry-run).\n");
    }
    if (leftOver.length) writeOut(`Unresolved conflict markers (<<<<<<< yours ... >>>>>>> create-prod-kit) in: ${leftOver.join(", ")}\n`);
    return 1;
  }
  if (args.dryRun) {
    writeOut(summary(actions, { dryRun: true, root }));
    const patch = diffs(actions);
    if (patch) writeOut(`\n${patch}`);
    return stuck.length || actions.some((a) => a.status === "conflict") ? 1 : 0;
  }
  if (stuck.length) {
    writeOut(blockedReport(stuck, root));
    return 1;
  }
  const copiedExample = ctx.exampleSource !== undefined && !existsSync(root);
  if (copiedExample) cpSync(ctx.exampleSource!, root, { recursive: true });
  let result;
  try {
    // Nothing to write (an update of an unchanged kit): no spinner, no turn of the event loop.
    result = stale.length === 0 ? await applyWritesInterruptibly(root, actions) : await withSpinner(`Writing the kit in ${root}`, () => applyWritesInterruptibly(root, actions));
  } catch (e) {
    if (copiedExample) rmSync(root, { recursive: true, force: true });
    throw e;
  }
  if (result.interrupted && !result.written) {
    if (copiedExample) rmSync(root, { recursive: true, force: true });
    writeErr(`Interrupted (${result.interrupted}): nothing was written.\n`);
    return 130;
  }
  removeUnusedBases(root);
  writeOut(summary(actions, { dryRun: false, root }));
  if (result.interrupted) {
    writeErr(`Interrupted (${result.interrupted}) after every file was in place.\n`);
    return 130;
  }
  const conflicts = [...actions.filter((a) => a.status === "conflict").map((a) => a.path), ...leftOver];
  const discarded = actions.filter((a) => a.discarded).map((a) => a.path);
  if (discarded.length) writeOut(`\n--force discarded your edits to: ${discarded.join(", ")}\n`);
  const command_ = command === "update" ? "npx create-prod-kit update" : equivalentCommand(answers, args);
  writeOut(nextSteps(plan, actions, command_, { healthFound: ctx.facts.healthPath !== undefined, notes: ctx.facts.notes }));
  if (conflicts.length) {
    writeOut(
      `\nYour edits and the kit's overlap in ${conflicts.length} file(s): ${conflicts.join(", ")}.\n` +
        "Each has both versions between `<<<<<<< yours` and `>>>>>>> create-prod-kit`: keep what you want, delete the markers.\n",
    );
    return 1;
  }
  return 0;
}
