// The platform-neutral description of a deployment. Stacks build it from the answers; platforms
// render it. Nothing platform-specific belongs here, and nothing stack-specific belongs in platforms.
import type { Answers, PackageManager, StackId } from "./answers.js";

export type ProcessKind = "web" | "worker" | "scheduler" | "release";

export interface Process {
  /** Service name suffix: web, worker, beat, release, channels. */
  name: string;
  kind: ProcessKind;
  /** argv; every element is validated input or a constant, so joining with spaces is shell-safe. */
  command: string[];
  /** A scheduler must never run twice (duplicate jobs); platforms pin it to one instance. */
  singleton: boolean;
  description: string;
}

export type Datastore = "postgres" | "redis";

/** How a generated secret looks: what the code reading it accepts. */
export type SecretFormat =
  /** 64 URL-safe characters: Django's SECRET_KEY (50+ characters), JWT signing keys. */
  | "token"
  /** Letters and digits only: it goes into a URL (postgres://user:PASSWORD@...). */
  | "password"
  /** 32 random bytes, URL-safe base64: what cryptography.fernet.Fernet takes. */
  | "fernet";

export type EnvSource =
  /**
   * A random secret, in the format its reader takes. `command` prints a valid one (for the docs);
   * `manual`: a person generates it and keeps a copy, never a platform's generator (a format the
   * generator does not promise, or a key whose loss loses data).
   */
  | { kind: "generated"; format?: SecretFormat; command?: string; manual?: boolean }
  | { kind: "user"; example: string }
  | { kind: "datastore"; store: Datastore }
  | { kind: "value"; value: string };

export interface EnvVar {
  name: string;
  description: string;
  secret: boolean;
  source: EnvSource;
  /** Which processes need it; all when omitted. */
  only?: ProcessKind[];
}

export interface DjangoPlan {
  /** The user's settings module, e.g. shop.settings. */
  baseSettings: string;
  /** The generated production settings module, e.g. shop.settings_production. */
  productionSettings: string;
  /** File path of the generated production settings module. */
  productionSettingsPath: string;
  /** Module of the generated health-check middleware. */
  healthMiddleware: string;
  healthMiddlewarePath: string;
  celery: boolean;
  channels: boolean;
  djangoCeleryBeat: boolean;
  /** The env var the production settings make djangorestframework-simplejwt sign with, when the app's own settings read none. */
  jwtSigningKey?: string;
}

/** A third-party service the app uses (detected), whose variables are in `Plan.env`. */
export interface PlanIntegration {
  /** Its module under src/integrations/. */
  id: string;
  title: string;
  /** The dependency that brought it, if any. */
  package?: string;
  /** file:line where the code shows it (an import, or the first read of one of its variables). */
  at?: string;
  /** Its variables as this app names them, with the kit's name for each and where the code reads it. */
  env: { name: string; standard?: string; readAt?: string }[];
  /** The route receiving its webhook, when the code has one. */
  webhook?: { path: string; at: string; complete: boolean };
  /** The stack's own sections of the docs cover it (Chatwoot and OpenAI in fastapi-chatwoot). */
  builtIn: boolean;
}

export interface Plan {
  stack: StackId;
  framework: "django" | "fastapi";
  /** Where the app lives in the repository ("" at its top; "backend" in a monorepo): the image's build context. */
  appDir: string;
  /** A JavaScript front end beside the app, which the kit does not build or deploy. */
  frontend?: { dir: string; build: string };
  name: string;
  /** name with dashes turned into underscores (database and user names). */
  dbName: string;
  domain: string;
  email: string;
  port: number;
  healthPath: string;
  python: { version: string; image: string };
  dependencies: {
    manager: PackageManager;
    lockfile: boolean;
    /** Pinned requirements the kit needs that the app's own dependency file lacks. */
    extra: string[];
    /** pip: requirements.txt and the files it includes, copied before installing. */
    requirementFiles: string[];
    /** The requirements install the project itself: the builder needs the whole source. */
    installsProject: boolean;
    /** psycopg2 from source needs a compiler and libpq headers to build, and libpq to run. */
    buildsPsycopg2: boolean;
  };
  /** ASGI (websocket-capable) or WSGI web server. */
  server: { app: string; asgi: boolean };
  processes: Process[];
  datastores: Datastore[];
  env: EnvVar[];
  /** Third-party services detected in the app; their variables are in `env`. */
  integrations: PlanIntegration[];
  routes: {
    /** URL prefix of collected static files, served by WhiteNoise (behind nginx on VPS, which passes its cache headers on). */
    static?: string;
    websockets: string[];
    /** The Chatwoot webhook path, for the runbook. */
    webhook?: string;
  };
  django?: DjangoPlan;
  answers: Answers;
}

export const commandLine = (argv: string[]): string => argv.join(" ");

/** A path inside the app's folder, as seen from the repository's top. */
export const inApp = (plan: Pick<Plan, "appDir">, path: string): string => (plan.appDir ? `${plan.appDir}/${path}` : path);

/** The app's folder as a relative path for build contexts: "." or "./backend". */
export const appContext = (plan: Pick<Plan, "appDir">): string => (plan.appDir ? `./${plan.appDir}` : ".");

export function processesOf(plan: Plan, kind: ProcessKind): Process[] {
  return plan.processes.filter((p) => p.kind === kind);
}

export function webProcess(plan: Plan): Process {
  const web = plan.processes.find((p) => p.kind === "web");
  if (!web) throw new Error("a plan always has a web process");
  return web;
}
