// Plan pieces every stack shares: the Python image, dependencies, and the env vars of any web app.
import type { Answers } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import { integrationSpec } from "../integrations/index.js";
import type { EnvVar, Plan, PlanIntegration, Process } from "../plan.js";
import { missingPackages, pythonImage, type ProdPackage } from "./runtime-pins.js";

export function basePlan(
  answers: Answers,
  facts: RepoFacts,
  parts: Pick<Plan, "framework" | "server" | "processes" | "datastores" | "env" | "integrations" | "routes" | "healthPath"> & {
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
    integrations: parts.integrations,
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

/** A variable of an integration that the kit has no description for: one the app's code reads. */
const SECRET_NAME = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|CREDENTIAL|API_KEY|_KEY$|_DSN$/;
const PUBLIC_NAME = /PUBLIC|PUBLISHABLE/;

/**
 * The stack's env plus the variables of the integrations detected in the app (src/integrations/),
 * each name once: a variable the stack already lists is not added again, and one the app's code
 * reads under another name takes the code's name. `builtIn`: integrations the stack's own docs cover.
 */
export function withIntegrations(env: EnvVar[], facts: RepoFacts, builtIn: string[] = []): Pick<Plan, "env" | "integrations"> {
  const out = [...env];
  const integrations: PlanIntegration[] = [];
  for (const found of facts.integrations) {
    const spec = integrationSpec(found.id);
    const vars = spec.vars(facts.dependencies);
    for (const dv of found.envVars) {
      if (out.some((v) => v.name === dv.name)) continue;
      const standard = out.findIndex((v) => v.name === dv.standard);
      if (standard >= 0) {
        out[standard] = { ...out[standard]!, name: dv.name, description: `${out[standard]!.description} Read in ${dv.readAt}.` };
        continue;
      }
      const v = vars.find((x) => x.name === dv.standard);
      const where = dv.readAt ? ` Read in ${dv.readAt}.` : v?.libraryReads ? " The library reads it from the environment." : "";
      out.push(
        v
          ? { name: dv.name, description: `${v.description}${where}`, secret: v.secret, source: v.source }
          : {
              name: dv.name,
              description: `${spec.title}: a variable your code reads.${where}`,
              secret: SECRET_NAME.test(dv.name) && !PUBLIC_NAME.test(dv.name),
              source: { kind: "user", example: "" },
            },
      );
    }
    integrations.push({
      id: spec.id,
      title: spec.title,
      package: found.package,
      at: found.at,
      env: found.envVars,
      webhook: found.webhook,
      builtIn: builtIn.includes(spec.id),
    });
  }
  return { env: out, integrations };
}
