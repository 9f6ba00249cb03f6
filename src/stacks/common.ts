// Plan pieces every stack shares: the Python image, dependencies, and the env vars of any web app.
import type { Answers } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import type { EnvVar, Plan, Process } from "../plan.js";
import { missingPackages, pythonImage, type ProdPackage } from "./runtime-pins.js";

export function basePlan(
  answers: Answers,
  facts: RepoFacts,
  parts: Pick<Plan, "framework" | "server" | "processes" | "datastores" | "env" | "routes" | "healthPath"> & {
    packages: ProdPackage[];
    django?: Plan["django"];
  },
): Plan {
  return {
    stack: answers.stack,
    framework: parts.framework,
    appDir: facts.appDir,
    frontend: facts.frontend,
    name: answers.name,
    dbName: answers.name.replace(/-/g, "_"),
    domain: answers.domain,
    email: answers.email,
    port: answers.port,
    healthPath: parts.healthPath,
    python: pythonImage(answers.python),
    dependencies: {
      manager: answers.packageManager,
      lockfile: facts.lockfile,
      extra: missingPackages(parts.packages, facts.dependencies, facts.djangoBefore42),
      requirementFiles: facts.requirementFiles.length ? facts.requirementFiles : ["requirements.txt"],
      installsProject: facts.installsProject,
      buildsPsycopg2: facts.dependencies.has("psycopg2"),
    },
    server: parts.server,
    processes: parts.processes,
    datastores: parts.datastores,
    env: parts.env,
    routes: parts.routes,
    django: parts.django,
    answers,
  };
}

/** Gunicorn serving the app; ASGI apps run in Uvicorn workers (the `uvicorn-worker` package's). */
export function gunicornWeb(app: string, opts: { asgi: boolean; description: string }): Process {
  const workerClass = opts.asgi ? ["--worker-class", "uvicorn_worker.UvicornWorker"] : [];
  return {
    name: "web",
    kind: "web",
    command: ["gunicorn", "--config", "gunicorn.conf.py", ...workerClass, app],
    singleton: false,
    description: opts.description,
  };
}

export const databaseUrl: EnvVar = {
  name: "DATABASE_URL",
  description: "PostgreSQL connection URL (postgres://USER:PASSWORD@HOST:5432/NAME).",
  secret: true,
  source: { kind: "datastore", store: "postgres" },
};

export const redisUrl: EnvVar = {
  name: "REDIS_URL",
  description: "Redis URL; use rediss:// where the provider offers TLS (managed Redis outside a private network).",
  secret: true,
  source: { kind: "datastore", store: "redis" },
};

export const sentryDsn: EnvVar = {
  name: "SENTRY_DSN",
  description: "Sentry DSN; errors are reported only when it is set.",
  secret: true,
  source: { kind: "user", example: "" },
};

export const webConcurrency: EnvVar = {
  name: "WEB_CONCURRENCY",
  description: "Gunicorn worker processes per instance (about 2 per CPU; mind the memory).",
  secret: false,
  source: { kind: "value", value: "2" },
  only: ["web"],
};

export const logLevel: EnvVar = {
  name: "LOG_LEVEL",
  description: "Log level of the app and the web server (DEBUG, INFO, WARNING, ERROR).",
  secret: false,
  source: { kind: "value", value: "INFO" },
};

export function dependencyHas(facts: RepoFacts, name: string): boolean {
  return facts.dependencies.has(name);
}
