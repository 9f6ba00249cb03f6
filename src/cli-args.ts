// Command-line parsing: argv → a command and raw answer values. Nothing here validates values; the
// answers schema does, so a flag, a prompt and prod-kit.yaml are held to the same rules.
import { parseArgs } from "node:util";

export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

export type Command = "init" | "update" | "docs" | "secrets" | "doctor";

export interface CliArgs {
  command: Command | "help" | "version";
  /** The command --help was asked about. */
  helpFor?: Command;
  dir?: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  example: boolean;
  /** update: write nothing, exit 1 when the kit is out of date. */
  check: boolean;
  /** init/update: write again the files you deleted. */
  recreate: boolean;
  /** docs: where the runbook and checklist go. */
  out?: string;
  /** secrets: write .env.production instead of printing. */
  write: boolean;
  /** doctor: print the report as one JSON object. */
  json: boolean;
  /** Raw answer values from flags and --set, keyed by answer name. */
  answers: Record<string, unknown>;
  /** Which flag set each answer, for error messages. */
  flagOf: Record<string, string>;
}

const ANSWER_FLAGS = ["platform", "stack", "name", "domain", "email", "python"] as const;
export const COMMANDS: Command[] = ["init", "update", "docs", "secrets", "doctor"];
/** Flags that mean something to some commands only. */
const ONLY_FOR: Record<string, Command[]> = {
  check: ["update"],
  recreate: ["init", "update"],
  out: ["docs"],
  example: ["init", "docs"],
  write: ["secrets"],
  json: ["doctor"],
};
/** doctor only reads the repository: of the flags, it takes only these. */
const DOCTOR_FLAGS = new Set(["dir", "json", "help", "version"]);
const LIST_KEYS = new Set(["channelsWorkers"]);

/** Async because the answers schema (zod) is imported only when --set needs it: --help and --version load neither. */
export async function parseCli(argv: string[]): Promise<CliArgs> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: "string" },
        platform: { type: "string" },
        stack: { type: "string" },
        name: { type: "string" },
        domain: { type: "string" },
        email: { type: "string" },
        python: { type: "string" },
        set: { type: "string", multiple: true },
        yes: { type: "boolean", short: "y" },
        "dry-run": { type: "boolean" },
        force: { type: "boolean" },
        example: { type: "boolean" },
        check: { type: "boolean" },
        recreate: { type: "boolean" },
        out: { type: "string" },
        write: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (e) {
    throw new UsageError([`${(e as Error).message.split("\n")[0]} (see create-prod-kit --help)`]);
  }
  const { values, positionals } = parsed;
  const base = {
    dir: values.dir,
    yes: Boolean(values.yes),
    dryRun: Boolean(values["dry-run"]),
    force: Boolean(values.force),
    example: Boolean(values.example),
    check: Boolean(values.check),
    recreate: Boolean(values.recreate),
    out: values.out,
    write: Boolean(values.write),
    json: Boolean(values.json),
    answers: {},
    flagOf: {},
  };
  const [first = "init", ...extra] = positionals;
  if (!COMMANDS.includes(first as Command)) {
    throw new UsageError([`unknown command "${first}": the commands are ${COMMANDS.join(", ")} (see create-prod-kit --help)`]);
  }
  const command = first as Command;
  if (values.help) return { ...base, command: "help", helpFor: positionals.length ? command : undefined };
  if (values.version) return { ...base, command: "version" };
  if (extra.length > 0) throw new UsageError([`unexpected argument "${extra[0]}" (see create-prod-kit --help)`]);
  if (command === "doctor") {
    const extraFlags = Object.keys(values).filter((flag) => !DOCTOR_FLAGS.has(flag));
    if (extraFlags.length) throw new UsageError(extraFlags.map((flag) => `--${flag} does not go with doctor, which only reads the repository (it takes --dir and --json)`));
    return { ...base, command };
  }
  const misplaced = Object.entries(ONLY_FOR).filter(([flag, commands]) => values[flag as keyof typeof values] !== undefined && !commands.includes(command));
  if (misplaced.length) {
    throw new UsageError(misplaced.map(([flag, commands]) => `--${flag} goes with ${commands.join(" or ")}, not ${command}`));
  }
  if (values.check && (values["dry-run"] || values.force)) throw new UsageError(["--check goes alone: it writes nothing and says whether the kit is up to date"]);
  const answers: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const key of ANSWER_FLAGS) {
    if (values[key] !== undefined) {
      answers[key] = values[key];
      flagOf[key] = `--${key}`;
    }
  }
  const problems: string[] = [];
  const keys = values.set ? Object.keys((await import("./answers.js")).answersSchema.shape) : [];
  for (const pair of values.set ?? []) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq) : "";
    if (!key || !keys.includes(key)) {
      problems.push(`--set ${pair}: expected key=value with key one of ${keys.join(", ")}`);
      continue;
    }
    const value = pair.slice(eq + 1);
    answers[key] = LIST_KEYS.has(key) ? value.split(",").filter(Boolean) : value;
    flagOf[key] = `--set ${key}`;
  }
  if (problems.length) throw new UsageError(problems);
  return { ...base, command, answers, flagOf };
}

const ANSWER_OPTIONS = `  --platform P       render | railway | vps | easypanel
  --stack S          django-celery | django-channels | fastapi-chatwoot (detected when possible)
  --name NAME        service name: lowercase letters, digits, dashes (default: from the project)
  --domain DOMAIN    public host name, e.g. app.example.com
  --email EMAIL      Let's Encrypt account (vps only)
  --python VERSION   Python version for the image, 3.10 to 3.14 (detected when possible)
  --set KEY=VALUE    any other answer, e.g. --set settingsModule=config.settings.base,
                     --set healthPath=/health/, --set channelsWorkers=thumbnails,emails`;

const HELPS: Record<Exclude<Command, "secrets"> | "all", string> = {
  all: `create-prod-kit — a correct, secure, validated production kit for a Python web app

Usage:
  create-prod-kit [init] [options]     write the kit (asks what it cannot detect)
  create-prod-kit update [options]     regenerate from prod-kit.yaml, keeping your edits
  create-prod-kit docs [options]       write only the runbook and the checklist
  create-prod-kit secrets [--write]    strong values for the secrets the kit needs
  create-prod-kit doctor [--json]      audit the repository's production readiness (writes nothing)
  create-prod-kit <command> --help     the options of one command

Options of init:
  --dir DIR          the app's repository (default: the current directory)
${ANSWER_OPTIONS}
  --yes, -y          no questions: detected values and defaults fill the rest
  --dry-run          list what would be written (create / identical / would overwrite) and the diffs
  --force            replace files that differ from the kit (your copies are lost)
  --recreate         write again the kit's files you deleted
  --example          generate for the built-in example app (the default outside a Python repo)
  --help, -h         this help
  --version, -v      the version

Exit codes: 0 done; 1 files in the way (nothing written), a write failed, update left
conflicts to resolve, or doctor found an error; 2 bad input; 130 interrupted before anything
was replaced.

Examples:
  npx create-prod-kit
  npx create-prod-kit --platform render --domain app.example.com --yes
  npx create-prod-kit --platform vps --domain app.example.com --email ops@example.com --dry-run
  npx create-prod-kit update --platform vps --email ops@example.com
  npx create-prod-kit update --check
  npx create-prod-kit doctor --json
`,
  init: `create-prod-kit [init]: write the production kit for this repository

Usage: create-prod-kit [init] [--dir DIR] [answers] [--yes] [--dry-run] [--force] [--recreate] [--example]

Answers come from prod-kit.yaml when it exists, then from the repository, then from these flags;
with a terminal and without --yes, what is still missing is asked. The answers are saved in
prod-kit.yaml, and what the kit wrote in .prod-kit/ (commit both).

${ANSWER_OPTIONS}
  --yes, -y          no questions
  --dry-run          print what would change, with a diff per file; write nothing
  --force            replace files that differ from the kit (your copies are lost)
  --recreate         write again the kit's files you deleted
  --example          use the built-in example app (the default outside a Python repo)

Examples:
  npx create-prod-kit --platform render --domain app.example.com --yes
  npx create-prod-kit --platform vps --domain app.example.com --email ops@example.com --dry-run
`,
  update: `create-prod-kit update: regenerate the kit from prod-kit.yaml, keeping your edits

Usage: create-prod-kit update [--dir DIR] [answers] [--dry-run | --check] [--force] [--recreate]

Edit prod-kit.yaml (or pass the answers to change: they are saved in it), then run update. Files you
never edited are rewritten; files you edited are merged (3-way, with what the kit last wrote as the
base) and overlapping changes are left between conflict markers (exit 1); files the new answers no
longer need are removed if you never edited them; files you deleted stay deleted.

${ANSWER_OPTIONS}
  --dry-run          print what would change, with a diff per file; write nothing
  --check            write nothing; exit 1 when the kit is out of date or has unresolved conflicts (CI)
  --force            replace files you edited with the kit's version (says which)
  --recreate         write again the kit's files you deleted

Examples:
  npx create-prod-kit update
  npx create-prod-kit update --platform vps --email ops@example.com
  npx create-prod-kit update --set healthPath=/health/ --dry-run
  npx create-prod-kit update --check
`,
  docs: `create-prod-kit docs: write only RUNBOOK.md and PRODUCTION_CHECKLIST.md

Usage: create-prod-kit docs [--dir DIR] [--out PATH] [answers] [--yes] [--dry-run] [--force]

For the answers in prod-kit.yaml, or (without one) for the flags and what the repository shows.

  --out PATH         the folder to write them to (default: DIR/docs)
${ANSWER_OPTIONS}
  --yes, -y          no questions
  --dry-run          print what would be written; write nothing
  --force            replace files that differ

Examples:
  npx create-prod-kit docs --platform railway --domain app.example.com --yes --out ./ops
`,
  doctor: `create-prod-kit doctor: audit the repository as it is, for production

Usage: create-prod-kit doctor [--dir DIR] [--json]

Reads the repository (never runs it, never writes) and reports each problem with its check id,
level, file:line, why it matters and the fix: DEBUG, SECRET_KEY, ALLOWED_HOSTS, WhiteNoise,
SQLite, runserver/--reload, Celery beat, redis:// to TLS-only providers, CORS, FastAPI docs,
.env files and secrets in git (masked), health endpoint, backups, and, with prod-kit.yaml, whether
the kit is up to date. With docs/PRODUCTION_CHECKLIST.md, it shows which items pass.

  --dir DIR          the repository (default: the current directory)
  --json             print one JSON object ({ findings, checks, summary, ... }) and nothing else

Exit codes: 0 no error-level finding; 1 at least one (for CI); 2 bad usage.

Examples:
  npx create-prod-kit doctor
  npx create-prod-kit doctor --dir ./backend --json
`,
};

const SECRETS_HELP = `create-prod-kit secrets: strong values for every secret the kit needs

Usage: create-prod-kit secrets [--dir DIR] [--write] [answers]

Prints new values (made with Node's crypto) for the secrets that are not set yet in .env.production:
SECRET_KEY, the VPS database and Redis passwords, and the keys the app's integrations need. With
--write, adds them to .env.production (created from .env.production.example when absent) with mode
600, only when git ignores that file and it is not tracked; a value already there is never replaced.
Answers come from prod-kit.yaml (or the flags, as for init).

  --write            write them into .env.production instead of printing them

Examples:
  npx create-prod-kit secrets
  npx create-prod-kit secrets --write
`;

export function helpText(command?: Command): string {
  return command === "secrets" ? SECRETS_HELP : HELPS[command ?? "all"];
}
