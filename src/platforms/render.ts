// Render: a Blueprint (render.yaml) with one Docker service per process, a Key Value instance and a
// PostgreSQL database, wired by fromDatabase/fromService; shared settings in an env group.
import type { EnvVar, Plan, Process } from "../plan.js";
import { appContext, commandLine } from "../plan.js";
import { yamlFile } from "../files/structured.js";
import { trustPlatformProxy, type PlatformModule } from "./platform.js";

const serviceName = (plan: Plan, process: string) => `${plan.name}-${process}`;

/** Where the lock disk of a singleton process is mounted; nothing is written there. */
export const singletonLockPath = (p: Process) => `/var/lib/${p.name}-lock`;

/** Seconds a worker gets between SIGTERM and SIGKILL to finish its running tasks. */
export const WORKER_SHUTDOWN_SECONDS = 120;

function envEntry(plan: Plan, v: EnvVar): Record<string, unknown> {
  switch (v.source.kind) {
    case "generated":
      // generateValue is "a base64-encoded 256-bit value": right for any random key, not for a
      // format it does not promise (Fernet) or a key someone must keep a copy of; those are asked for.
      return v.source.manual ? { key: v.name, sync: false } : { key: v.name, generateValue: true };
    case "user":
      // Asked for in the Dashboard when the Blueprint is created; never stored in the repo.
      return { key: v.name, sync: false };
    case "datastore":
      return v.source.store === "postgres"
        ? { key: v.name, fromDatabase: { name: `${plan.name}-db`, property: "connectionString" } }
        : { key: v.name, fromService: { type: "keyvalue", name: `${plan.name}-redis`, property: "connectionString" } };
    case "value":
      return { key: v.name, value: v.source.value };
  }
}

export const render: PlatformModule = {
  id: "render",
  title: "Render",
  envHint: "On Render these are set by render.yaml (the env group and each service); the ones marked sync: false are asked for once, when you apply the Blueprint.",
  // Any service of the workspace in the same region reaches the port: https://render.com/docs/private-network
  env: () => [trustPlatformProxy("Render's proxy", "other services in your Render workspace and region")],
  datastoreExample: (store) =>
    store === "postgres" ? "postgresql://USER:PASSWORD@dpg-xxxx-a:5432/NAME" : "redis://red-xxxx:6379",
  oneOff: (command) => `Open the web service's **Shell** tab in the Render Dashboard and run \`${command}\``,
  logs: (process, plan) => `the **Logs** tab of the \`${serviceName(plan, process)}\` service in the Render Dashboard`,
  workerShutdown: `${WORKER_SHUTDOWN_SECONDS} s (\`maxShutdownDelaySeconds\` in \`render.yaml\`; Render's default is 30 s, its maximum 300)`,
  // PITR windows and recovery into a new instance: https://render.com/docs/postgresql-backups
  backupNote:
    "Render PostgreSQL on a paid instance keeps point-in-time recovery for the past 3 days (Hobby workspace) or 7 days (Professional and up). A recovery creates a new database instance and leaves the current one as it is, so the data then has to be copied back or the services pointed at the new instance (the runbook's “Restoring through Render”). The scripts here add backups you own, kept as long as you choose and restorable anywhere.",
  render(plan) {
    // Values every process needs live in one env group: SECRET_KEY is generated once, and a
    // third-party key (sync: false) is asked for once, not once per service. Groups take plain
    // values, generateValue and sync: false, not fromDatabase/fromService (render.schema.json's
    // envVarGroup; https://render.com/docs/blueprint-spec), so datastore URLs stay per service.
    const shared = plan.env.filter((v) => !v.only && v.source.kind !== "datastore");
    const perService = (p: Process) => [
      ...plan.env.filter((v) => (v.only ? v.only.includes(p.kind) : v.source.kind === "datastore")).map((v) => envEntry(plan, v)),
      ...(p.kind === "web" ? [] : [{ key: "PROCESS_TYPE", value: p.name }]),
      { fromGroup: `${plan.name}-shared` },
    ];
    const release = plan.processes.find((p) => p.kind === "release");
    const services: Record<string, unknown>[] = [];
    for (const p of plan.processes) {
      if (p.kind === "release") continue;
      const service: Record<string, unknown> = {
        type: p.kind === "web" ? "web" : "worker",
        name: serviceName(plan, p.name),
        runtime: "docker",
        plan: "starter",
        dockerfilePath: `${appContext(plan)}/Dockerfile`,
        dockerContext: appContext(plan),
      };
      if (p.kind === "web") {
        service.healthCheckPath = plan.healthPath;
        // Runs once per deploy, after the build and before the new instances take traffic.
        if (release) service.preDeployCommand = commandLine(release.command);
        service.domains = [plan.domain];
      } else {
        service.dockerCommand = commandLine(p.command);
      }
      if (p.singleton) {
        service.numInstances = 1;
        // numInstances alone does not keep a scheduler single: zero-downtime deploys (and platform
        // maintenance) start the new instance before stopping the old one, so two beats overlap.
        // "Adding a disk to a service prevents zero-downtime deploys" (https://render.com/docs/disks):
        // the old instance stops before the new one starts, and a service with a disk cannot scale
        // past one instance. The disk holds nothing; it is the lock.
        service.disk = { name: `${serviceName(plan, p.name)}-lock`, mountPath: singletonLockPath(p), sizeGB: 1 };
      }
      // SIGTERM to SIGKILL: Render's default is 30 s, its maximum 300 (https://render.com/docs/blueprint-spec).
      if (p.kind === "worker") service.maxShutdownDelaySeconds = WORKER_SHUTDOWN_SECONDS;
      service.envVars = perService(p);
      services.push(service);
    }
    services.push({
      type: "keyvalue",
      name: `${plan.name}-redis`,
      plan: "starter",
      // Only services in this Render account may connect; nothing from the internet.
      ipAllowList: [],
      // A Celery broker or channel layer must never have its keys evicted.
      maxmemoryPolicy: "noeviction",
    });
    const blueprint = {
      services,
      databases: [
        {
          name: `${plan.name}-db`,
          databaseName: plan.dbName,
          user: plan.dbName,
          plan: "basic-256mb",
          postgresMajorVersion: plan.answers.postgresVersion,
          ipAllowList: [],
        },
      ],
      envVarGroups: [{ name: `${plan.name}-shared`, envVars: shared.map((v) => envEntry(plan, v)) }],
    };
    return [
      yamlFile(
        "render.yaml",
        blueprint,
        `Render Blueprint for ${plan.name} (${plan.stack}), generated by create-prod-kit.\nApply it in the Render Dashboard: New → Blueprint → this repository. See docs/RUNBOOK.md.`,
      ),
    ];
  },
};
