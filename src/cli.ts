#!/usr/bin/env node
// Entry point: parse → detect → answers → plan → files → writer, and report. User mistakes end with
// one line per problem and exit 2, never a stack trace.
import { cpSync, existsSync, readFileSync, realpathSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { AnswersError, type Answers } from "./answers.js";
import { HELP, parseCli, UsageError, type CliArgs } from "./cli-args.js";
import { detectRepo, moduleFile, type RepoFacts } from "./detect/repo.js";
import { buildPlan, renderKit } from "./kit.js";
import { flagFor, resolveAnswers } from "./resolve-answers.js";
import { stacks } from "./stacks/index.js";
import { applyWritesInterruptibly, blocking, planWrites, WriterError } from "./writer.js";
import { blockedReport, nextSteps, summary } from "./report.js";

const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));
export const EXAMPLE_DIR = "prod-kit-example";

function version(): string {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version;
}

/** Outside a Python repo the kit targets a copy of a built-in example app, in its own folder. */
function exampleId(stack: unknown): string {
  return typeof stack === "string" && stack in stacks ? stacks[stack as keyof typeof stacks].example : "django-celery";
}

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

function throwIf(problems: string[]): void {
  if (problems.length) throw new UsageError(problems);
}

/** Every module the commands will import must be in the app (a typo would only fail at deploy time). */
function missingModules(answers: Answers, keys: (keyof Answers)[], facts: RepoFacts): string[] {
  // An app installed into the image (`-e .`) may import its modules from elsewhere (a src/ layout).
  if (facts.installsProject) return [];
  return keys.flatMap((key) => {
    const value = answers[key];
    if (typeof value !== "string") return [];
    const module = value.split(":")[0]!;
    if (moduleFile(facts.root, module)) return [];
    const base = module.replace(/\./g, "/");
    return [`${flagFor(key)}: ${module} is not in the app (no ${base}.py or ${base}/__init__.py under ${facts.root})`];
  });
}

export async function main(argv: string[]): Promise<number> {
  const args = parseCli(argv);
  if (args.command === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.command === "version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const dir = resolve(args.dir ?? process.cwd());
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError([`--dir: ${dir} is not a directory`]);
  const useExample = args.example || !detectRepo(dir).isPythonRepo;
  // The example app is copied into its own folder only when files are really written.
  const root = useExample ? join(dir, EXAMPLE_DIR) : dir;
  const exampleSource = join(PACKAGE_ROOT, "examples", exampleId(args.answers.stack));
  if (useExample) process.stdout.write(`No Python app in ${dir}: using the built-in example app in ${root}\n`);
  const facts = detectRepo(useExample && !existsSync(root) ? exampleSource : root);
  const answers = await resolveAnswers(facts, {
    flags: args.answers,
    flagOf: args.flagOf,
    interactive: !args.yes && Boolean(process.stdin.isTTY) && Boolean(process.stdout.isTTY),
    example: useExample,
  });
  const stack = stacks[answers.stack];
  const missing = stack.required(answers).map((m) => `${m.key} could not be detected: pass ${m.hint}`);
  throwIf(missing);
  throwIf(missingModules(answers, stack.modules, facts));
  const plan = buildPlan(answers, facts);
  const actions = planWrites(root, renderKit(plan), { force: args.force });
  const stuck = blocking(actions);
  if (args.dryRun) {
    process.stdout.write(summary(actions, { dryRun: true, root }));
    return stuck.length ? 1 : 0;
  }
  if (stuck.length) {
    process.stdout.write(blockedReport(stuck, root));
    return 1;
  }
  const copiedExample = useExample && !existsSync(root);
  if (copiedExample) cpSync(exampleSource, root, { recursive: true });
  let result;
  try {
    result = await applyWritesInterruptibly(root, actions);
  } catch (e) {
    if (copiedExample) rmSync(root, { recursive: true, force: true });
    throw e;
  }
  if (result.interrupted && !result.written) {
    if (copiedExample) rmSync(root, { recursive: true, force: true });
    process.stderr.write(`Interrupted (${result.interrupted}): nothing was written.\n`);
    return 130;
  }
  process.stdout.write(summary(actions, { dryRun: false, root }));
  if (result.interrupted) {
    process.stderr.write(`Interrupted (${result.interrupted}) after every file was in place.\n`);
    return 130;
  }
  process.stdout.write(nextSteps(plan, actions, equivalentCommand(answers, args), { healthFound: facts.healthPath !== undefined, notes: facts.notes }));
  return 0;
}

// Run when executed (directly, or through the npm bin symlink), not when imported by tests.
const isEntry = process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  // `create-prod-kit ... | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = process.exitCode || code;
    },
    (e: unknown) => {
      if (e instanceof UsageError || e instanceof AnswersError) {
        const lines = e instanceof UsageError ? e.lines : e.issues.map((i) => `${i.path}: ${i.message}`);
        for (const line of lines) process.stderr.write(`error: ${line}\n`);
        process.exitCode = 2;
      } else if (e instanceof WriterError) {
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = 1;
      } else {
        process.stderr.write(`create-prod-kit failed unexpectedly: ${(e as Error).stack ?? String(e)}\n`);
        process.exitCode = 70;
      }
    },
  );
}
