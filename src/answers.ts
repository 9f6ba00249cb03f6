// The single source of truth for every answer: its validation, its default, its flag and its prompt.
// Flags, prompts and prod-kit.yaml all parse through `answersSchema`, so no value reaches a file
// without passing these rules (they also make shell/YAML/nginx injection impossible by construction).
// zod's "mini" flavour: the same checks and messages as classic zod, but a schema is a plain object
// rather than one carrying ~50 bound methods, so building this one costs a run about a third as much.
import * as z from "zod/mini";
import { pythonImageProblem } from "./stacks/runtime-pins.js";

export const PLATFORMS = ["render", "railway", "vps", "easypanel"] as const;
export const STACKS = ["django-celery", "django-channels", "fastapi-chatwoot"] as const;
export const PACKAGE_MANAGERS = ["pip", "poetry", "uv", "pipenv"] as const;
/** Used when the repo has no origin remote; the next steps ask for the real one. */
export const PLACEHOLDER_GIT_REPO = "https://github.com/your-org/your-repo.git";
export type PlatformId = (typeof PLATFORMS)[number];
export type StackId = (typeof STACKS)[number];
export type PackageManager = (typeof PACKAGE_MANAGERS)[number];

const dottedPath = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const appObject = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_]*$/;
const hostname = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A whole number from a flag or a file: digits only (no "0x1F", "1e4" or spaces), within bounds. */
const wholeNumber = (min: number, max: number, range: string) =>
  z.pipe(
    z.union([z.number(), z.pipe(z.string().check(z.regex(/^\d{1,7}$/, "must be a number (digits only)")), z.transform(Number))], { error: "must be a number" }),
    z.number().check(z.int("must be a whole number"), z.gte(min, range), z.lte(max, range)),
  );

/** A string matching a pattern; `typed` adds the message for a value that is not a string at all. */
const matching = (pattern: RegExp, message: string, typed = false) =>
  (typed ? z.string({ error: "must be a string" }) : z.string()).check(z.regex(pattern, message));

export const answersSchema = z.object({
  platform: z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(", ")}` }),
  stack: z.enum(STACKS, { error: `must be one of ${STACKS.join(", ")}` }),
  name: matching(
    /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
    "must be 2-40 characters: lowercase letters, digits and dashes, starting with a letter (it names services, the database and containers)",
    true,
  ),
  domain: z.pipe(
    z.pipe(
      z.string({ error: "must be a string" }),
      z.transform((s: string) => s.toLowerCase()),
    ),
    matching(hostname, "must be a bare hostname such as app.example.com (no scheme, port, path or spaces)"),
  ),
  email: matching(/^[A-Za-z0-9._%+-]{1,64}@([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$/, "must be a plain email address such as ops@example.com", true),
  python: z.string({ error: "must be a string" }).check(
    z.regex(/^3\.(1[0-4])(\.\d{1,2})?$/, "must be a Python version from 3.10 to 3.14, e.g. 3.12 or 3.12.7"),
    z.superRefine((v, ctx) => {
      const problem = pythonImageProblem(v);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  ),
  port: wholeNumber(1024, 65535, "must be between 1024 and 65535 (the app runs as a non-root user)"),
  healthPath: matching(/^\/[A-Za-z0-9._~/-]{0,100}$/, "must be a URL path such as /healthz (letters, digits, . _ ~ - /)"),
  packageManager: z.enum(PACKAGE_MANAGERS, { error: `must be one of ${PACKAGE_MANAGERS.join(", ")}` }),
  settingsModule: z.optional(matching(dottedPath, "must be a dotted Python module path such as shop.settings")),
  wsgiApp: z.optional(matching(appObject, "must be module:attribute, e.g. shop.wsgi:application")),
  asgiApp: z.optional(matching(appObject, "must be module:attribute, e.g. config.asgi:application")),
  celeryApp: z.optional(matching(dottedPath, "must be the dotted module of the Celery app, e.g. shop")),
  fastapiApp: z.optional(matching(appObject, "must be module:attribute, e.g. bot.api:api")),
  channelsWorkers: z._default(z.array(matching(/^[A-Za-z0-9_.-]{1,100}$/, "channel names are letters, digits, _ . -")).check(z.maxLength(10)), []),
  maxBodySize: z._default(matching(/^[1-9][0-9]{0,3}[km]$/, "must be a size such as 10m or 512k"), "10m"),
  backupRetentionDays: z._default(wholeNumber(1, 3650, "must be between 1 and 3650 days"), 14),
  backupKeep: z._default(wholeNumber(1, 1000, "must be between 1 and 1000 backups"), 30),
  gitRepo: z._default(
    matching(/^(https:\/\/[A-Za-z0-9.-]+\/|git@[A-Za-z0-9.-]+:)[A-Za-z0-9._\/-]+$/, "must be an https:// or git@ repository URL"),
    PLACEHOLDER_GIT_REPO,
  ),
  gitBranch: z._default(matching(/^[A-Za-z0-9._\/-]{1,100}$/, "must be a branch name (letters, digits, . _ / -)"), "main"),
  postgresVersion: z._default(z.enum(["14", "15", "16", "17"], { error: "must be 14, 15, 16 or 17" }), "17"),
});

export type Answers = z.infer<typeof answersSchema>;
export type AnswersInput = z.input<typeof answersSchema>;

/** What each answer means, for prod-kit.yaml's comments (every key has one: the type says so). */
export const ANSWER_HELP: Record<keyof Answers, string> = {
  platform: `Where it runs: ${PLATFORMS.join(" | ")}.`,
  stack: `What the app is: ${STACKS.join(" | ")}.`,
  name: "Service name: 2-40 lowercase letters, digits, dashes; names services, the database, containers.",
  domain: "Public host name, without scheme or path.",
  email: "Let's Encrypt account (vps).",
  python: "Python version of the image: 3.10 to 3.14, optionally with the patch.",
  port: "Port the web process listens on inside the container ($PORT).",
  healthPath: "Path the platform's health probe requests.",
  packageManager: `How the image installs dependencies: ${PACKAGE_MANAGERS.join(" | ")}.`,
  settingsModule: "Django: your settings module (the production settings import it).",
  wsgiApp: "Django + Celery: the WSGI application, module:attribute.",
  asgiApp: "Django Channels: the ASGI application, module:attribute.",
  celeryApp: "Django + Celery: the module holding the Celery app (celery --app ...).",
  fastapiApp: "FastAPI: the app object, module:attribute.",
  channelsWorkers: "Django Channels: channel names a `runworker` process serves (empty: no such process).",
  maxBodySize: "Largest request body nginx accepts (vps), e.g. 10m.",
  backupRetentionDays: "Backups older than this many days are deleted...",
  backupKeep: "...but the newest this many are always kept.",
  gitRepo: "Repository Easypanel builds from (https:// or git@).",
  gitBranch: "Branch Easypanel builds from.",
  postgresVersion: "PostgreSQL major version: 14 | 15 | 16 | 17.",
};

/** Options the user can pass on the command line, with their prompt text. */
export const COMMON_QUESTIONS = {
  platform: { flag: "--platform", message: "Where will it run?", choices: PLATFORMS },
  stack: { flag: "--stack", message: "Which stack is the app?", choices: STACKS },
  name: { flag: "--name", message: "Service name (lowercase, dashes)" },
  domain: { flag: "--domain", message: "Public domain (e.g. app.example.com)" },
  email: { flag: "--email", message: "Email for Let's Encrypt and alerts" },
  python: { flag: "--python", message: "Python version" },
} as const;
export type QuestionKey = keyof typeof COMMON_QUESTIONS;

export interface Issue {
  path: string;
  message: string;
}

export class AnswersError extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join("\n"));
  }
}

/** Parses raw answers; on failure throws AnswersError with one line per bad key. */
export function parseAnswers(raw: Record<string, unknown>): Answers {
  const result = answersSchema.safeParse(raw);
  if (result.success) return result.data;
  throw new AnswersError(
    result.error.issues.map((i) => ({
      path: i.path.join(".") || "(answers)",
      message: i.code === "invalid_type" && i.path.length === 1 && raw[String(i.path[0])] === undefined ? "is required" : i.message,
    })),
  );
}

/** Validates one field on its own (used by prompts to reject a bad value before moving on). */
export function checkField(key: keyof Answers, value: unknown): string | undefined {
  const field = answersSchema.shape[key];
  const result = field.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}
