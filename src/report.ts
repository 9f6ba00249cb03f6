// What the user reads at the end: the file list with statuses, then the next steps.
import { PLACEHOLDER_GIT_REPO } from "./answers.js";
import { integrationSteps } from "./integrations/next-steps.js";
import type { Plan } from "./plan.js";
import { createTwoFilesPatch } from "diff";
import { STATE_DIR } from "./state.js";
import { CHANGES, WRITES, type WriteAction, type WriteStatus } from "./writer.js";

const LABEL: Record<WriteStatus, { done: string; dry: string }> = {
  create: { done: "created", dry: "create" },
  identical: { done: "identical", dry: "identical" },
  update: { done: "updated", dry: "update" },
  merged: { done: "merged (your edits kept)", dry: "merge (your edits kept)" },
  conflict: { done: "CONFLICT: resolve the marked lines", dry: "conflict (your edits and the kit's overlap)" },
  kept: { done: "kept (yours)", dry: "keep (yours)" },
  differs: { done: "differs, left alone", dry: "would overwrite (differs; needs --force)" },
  overwrite: { done: "overwritten", dry: "overwrite (--force)" },
  remove: { done: "removed (no longer needed)", dry: "remove (no longer needed)" },
  orphan: { done: "no longer needed, kept (you edited it)", dry: "no longer needed, keep (you edited it)" },
  deleted: { done: "deleted by you, not recreated (--recreate)", dry: "deleted by you, not recreated (--recreate)" },
  refused: { done: "refused", dry: "refused" },
};

function label(a: WriteAction, dry: boolean): string {
  const text = dry ? LABEL[a.status].dry : LABEL[a.status].done;
  const why = a.reason ? `: ${a.reason}` : "";
  return `${text}${why}${a.discarded ? (dry ? " (would discard your edits)" : " (your edits discarded)") : ""}`;
}

function table(actions: WriteAction[], dry: boolean): string {
  const width = Math.max(...actions.map((a) => a.path.length));
  return actions.map((a) => `  ${a.path.padEnd(width)}  ${label(a, dry)}`).join("\n");
}

/** The file list: what would happen (dry run), or what happened (after writing). The kit's own bookkeeping is one line. */
export function summary(actions: WriteAction[], opts: { dryRun: boolean; root: string }): string {
  const head = opts.dryRun ? `Dry run in ${opts.root}: nothing is written.` : `Kit for ${opts.root}:`;
  const shown = actions.filter((a) => !a.path.startsWith(`${STATE_DIR}/`));
  const state = actions.filter((a) => a.path.startsWith(`${STATE_DIR}/`) && a.status !== "identical");
  const stateLine = state.length ? [`  ${STATE_DIR}/ (what the kit wrote, for the next update: commit it)`] : [];
  return [head, table(shown, opts.dryRun), ...stateLine, ""].join("\n");
}

/** Why nothing was written: only the files in the way. */
export function blockedReport(stuck: WriteAction[], root: string): string {
  const refused = stuck.some((a) => a.status === "refused");
  return [
    `Nothing was written in ${root}; ${stuck.length} file(s) are in the way:`,
    table(stuck, false),
    "",
    ...(stuck.some((a) => a.status === "differs")
      ? ["See the differences with --dry-run, move your copies aside, or replace them with --force."]
      : []),
    ...(refused ? ["Move the refused paths aside (the kit writes only regular files inside the repository); --force does not."] : []),
    "",
  ].join("\n");
}

/** Unified diffs of what a run would change, for --dry-run. */
export function diffs(actions: WriteAction[]): string {
  return actions
    .filter((a) => CHANGES.includes(a.status) && !a.path.startsWith(`${STATE_DIR}/`))
    .map((a) =>
      createTwoFilesPatch(a.current === undefined ? "/dev/null" : `a/${a.path}`, a.status === "remove" ? "/dev/null" : `b/${a.path}`, a.current ?? "", a.status === "remove" ? "" : a.content, undefined, undefined, { context: 3 })
        .split("\n")
        .slice(1)
        .join("\n"),
    )
    .join("");
}

export function nextSteps(plan: Plan, actions: WriteAction[], command: string, opts: { healthFound: boolean; notes?: string[] }): string {
  const written = actions.filter((a) => WRITES.includes(a.status) && !a.path.startsWith(`${STATE_DIR}/`)).length;
  const steps: string[] = [...(opts.notes ?? [])];
  if (plan.dependencies.extra.length) {
    const names = plan.dependencies.extra.join(" ");
    const quoted = plan.dependencies.extra.map((p) => `"${p}"`).join(" ");
    const how = {
      poetry: `poetry add ${quoted}`,
      uv: `uv add ${quoted}`,
      pipenv: `pipenv install ${quoted}`,
      pip: `add them to ${plan.dependencies.requirementFiles[0]}`,
    }[plan.dependencies.manager];
    steps.push(`The image installs packages your dependency file lacks (${names}); ${how} so they are yours.`);
  }
  if (plan.dependencies.manager === "poetry" && !plan.dependencies.lockfile)
    steps.push("Run `poetry lock`, commit poetry.lock, then `npx create-prod-kit update`: the Dockerfile then installs from the lock instead of resolving at build time.");
  if (plan.dependencies.manager === "pipenv" && !plan.dependencies.lockfile)
    steps.push("Run `pipenv lock`, commit Pipfile.lock, then `npx create-prod-kit update`: the Dockerfile then installs from the lock instead of resolving at build time.");
  if (plan.dependencies.manager === "uv" && !plan.dependencies.lockfile)
    steps.push("Run `uv lock`, commit uv.lock, then `npx create-prod-kit update`: the Dockerfile then installs with `uv sync --locked` (reproducible builds).");
  // Django gets the kit's health middleware; other apps must answer the probe themselves.
  if (plan.framework !== "django" && !opts.healthFound)
    steps.push(`No health endpoint was found: add GET ${plan.healthPath} returning 200 (platform probes and the Docker HEALTHCHECK call it).`);
  if (plan.answers.platform === "easypanel" && plan.answers.gitRepo === PLACEHOLDER_GIT_REPO)
    steps.push("No git remote was found: re-run with --set gitRepo=https://github.com/OWNER/REPO.git (easypanel/template.json builds from it).");
  steps.push(...integrationSteps(plan));
  if (plan.frontend)
    steps.push(`A JavaScript front end is in ${plan.frontend.dir}/: the kit does not build or deploy it; docs/RUNBOOK.md says how to host it beside the API.`);
  steps.push(
    "Run `npx create-prod-kit secrets --write`: it creates .env.production (gitignored, mode 600) with strong values for every secret; fill in the rest, never commit it.",
  );
  steps.push("Follow docs/RUNBOOK.md for the first deploy, and tick docs/PRODUCTION_CHECKLIST.md before going live.");
  return [
    "",
    `${written} file(s) written.`,
    "",
    "Next steps:",
    ...steps.map((s, i) => `  ${i + 1}. ${s}`),
    "",
    "Same kit without questions (CI, a teammate):",
    `  ${command}`,
    "",
  ].join("\n");
}
