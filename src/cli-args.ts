// Command-line parsing: argv → a command and raw answer values. Nothing here validates values; the
// answers schema does, so a flag, a prompt and prod-kit.yaml are held to the same rules.
import { parseArgs } from "node:util";
import { answersSchema } from "./answers.js";

export class UsageError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join("\n"));
  }
}

export interface CliArgs {
  command: "init" | "help" | "version";
  dir?: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
  example: boolean;
  /** Raw answer values from flags and --set, keyed by answer name. */
  answers: Record<string, unknown>;
  /** Which flag set each answer, for error messages. */
  flagOf: Record<string, string>;
}

const ANSWER_FLAGS = ["platform", "stack", "name", "domain", "email", "python"] as const;
const LIST_KEYS = new Set(["channelsWorkers"]);

export function parseCli(argv: string[]): CliArgs {
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
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    });
  } catch (e) {
    throw new UsageError([`${(e as Error).message.split("\n")[0]} (see create-prod-kit --help)`]);
  }
  const { values, positionals } = parsed;
  const base = { dir: values.dir, yes: Boolean(values.yes), dryRun: Boolean(values["dry-run"]), force: Boolean(values.force), example: Boolean(values.example), answers: {}, flagOf: {} };
  if (values.help) return { ...base, command: "help" };
  if (values.version) return { ...base, command: "version" };
  const [command = "init", ...extra] = positionals;
  if (command !== "init") {
    throw new UsageError([`unknown command "${command}": this version has init only (see create-prod-kit --help)`]);
  }
  if (extra.length > 0) throw new UsageError([`unexpected argument "${extra[0]}" (see create-prod-kit --help)`]);
  const answers: Record<string, unknown> = {};
  const flagOf: Record<string, string> = {};
  for (const key of ANSWER_FLAGS) {
    if (values[key] !== undefined) {
      answers[key] = values[key];
      flagOf[key] = `--${key}`;
    }
  }
  const problems: string[] = [];
  for (const pair of values.set ?? []) {
    const eq = pair.indexOf("=");
    const key = eq > 0 ? pair.slice(0, eq) : "";
    if (!key || !(key in answersSchema.shape)) {
      problems.push(`--set ${pair}: expected key=value with key one of ${Object.keys(answersSchema.shape).join(", ")}`);
      continue;
    }
    const value = pair.slice(eq + 1);
    answers[key] = LIST_KEYS.has(key) ? value.split(",").filter(Boolean) : value;
    flagOf[key] = `--set ${key}`;
  }
  if (problems.length) throw new UsageError(problems);
  return { ...base, command: "init", answers, flagOf };
}

export const HELP = `create-prod-kit — a correct, secure, validated production kit for a Python web app

Usage:
  create-prod-kit [init] [options]

Options:
  --dir DIR          the app's repository (default: the current directory)
  --platform P       render | railway | vps | easypanel
  --stack S          django-celery | django-channels | fastapi-chatwoot (detected when possible)
  --name NAME        service name: lowercase letters, digits, dashes (default: from the project)
  --domain DOMAIN    public host name, e.g. app.example.com
  --email EMAIL      Let's Encrypt account (vps only)
  --python VERSION   Python version for the image, 3.10 to 3.14 (detected when possible)
  --set KEY=VALUE    any other answer, e.g. --set settingsModule=config.settings.base,
                     --set healthPath=/health/, --set channelsWorkers=thumbnails,emails
  --yes, -y          no questions: detected values and defaults fill the rest
  --dry-run          list what would be written (create / identical / would overwrite); write nothing
  --force            replace generated files that differ from the kit (your copies are lost)
  --example          generate for the built-in example app (the default outside a Python repo)
  --help, -h         this help
  --version, -v      the version

Exit codes: 0 done, 1 files differ and were left alone, 2 bad input.

Examples:
  npx create-prod-kit
  npx create-prod-kit --platform render --domain app.example.com --yes
  npx create-prod-kit --platform vps --domain app.example.com --email ops@example.com --dry-run
`;
