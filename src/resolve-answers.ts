// Where each answer comes from, in order: defaults, then what the repo shows, then flags, then (only
// with a terminal and without --yes) the user's replies to prompts for what is still missing.
import { AnswersError, checkField, COMMON_QUESTIONS, parseAnswers, type Answers, type Issue, type QuestionKey } from "./answers.js";
import type { RepoFacts } from "./detect/repo.js";
import { stacks } from "./stacks/index.js";
import { DEFAULT_PYTHON } from "./stacks/runtime-pins.js";

export interface ResolveOptions {
  flags: Record<string, unknown>;
  flagOf: Record<string, string>;
  interactive: boolean;
  /** Demo defaults for the built-in example app. */
  example: boolean;
}

function slug(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return s.length >= 2 ? s : undefined;
}

function defined(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

/** Answers known without asking anyone. */
export function detectedAnswers(facts: RepoFacts, flags: Record<string, unknown>, example: boolean): Record<string, unknown> {
  const stackId = (flags.stack as string | undefined) ?? facts.stack;
  const fromStack = stackId && stackId in stacks ? stacks[stackId as keyof typeof stacks].detect(facts) : {};
  const raw: Record<string, unknown> = {
    ...defined({
      stack: facts.stack,
      name: slug(facts.projectName),
      python: facts.python ?? DEFAULT_PYTHON,
      port: 8000,
      healthPath: "/healthz",
      packageManager: facts.packageManager,
      gitRepo: facts.gitRepo,
      gitBranch: facts.gitBranch,
    }),
    ...defined(fromStack as Record<string, unknown>),
    ...(example ? { platform: "vps", domain: "app.example.com", email: "ops@example.com" } : {}),
    ...flags,
  };
  // Only the Let's Encrypt account needs a real mailbox; elsewhere the runbook names it. A bad
  // domain is reported on its own, not again as a bad derived email.
  if (raw.email === undefined && raw.platform !== undefined && raw.platform !== "vps" && checkField("domain", raw.domain) === undefined) {
    raw.email = `ops@${String(raw.domain).toLowerCase()}`;
  }
  return raw;
}

export function missingQuestions(raw: Record<string, unknown>): QuestionKey[] {
  return (Object.keys(COMMON_QUESTIONS) as QuestionKey[]).filter(
    // Email is asked only for the VPS (Let's Encrypt); elsewhere it follows from the domain.
    (k) => raw[k] === undefined && !(k === "email" && raw.platform !== "vps"),
  );
}

/** The flag that sets an answer, for messages. */
export function flagFor(key: string, flagOf: Record<string, string> = {}): string {
  return flagOf[key] ?? (key in COMMON_QUESTIONS ? COMMON_QUESTIONS[key as QuestionKey].flag : `--set ${key}`);
}

/**
 * Problems found before asking anything: every bad flag, every detected value that cannot be used
 * (named with the file it came from and the flag that overrides it), one line each.
 */
function earlyProblems(facts: RepoFacts, raw: Record<string, unknown>, opts: ResolveOptions): Issue[] {
  const problems: Issue[] = [];
  for (const [key, value] of Object.entries(opts.flags)) {
    const message = checkField(key as keyof Answers, value);
    if (message) problems.push({ path: flagFor(key, opts.flagOf), message });
  }
  for (const [key, value] of Object.entries(raw)) {
    if (key in opts.flags || value === undefined) continue;
    const message = checkField(key as keyof Answers, value);
    if (!message) continue;
    // The repository URL matters only on Easypanel, whose next steps ask for it; a project name
    // that cannot be one simply is not used.
    if (key === "gitRepo" || key === "gitBranch" || key === "name") {
      delete raw[key];
      continue;
    }
    const source = facts.sources[key] ? ` in ${facts.sources[key]}` : "";
    problems.push({ path: flagFor(key), message: `found "${String(value)}"${source}, which ${message}; pass ${flagFor(key)} to choose` });
  }
  if (facts.stackChoices && raw.stack === undefined && !opts.interactive) {
    problems.push({
      path: "--stack",
      message: `the app has both ${facts.stackChoices.map((c) => `${c.stack} (${c.evidence})`).join(" and ")}: pass --stack to choose`,
    });
  }
  if (facts.unsupportedPython && opts.flags.python === undefined) {
    const { wanted, source } = facts.unsupportedPython;
    problems.push({
      path: "--python",
      message: `the app asks for Python ${wanted} (${source}) and the kit builds 3.10 to 3.14: pass --python with the version to build for`,
    });
  }
  if (facts.isPythonRepo && raw.packageManager === undefined) {
    problems.push({
      path: "dependencies",
      message: "no requirements.txt, pyproject.toml or Pipfile was found: the image installs the app's dependencies from one",
    });
  }
  return problems;
}

async function prompt(facts: RepoFacts, raw: Record<string, unknown>, example: boolean): Promise<Record<string, unknown>> {
  const p = await import("@clack/prompts");
  p.intro("create-prod-kit");
  const known = Object.entries(raw)
    .filter(([k, v]) => v !== undefined && k !== "gitRepo")
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(",") : String(v)}`);
  if (known.length) p.note(known.join("\n"), "Detected / given");
  if (facts.stackChoices && raw.stack === undefined) {
    p.note(facts.stackChoices.map((c) => `${c.stack}: ${c.evidence}`).join("\n"), "More than one stack fits: choose the one to deploy");
  }
  let out = { ...raw };
  for (const key of Object.keys(COMMON_QUESTIONS) as QuestionKey[]) {
    // An earlier reply may settle this one (the stack's own detection, the email default).
    out = { ...detectedAnswers(facts, out, example), ...out };
    if (out[key] !== undefined) continue;
    const q = COMMON_QUESTIONS[key];
    let value: unknown;
    if ("choices" in q) {
      value = await p.select({ message: q.message, options: q.choices.map((c) => ({ value: c, label: c })) });
    } else {
      value = await p.text({
        message: q.message,
        initialValue: key === "email" && typeof out.domain === "string" ? `ops@${out.domain}` : undefined,
        validate: (v) => checkField(key, v),
      });
    }
    if (p.isCancel(value)) {
      p.cancel("Cancelled; nothing was written.");
      process.exit(130);
    }
    out[key] = value;
  }
  return out;
}

export async function resolveAnswers(facts: RepoFacts, opts: ResolveOptions): Promise<Answers> {
  let raw = detectedAnswers(facts, opts.flags, opts.example);
  const problems = earlyProblems(facts, raw, opts);
  const missing = missingQuestions(raw).filter((k) => !problems.some((p) => p.path === COMMON_QUESTIONS[k].flag));
  if (problems.length || (missing.length && !opts.interactive)) {
    const required = opts.interactive
      ? []
      : missing.map((k) => ({ path: COMMON_QUESTIONS[k].flag, message: "is required (no terminal to ask, or --yes was given)" }));
    throw new AnswersError([...problems, ...required]);
  }
  if (missing.length) raw = await prompt(facts, raw, opts.example);
  try {
    return parseAnswers(raw);
  } catch (e) {
    if (e instanceof AnswersError) {
      throw new AnswersError(e.issues.map((i) => ({ ...i, path: flagFor(i.path.split(".")[0]!, opts.flagOf) })));
    }
    throw e;
  }
}
