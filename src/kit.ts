// answers → plan → files: the whole kit for one set of answers, with nothing written yet.
import type { Answers } from "./answers.js";
import type { RepoFacts } from "./detect/repo.js";
import { commonFiles } from "./files/common.js";
import { docsFiles } from "./files/docs.js";
import type { GeneratedFile } from "./files/generated-file.js";
import type { Plan } from "./plan.js";
import { platforms } from "./platforms/index.js";
import { stacks } from "./stacks/index.js";
import { byCodeUnit } from "./compare.js";

export function buildPlan(answers: Answers, facts: RepoFacts): Plan {
  const plan = stacks[answers.stack].plan(answers, facts);
  // The platform adds what only it knows (proxy trust, datastore passwords) before anything renders.
  return { ...plan, env: [...plan.env, ...platforms[answers.platform].env(plan)] };
}

export function renderKit(plan: Plan): GeneratedFile[] {
  const platform = platforms[plan.answers.platform];
  const files = [...commonFiles(plan, platform), ...platform.render(plan), ...docsFiles(plan, platform)];
  return files.sort((a, b) => byCodeUnit(a.path, b.path));
}
