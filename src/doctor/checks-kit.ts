// The generated kit itself, when prod-kit.yaml says there is one: the same planning and verdict as
// `update --check` (planKit + checkKit), reported as findings: files update would change, and
// files that still hold conflict markers from an earlier update.
import { AnswersError } from "../answers.js";
import { ANSWERS_FILE, parseAnswersFile } from "../answers-file.js";
import { checkKit, planKit, type KitCheck } from "../commands/generate.js";
import { resolveAnswers } from "../resolve-answers.js";
import { stacks } from "../stacks/index.js";
import { StateError } from "../state.js";
import type { WriteStatus } from "../writer.js";
import type { DoctorContext } from "./context.js";
import { finding, type Check, type Finding } from "./finding.js";

type KitState = { check: KitCheck } | { problems: string[] };

const planned = new WeakMap<DoctorContext, Promise<KitState>>();

async function plan(ctx: DoctorContext): Promise<KitState> {
  const text = ctx.read(ANSWERS_FILE)!;
  try {
    const recorded = parseAnswersFile(text).raw;
    const flagOf = Object.fromEntries(Object.keys(recorded).map((k) => [k, `${ANSWERS_FILE}: ${k}`]));
    const answers = await resolveAnswers(ctx.facts, { flags: recorded, flagOf, interactive: false, example: false });
    const missing = stacks[answers.stack].required(answers).map((m) => `${m.key} could not be detected: set it in ${ANSWERS_FILE} (${m.hint})`);
    if (missing.length) return { problems: missing };
    const run = planKit(ctx.root, answers, ctx.facts, { force: false, recreate: false, merge: true, answersFile: text });
    return { check: checkKit(ctx.root, run) };
  } catch (e) {
    if (e instanceof AnswersError) return { problems: e.issues.map((i) => `${i.path}: ${i.message}`) };
    if (e instanceof StateError) return { problems: [e.message] };
    throw e;
  }
}

function kitState(ctx: DoctorContext): Promise<KitState> {
  let p = planned.get(ctx);
  if (!p) planned.set(ctx, (p = plan(ctx)));
  return p;
}

const noKit = (ctx: DoctorContext) => (ctx.read(ANSWERS_FILE) === undefined ? `no ${ANSWERS_FILE} (the kit was not generated here)` : undefined);

const WHAT_UPDATE_DOES: Partial<Record<WriteStatus, string>> = {
  create: "missing: update would write it",
  update: "out of date: update would rewrite it (you never edited it)",
  merged: "out of date: update would merge the kit's changes into your edits",
  conflict: "out of date, and your edits overlap the kit's changes: update would leave conflict markers",
  remove: "no longer needed by the answers: update would remove it",
  differs: "in the way: it differs and the kit has no record of writing it",
  refused: "in the way: the kit cannot write it safely",
};

export const kitUpToDate: Check = {
  id: "kit-up-to-date",
  level: "warning",
  what: "the generated files match prod-kit.yaml and this version of create-prod-kit (as update --check)",
  why: "A kit behind its answers deploys what prod-kit.yaml no longer says (another platform, an old domain, a missing process), and the next update has more to merge.",
  fix: "Run npx create-prod-kit update (see the changes first with --dry-run), and update --check in CI.",
  skip: noKit,
  async run(ctx) {
    const state = await kitState(ctx);
    if ("problems" in state) {
      return state.problems.map((p) => finding(this, { file: ANSWERS_FILE, level: "error", title: p, fix: `Correct ${ANSWERS_FILE} (see create-prod-kit update --help).` }));
    }
    const { stale, stuck } = state.check;
    const shown = [...stale, ...stuck].filter((a) => !a.path.startsWith(".prod-kit/"));
    const out: Finding[] = shown.map((a) => finding(this, { file: a.path, title: `${a.path}: ${WHAT_UPDATE_DOES[a.status] ?? a.status}` }));
    if (!shown.length && stale.length) out.push(finding(this, { file: ".prod-kit/", title: ".prod-kit/ (the kit's records) is out of date: update would rewrite it" }));
    return out;
  },
};

export const kitConflicts: Check = {
  id: "kit-conflicts",
  level: "error",
  what: "no unresolved conflict markers (<<<<<<< yours ... >>>>>>> create-prod-kit) left by update",
  why: "A file with conflict markers is not valid any more (a Dockerfile or settings module with them fails the build or the start), and one of the two versions is still undecided.",
  fix: "Keep the lines you want between the markers, delete the markers, then run npx create-prod-kit update --check.",
  skip: noKit,
  async run(ctx) {
    const state = await kitState(ctx);
    if ("problems" in state) return [];
    return state.check.conflicts.map((path) => {
      const index = (ctx.read(path) ?? "").split("\n").findIndex((l) => l === "<<<<<<< yours");
      return finding(this, { file: path, ...(index >= 0 ? { line: index + 1 } : {}), title: `unresolved conflict markers in ${path}` });
    });
  },
};

export const kitChecks: Check[] = [kitUpToDate, kitConflicts];
