// What every command needs before it renders anything: the repository (or the built-in example),
// what it shows, and the validated answers (prod-kit.yaml, then detection, then flags and prompts).
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Answers } from "../answers.js";
import { ANSWERS_FILE, parseAnswersFile } from "../answers-file.js";
import { UsageError, type CliArgs } from "../cli-args.js";
import { detectRepo, moduleFile, type RepoFacts } from "../detect/repo.js";
import { flagFor, resolveAnswers } from "../resolve-answers.js";
import { PACKAGE_ROOT } from "../package-root.js";
import { stacks } from "../stacks/index.js";
import { writeOut } from "../output.js";

export { PACKAGE_ROOT, toolVersion } from "../package-root.js";
export const EXAMPLE_DIR = "prod-kit-example";

export interface Context {
  /** Where the kit is written: the repository, or the example app's folder. */
  root: string;
  /** The built-in example app to copy into `root` first, when it is not there yet. */
  exampleSource?: string;
  facts: RepoFacts;
  answers: Answers;
  /** prod-kit.yaml as it is on disk, when there is one. */
  answersFile?: string;
  /** Which flag (or prod-kit.yaml key) set each answer, for messages and the printed command. */
  flagOf: Record<string, string>;
}

function readIf(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Outside a Python repo the kit targets a copy of a built-in example app, in its own folder. */
function exampleSource(stack: unknown): string {
  const id = typeof stack === "string" && stack in stacks ? stacks[stack as keyof typeof stacks].example : "django-celery";
  return join(PACKAGE_ROOT, "examples", id);
}

/** Every module the commands will import must be in the app (a typo would only fail at deploy time). */
function missingModules(answers: Answers, keys: (keyof Answers)[], facts: RepoFacts, flagOf: Record<string, string>): string[] {
  // An app installed into the image (`-e .`) may import its modules from elsewhere (a src/ layout).
  if (facts.installsProject) return [];
  return keys.flatMap((key) => {
    const value = answers[key];
    if (typeof value !== "string") return [];
    const module = value.split(":")[0]!;
    if (moduleFile(facts.root, module)) return [];
    const base = module.replace(/\./g, "/");
    return [`${flagFor(key, flagOf)}: ${module} is not in the app (no ${base}.py or ${base}/__init__.py under ${facts.root})`];
  });
}

export async function resolveContext(args: CliArgs, command: "init" | "update" | "docs" | "secrets"): Promise<Context> {
  const dir = resolve(args.dir ?? process.cwd());
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([`--dir: ${dir} is not a directory`]);
  let root = dir;
  let example: string | undefined;
  /** What the repository at `root` shows: detected once (a repository without prod-kit.yaml is detected to tell whether it is one). */
  let facts: RepoFacts | undefined;
  if (!existsSync(join(dir, ANSWERS_FILE))) {
    const exampleRoot = join(dir, EXAMPLE_DIR);
    if (command === "update") {
      // After `create-prod-kit` in an empty folder, the kit lives in the example's folder.
      if (!existsSync(join(exampleRoot, ANSWERS_FILE))) {
        throw new UsageError([`no ${ANSWERS_FILE} in ${dir}: run \`create-prod-kit\` there first (update regenerates what it recorded)`]);
      }
      root = exampleRoot;
    } else {
      facts = args.example ? undefined : detectRepo(dir);
      if (!facts?.isPythonRepo) {
        root = exampleRoot;
        facts = undefined;
        if (!existsSync(join(root, ANSWERS_FILE))) example = exampleSource(args.answers.stack);
        writeOut(`No Python app in ${dir}: using the built-in example app in ${root}\n`);
      }
    }
  }
  const answersFile = readIf(join(root, ANSWERS_FILE));
  const recorded = answersFile !== undefined ? parseAnswersFile(answersFile).raw : {};
  const flagOf: Record<string, string> = {
    ...Object.fromEntries(Object.keys(recorded).map((k) => [k, `${ANSWERS_FILE}: ${k}`])),
    ...args.flagOf,
  };
  facts ??= detectRepo(example && !existsSync(root) ? example : root);
  const answers = await resolveAnswers(facts, {
    flags: { ...recorded, ...args.answers },
    flagOf,
    interactive: (command === "init" || command === "docs") && !args.yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY),
    example: example !== undefined,
  });
  const stack = stacks[answers.stack];
  const missing = stack.required(answers).map((m) => `${m.key} could not be detected: pass ${m.hint}`);
  if (missing.length) throw new UsageError(missing);
  const absent = missingModules(answers, stack.modules, facts, flagOf);
  if (absent.length) throw new UsageError(absent);
  return { root, exampleSource: example, facts, answers, answersFile, flagOf };
}
