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
  /** How a person runs the release step (the migrations) by hand, where that differs from oneOff. */
  runRelease?(release: string, plan: Plan): string;
  /** How logs of a process are read (plan for the platform's service names). */
  logs(process: string, plan: Plan): string;
  /** How long a stopping worker gets to finish its tasks (SIGTERM to SIGKILL), as a phrase. */
  workerShutdown?: string;
  /** The platform's own database backups, in one sentence. */
  backupNote: string;
  render(plan: Plan): GeneratedFile[];
}

/**
 * FORWARDED_ALLOW_IPS=* behind a platform's proxy. Acceptable because the app's port is not published
 * and the proxy overwrites X-Forwarded-Proto, but not because "only the proxy can reach the port":
 * `neighbours` can too. With *, Uvicorn takes the leftmost X-Forwarded-For entry as the client
 * (https://github.com/Kludex/uvicorn/blob/main/uvicorn/middleware/proxy_headers.py), which the client
 * writes. CIDR values: gunicorn 24.1.0, uvicorn 0.31.0 (their release notes).
 */
export function trustPlatformProxy(proxy: string, neighbours: string): EnvVar {
  return forwardedAllowIps(
    "*",
    `* because the port is not published to the internet and ${proxy} overwrites X-Forwarded-Proto; ${neighbours} can still reach the port. With *, Uvicorn takes the leftmost X-Forwarded-For entry as the client address, which a client can forge: never key rate limits or security decisions on it. Narrow this to the proxy's network once you know it (CIDR needs gunicorn >= 24.1 and uvicorn >= 0.31).`,
  );
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
