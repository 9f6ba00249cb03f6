// Easypanel: a template (easypanel/template.json) with one app service per process, all built from the
// repo's Dockerfile, plus postgres and redis services. Secrets are never in the file: Easypanel creates
// the database passwords, and the runbook says where to paste them.
import type { EnvVar, Plan, Process } from "../plan.js";
import { commandLine } from "../plan.js";
import { jsonFile } from "../files/structured.js";
import { trustPlatformProxy, type PlatformModule } from "./platform.js";

const DB = "db";
const REDIS = "redis";

function envLine(v: EnvVar): string[] {
  switch (v.source.kind) {
    case "value":
      return [`${v.name}=${v.source.value}`];
    case "generated":
      return [`# ${v.name}: ${v.source.command ? `generate it with ${v.source.command}` : "generate a random value"} and paste it here (never commit it)`, `${v.name}=`];
    case "user":
      return [`# ${v.name}: ${v.description}`, `${v.name}=${v.secret ? "" : v.source.example}`];
    case "datastore":
      return v.source.store === "postgres"
        ? [`# ${v.name}: paste the "${DB}" service's internal connection URL (Credentials tab)`, `${v.name}=`]
        : [`# ${v.name}: paste the "${REDIS}" service's internal connection URL (Credentials tab)`, `${v.name}=`];
  }
}

function appService(plan: Plan, p: Process): Record<string, unknown> {
  const env = plan.env.filter((v) => !v.only || v.only.includes(p.kind)).flatMap(envLine);
  if (p.kind !== "web") env.push(`PROCESS_TYPE=${p.name}`);
  // Easypanel has no release phase: a one-replica "release" service applies migrations once per
  // deploy of it and then idles, so web replicas never migrate concurrently.
  const command =
    p.kind === "release" ? `sh -c '${commandLine(p.command)} && exec sleep infinity'` : p.kind === "web" ? null : commandLine(p.command);
  const data: Record<string, unknown> = {
    serviceName: p.name,
    source: { type: "git", repo: plan.answers.gitRepo, ref: plan.answers.gitBranch, path: `/${plan.appDir}` },
    build: { type: "dockerfile", file: "Dockerfile" },
    env: env.join("\n"),
    deploy: {
      replicas: 1,
      command,
      // Zero-downtime deploys start the new container before stopping the old one: fine for web,
      // wrong for a scheduler (two beats) or a migration runner.
      zeroDowntime: !p.singleton,
    },
  };
  if (p.kind === "web") data.domains = [{ host: plan.domain, https: true, port: plan.port, path: "/" }];
  return { type: "app", data };
}

export const easypanel: PlatformModule = {
  id: "easypanel",
  title: "Easypanel",
  envHint: "On Easypanel each app service has an Environment tab; easypanel/template.json fills the non-secret ones.",
  env: () => [trustPlatformProxy("Easypanel's Traefik", "other containers on the server's Docker network")],
  datastoreExample: (store, plan) =>
    store === "postgres"
      ? `postgres://${plan.dbName}:PASSWORD@${plan.name}_${DB}:5432/${plan.dbName}`
      : `redis://default:PASSWORD@${plan.name}_${REDIS}:6379`,
  oneOff: (command) => `Open the \`web\` service's **Console** in Easypanel and run \`${command}\``,
  logs: (process) => `the **Logs** of the \`${process}\` service in Easypanel`,
  // Easypanel runs the services on Docker Swarm, whose default stop grace period is 10 s.
  workerShutdown: "10 s (Docker's default stop grace period)",
  backupNote:
    "Easypanel can schedule database backups to S3-compatible storage (db service → Backups); the scripts here add dumps you can verify and restore anywhere.",
  render(plan) {
    const services: Record<string, unknown>[] = plan.processes.map((p) => appService(plan, p));
    services.push(
      {
        type: "postgres",
        data: { serviceName: DB, databaseName: plan.dbName, user: plan.dbName, image: `postgres:${plan.answers.postgresVersion}` },
      },
      { type: "redis", data: { serviceName: REDIS, image: "redis:7" } },
    );
    return [jsonFile("easypanel/template.json", { services })];
  },
};
