// Railway: config as code, one file per service (railway.json for web, railway/<name>.json for each
// further process), all built from the repo's Dockerfile. Variables live in Railway, not in files.
import type { Plan, Process } from "../plan.js";
import { commandLine, inApp } from "../plan.js";
import { jsonFile } from "../files/structured.js";
import { trustPlatformProxy, type PlatformModule } from "./platform.js";

const SCHEMA = "https://railway.com/railway.schema.json";

/** Seconds a replaced deployment gets to finish its work: web requests, worker tasks. */
export const DRAINING_SECONDS: Partial<Record<Process["kind"], number>> = { web: 30, worker: 120 };

/** Where the beat service's volume is mounted: it stays empty, it only keeps deployments from overlapping. */
export const singletonVolumePath = (p: Process) => `/var/lib/${p.name}-lock`;

/**
 * Where a service's config file is, from the repository's top. In a monorepo the files sit in the
 * app's folder, which is each service's Root Directory (Railway reads the config path from the top).
 */
export function railwayConfigPath(plan: Pick<Plan, "appDir">, p: Process): string {
  return inApp(plan, p.kind === "web" ? "railway.json" : `railway/${p.name}.json`);
}

function config(plan: Plan, p: Process): Record<string, unknown> {
  const release = plan.processes.find((x) => x.kind === "release");
  const deploy: Record<string, unknown> = {};
  if (p.kind === "web") {
    // The web process is the image's CMD; migrations run once, before the new deployment starts.
    if (release) deploy.preDeployCommand = [commandLine(release.command)];
    deploy.healthcheckPath = plan.healthPath;
    deploy.healthcheckTimeout = 120;
  } else {
    deploy.startCommand = commandLine(p.command);
  }
  if (p.singleton) {
    // One replica, and no extra overlap. overlapSeconds: 0 does not stop the old deployment before
    // the new one starts: Railway sends it SIGTERM once the new one is active
    // (https://docs.railway.com/guides/deployment-teardown). Only a volume prevents two active
    // deployments (https://docs.railway.com/reference/volumes); config as code cannot declare one,
    // so the runbook's first deploy attaches it.
    deploy.numReplicas = 1;
    deploy.overlapSeconds = 0;
  }
  // SIGTERM to SIGKILL when a deployment is replaced: 0 s unless set
  // (https://docs.railway.com/deployments/reference#singleton-deploys). A number: a string fails
  // to parse (https://github.com/railwayapp/docs/issues/1243).
  const draining = DRAINING_SECONDS[p.kind];
  if (draining !== undefined) deploy.drainingSeconds = draining;
  deploy.restartPolicyType = "ON_FAILURE";
  deploy.restartPolicyMaxRetries = 10;
  return {
    $schema: SCHEMA,
    build: { builder: "DOCKERFILE", dockerfilePath: "Dockerfile" },
    deploy,
  };
}

export const railway: PlatformModule = {
  id: "railway",
  title: "Railway",
  // Shared variables and ${{shared.NAME}} references: https://docs.railway.com/variables#shared-variables
  envHint:
    "On Railway the common ones are shared variables (Project Settings → Shared Variables), referenced in each service as ${{shared.NAME}}; DATABASE_URL=${{Postgres.DATABASE_URL}} and REDIS_URL=${{Redis.REDIS_URL}} are references too.",
  env: () => [trustPlatformProxy("Railway's proxy", "other services in the project, over its private network")],
  datastoreExample: (store) => (store === "postgres" ? "${{Postgres.DATABASE_URL}}" : "${{Redis.REDIS_URL}}"),
  // `railway run` would run on this machine, where the private *.railway.internal hosts do not resolve.
  oneOff: (command) => `\`railway ssh --service web -- ${command}\``,
  logs: (process) => `\`railway logs --service ${process}\``,
  workerShutdown: `${DRAINING_SECONDS.worker} s (\`drainingSeconds\` in the worker's config file; Railway's default is 0 s)`,
  // Retention and restore: https://docs.railway.com/volumes/backups
  backupNote:
    "Railway backs up the Postgres volume on the schedules you turn on (Postgres service → Backups): daily backups are kept 6 days, weekly ones 1 month, monthly ones 3 months. A restore stages a new volume in place of the current one, which takes effect when you deploy it (the runbook's “Restoring through Railway”). The scripts here add dumps you own, kept as long as you choose and restorable anywhere.",
  render(plan) {
    return plan.processes.filter((p) => p.kind !== "release").map((p) => jsonFile(railwayConfigPath(plan, p), config(plan, p)));
  },
};
