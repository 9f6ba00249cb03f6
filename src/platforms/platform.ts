// What a platform module provides: how it runs the Plan, as files, plus the facts the shared files
// (env example, runbook, checklist) need to speak about it.
import type { PlatformId } from "../answers.js";
import type { GeneratedFile } from "../files/generated-file.js";
import type { EnvVar, Plan } from "../plan.js";

export interface PlatformModule {
  id: PlatformId;
  title: string;
  /** Env vars this platform adds to every Plan (e.g. the proxy trust, datastore passwords). */
  env(plan: Plan): EnvVar[];
  /** Example value of a datastore URL on this platform, for the env example. */
  datastoreExample(store: "postgres" | "redis", plan: Plan): string;
  /** One line for the env example: where these values are set on this platform. */
  envHint: string;
  /** How a person runs a one-off command (e.g. a migration) in production. */
  oneOff(command: string, plan: Plan): string;
  /** How logs of a process are read (plan for the platform's service names). */
  logs(process: string, plan: Plan): string;
  /** The platform's own database backups, in one sentence. */
  backupNote: string;
  render(plan: Plan): GeneratedFile[];
}

export function forwardedAllowIps(value: string, why: string): EnvVar {
  return {
    name: "FORWARDED_ALLOW_IPS",
    description: `Addresses whose X-Forwarded-* headers the app server trusts: ${why}`,
    secret: false,
    source: { kind: "value", value },
    only: ["web"],
  };
}
