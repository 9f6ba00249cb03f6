// Render, Railway and Easypanel kits run for real, without the platforms: a harness reads the
// generated render.yaml / railway files / easypanel/template.json, wires each service's environment
// the way the platform does (Render's fromDatabase, fromService, generateValue, sync: false and env
// groups; Railway's shared variables and ${{Postgres.DATABASE_URL}}-style references, pasted as its
// runbook says; Easypanel's env text with the datastores' internal URLs pasted in), runs the
// pre-deploy (release) command against a real PostgreSQL, starts every service with its command
// (or the image's CMD), hits the platform's health check and keeps the workers running. Datastores
// get the host names the platforms give them, answered by the DNS stand-in.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { parse } from "yaml";
import type { PlatformId } from "../../src/answers.js";
import type { Kit } from "./kit.js";
import {
  HELPERS, LiveNamespace, PYTHON, TEST_VALUES, alnum, baseEnv, dockerfileRuntime, splitCommand, token, waitFor, type Env, type LiveProcess,
} from "./live.js";
import { mountPreamble } from "./nginx.js";
import type { ProbeResponse } from "./live-vps.js";

export interface PlatformService {
  name: string;
  kind: "web" | "worker" | "release";
  env: Env;
  /** Commands run once before the service starts (Render's preDeployCommand, Railway's preDeployCommand). */
  preDeploy: string[][];
  /** argv the platform starts (its start command split as exec form, or the image's CMD). */
  start: string[];
  /** The platform's health check of a web service: path, and the Host header its prober sends. */
  health?: { path: string; host: string };
}

export interface Datastores {
  postgres: { host: string; user: string; password: string; database: string; url: string };
  redis: { host: string; password?: string; url: string };
}

/** A value for a variable the platform asks the user for (sync: false, an empty env line). */
export function userValue(name: string): string {
  if (name in TEST_VALUES) return TEST_VALUES[name]!;
  if (/_ID$/.test(name)) return "1";
  if (/_URL$/.test(name)) return "https://chatwoot.example.test";
  if (/KEY|TOKEN|SECRET|PASSWORD/.test(name)) return token();
  return `test-${name.toLowerCase()}`;
}

/** The fenced code block that follows `marker` in a Markdown text: its KEY=VALUE lines. */
function codeBlockAfter(markdown: string, marker: string): Env {
  const at = markdown.indexOf(marker);
  expect(at, `the runbook has "${marker}"`).toBeGreaterThan(-1);
  const block = /```\w*\n([\s\S]*?)```/.exec(markdown.slice(at))![1]!;
  return Object.fromEntries(
    block
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => /^[A-Z][A-Z0-9_]*=/.test(l))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
}

/** What the platform's files say to run, with every variable wired as the platform would. */
export function platformServices(platform: Exclude<PlatformId, "vps">, kit: Kit): { services: PlatformService[]; stores: Datastores } {
  const image = dockerfileRuntime(kit.read("Dockerfile"));
  const { plan } = kit;
  if (platform === "render") {
    const doc = parse(kit.read("render.yaml")) as Record<string, any>;
    const db = doc.databases[0];
    const postgres = { host: "dpg-live0000000000000000-a", user: db.user, password: alnum(), database: db.databaseName };
    // Render's internal URLs: postgresql://USER:PASSWORD@dpg-...-a/DATABASE (no port), and a Key
    // Value reachable only from the private network, without a password.
    const stores: Datastores = {
      postgres: { ...postgres, url: `postgresql://${postgres.user}:${postgres.password}@${postgres.host}/${postgres.database}` },
      redis: { host: "red-live0000000000000000", url: "redis://red-live0000000000000000:6379" },
    };
    const groups = new Map<string, Record<string, any>[]>((doc.envVarGroups ?? []).map((g: any) => [g.name, g.envVars]));
    // A generated value is made once per variable of a group (all services see the same one).
    const generated = new Map<string, string>();
    const resolve = (vars: Record<string, any>[], owner: string): Env => {
      const env: Env = {};
      for (const v of vars) {
        if (v.fromGroup) Object.assign(env, resolve(groups.get(v.fromGroup)!, v.fromGroup));
        else if ("value" in v) env[v.key] = String(v.value);
        else if (v.fromDatabase) {
          expect(v.fromDatabase).toEqual({ name: db.name, property: "connectionString" });
          env[v.key] = stores.postgres.url;
        } else if (v.fromService) {
          const kv = doc.services.find((s: any) => s.name === v.fromService.name);
          expect(kv?.type, `${v.key} comes from a service in render.yaml`).toBe(v.fromService.type);
          expect(v.fromService).toMatchObject({ type: "keyvalue", property: "connectionString" });
          env[v.key] = stores.redis.url;
        } else if (v.generateValue) {
          // "a random, base64-encoded, 256-bit value"
          const key = `${owner}/${v.key}`;
          if (!generated.has(key)) generated.set(key, randomBytes(32).toString("base64"));
          env[v.key] = generated.get(key)!;
        } else if (v.sync === false) env[v.key] = userValue(v.key);
        else throw new Error(`render.yaml: an env var the harness does not know: ${JSON.stringify(v)}`);
      }
      return env;
    };
    const services = (doc.services as Record<string, any>[])
      .filter((s) => s.type !== "keyvalue")
      .map((s): PlatformService => {
        expect(s.runtime).toBe("docker");
        const web = s.type === "web";
        // Render sets PORT (default 10000) and RENDER_EXTERNAL_HOSTNAME for web services.
        const platformEnv: Env = web ? { PORT: "10000", RENDER: "true", RENDER_EXTERNAL_HOSTNAME: `${s.name}.onrender.com` } : { RENDER: "true" };
        return {
          name: s.name,
          kind: web ? "web" : "worker",
          env: { ...platformEnv, ...resolve(s.envVars ?? [], s.name) },
          preDeploy: s.preDeployCommand ? [splitCommand(s.preDeployCommand)] : [],
          start: s.dockerCommand ? splitCommand(s.dockerCommand) : image.cmd,
          health: web ? { path: s.healthCheckPath, host: `10.201.33.4:10000` } : undefined,
        };
      });
    return { services, stores };
  }

  if (platform === "railway") {
    const password = alnum();
    const redisPassword = alnum();
    // Railway's private URLs (the Postgres and Redis templates' DATABASE_URL and REDIS_URL).
    const stores: Datastores = {
      postgres: { host: "postgres.railway.internal", user: "postgres", password, database: "railway", url: `postgresql://postgres:${password}@postgres.railway.internal:5432/railway` },
      redis: { host: "redis.railway.internal", password: redisPassword, url: `redis://default:${redisPassword}@redis.railway.internal:6379` },
    };
    // The runbook's First deploy: shared variables, each service's references, web's own values.
    const runbook = kit.read("docs/RUNBOOK.md");
    const shared = codeBlockAfter(runbook, "Shared Variables**, one per line below");
    for (const [k, v] of Object.entries(shared)) if (v === "") shared[k] = k === "SECRET_KEY" ? token() : userValue(k);
    const references = codeBlockAfter(runbook, "**Raw Editor**, paste the references");
    const webOwn = codeBlockAfter(runbook, "`web` also gets its own values");
    const providers: Record<string, Env> = { shared, Postgres: { DATABASE_URL: stores.postgres.url }, Redis: { REDIS_URL: stores.redis.url } };
    const resolve = (vars: Env): Env =>
      Object.fromEntries(
        Object.entries(vars).map(([k, v]) => [
          k,
          v.replace(/\$\{\{(\w+)\.(\w+)\}\}/g, (_, service: string, name: string) => {
            const value = providers[service]?.[name];
            if (value === undefined) throw new Error(`${k}=${v}: Railway has no ${service}.${name}`);
            return value;
          }),
        ]),
      );
    const configs: [string, string][] = [["web", "railway.json"], ...kit.files.filter((f) => /^railway\/[\w-]+\.json$/.test(f.path)).map((f) => [f.path.slice(8, -5), f.path] as [string, string])];
    const services = configs.map(([name, path]): PlatformService => {
      const deploy = JSON.parse(kit.read(path)).deploy as Record<string, any>;
      const web = name === "web";
      // Railway injects PORT, and the public domain's name.
      const platformEnv: Env = { PORT: "8080", RAILWAY_ENVIRONMENT_NAME: "production", ...(web ? { RAILWAY_PUBLIC_DOMAIN: `${plan.name}-production.up.railway.app` } : {}) };
      return {
        name,
        kind: web ? "web" : "worker",
        env: { ...platformEnv, ...resolve(references), ...(web ? webOwn : {}) },
        preDeploy: (deploy.preDeployCommand ?? []).map((c: string) => splitCommand(c)),
        start: deploy.startCommand ? splitCommand(deploy.startCommand) : image.cmd,
        // Railway's health check comes from healthcheck.railway.app.
        health: web ? { path: deploy.healthcheckPath, host: "healthcheck.railway.app" } : undefined,
      };
    });
    return { services, stores };
  }

  // Easypanel: the project is named after the app; services reach each other as PROJECT_SERVICE.
  const template = JSON.parse(kit.read("easypanel/template.json")) as { services: { type: string; data: Record<string, any> }[] };
  const pg = template.services.find((s) => s.type === "postgres")!.data;
  const redis = template.services.find((s) => s.type === "redis")!.data;
  const password = alnum();
  const redisPassword = alnum();
  const postgres = { host: `${plan.name}_${pg.serviceName}`, user: pg.user ?? "postgres", password, database: pg.databaseName ?? plan.name };
  const stores: Datastores = {
    postgres: { ...postgres, url: `postgres://${postgres.user}:${password}@${postgres.host}:5432/${postgres.database}` },
    redis: { host: `${plan.name}_${redis.serviceName}`, password: redisPassword, url: `redis://default:${redisPassword}@${plan.name}_${redis.serviceName}:6379` },
  };
  const secret = token();
  const services = template.services
    .filter((s) => s.type === "app")
    .map((s): PlatformService => {
      const env: Env = {};
      for (const line of String(s.data.env).split("\n")) {
        const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        if (!m) continue;
        const [, k, v] = m as unknown as [string, string, string];
        // What the runbook says to paste: the datastores' internal URLs, one SECRET_KEY everywhere.
        env[k] = v !== "" ? v : k === "DATABASE_URL" ? stores.postgres.url : k === "REDIS_URL" ? stores.redis.url : k === "SECRET_KEY" ? secret : userValue(k);
      }
      const command = s.data.deploy?.command as string | null;
      const web = (s.data.domains ?? []).length > 0;
      return {
        name: s.data.serviceName,
        kind: web ? "web" : /migrate|alembic/.test(command ?? "") ? "release" : "worker",
        env,
        preDeploy: [],
        start: command ? splitCommand(command) : image.cmd,
        // Easypanel (Docker Swarm) runs the image's HEALTHCHECK; its domain sends traffic to this port.
        health: web ? { path: kit.plan.healthPath, host: plan.domain } : undefined,
      };
    });
  return { services, stores };
}

/** An argv as a shell would take it back. */
const shown = (argv: string[]): string => argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(" ");

/**
 * Runs the platform's services in a private network namespace: PostgreSQL and Redis under the
 * platform's host names, the pre-deploy commands, then every service; checks the web's health
 * check and that workers (and a release service that sleeps after migrating) stay up.
 */
export async function runPlatform(platform: Exclude<PlatformId, "vps">, kit: Kit, opts: { upMs?: number } = {}): Promise<string[]> {
  const { services, stores } = platformServices(platform, kit);
  const { plan } = kit;
  const image = dockerfileRuntime(kit.read("Dockerfile"));
  const dir = mkdtempSync(join(tmpdir(), `live-${platform}-`));
  const box = { dir, preamble: mountPreamble(dir, []), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  const names = { [stores.postgres.host]: ["127.0.0.1"], [stores.redis.host]: ["127.0.0.1"] };
  let ns: LiveNamespace;
  try {
    ns = await LiveNamespace.start(box, names, [kit.dir]);
  } catch (error) {
    box.cleanup();
    throw error;
  }
  const proved: string[] = [];
  try {
    ns.startPostgres({ port: 5432, user: stores.postgres.user, password: stores.postgres.password, database: stores.postgres.database });
    const redisArgs = ["redis-server", "--bind", "127.0.0.1", "--port", "6379", "--save", "", "--appendonly", "no", ...(stores.redis.password ? ["--requirepass", stores.redis.password] : [])];
    ns.start("redis", redisArgs, { cwd: ns.dir });
    await waitFor("redis", () => ns.run(["redis-cli", ...(stores.redis.password ? ["--user", "default", "--pass", stores.redis.password, "--no-auth-warning"] : []), "ping"]).stdout.includes("PONG"), 10_000);
    const appDir = join(kit.dir, kit.plan.appDir);
    const { PATH: _path, ...imageEnv } = image.env;
    const envOf = (s: PlatformService): Env => ({ ...baseEnv(ns.dir), ...imageEnv, ...s.env });

    // Pre-deploy commands, before the new version starts (Render, Railway).
    for (const s of services) {
      for (const command of s.preDeploy) {
        const r = ns.run(command, { env: envOf(s), cwd: appDir, user: "app", timeoutMs: 60_000 });
        expect(r.status, `${s.name} pre-deploy ${command.join(" ")}:\n${r.stdout}${r.stderr}`).toBe(0);
        proved.push(`pre-deploy \`${shown(command)}\` ok`);
      }
    }
    const migrated = () => Number(ns.psql({ port: 5432, user: stores.postgres.user, password: stores.postgres.password }, stores.postgres.database,
      "SELECT CASE WHEN to_regclass('django_migrations') IS NULL THEN 0 ELSE (SELECT count(*) FROM django_migrations) END"));
    // A release service (Easypanel) migrates, then sleeps: the rest starts once it has migrated.
    const started = new Map<string, LiveProcess>();
    for (const s of services.filter((x) => x.kind === "release")) {
      started.set(s.name, ns.start(s.name, s.start, { env: envOf(s), cwd: appDir }));
      // Its shell execs `sleep infinity` once the migration succeeded.
      await waitFor(`${s.name} to migrate`, () => ns.commandLines().some((c) => c.join(" ") === "sleep infinity"), 60_000, () => ns.logs());
      proved.push(`${s.name} service \`${shown(s.start)}\` migrated, then sleeps`);
    }
    if (kit.plan.framework === "django") expect(migrated(), "the migrations ran before the app started").toBeGreaterThan(10);
    const t0 = Date.now();
    for (const s of services.filter((x) => x.kind !== "release")) started.set(s.name, ns.start(s.name, s.start, { env: envOf(s), cwd: appDir }));

    for (const s of services.filter((x) => x.kind === "web")) {
      const port = Number(envOf(s).PORT);
      const ready = ns.run([PYTHON, join(HELPERS, "live-probe.py"), "wait-tcp", "127.0.0.1", String(port), "30"], { timeoutMs: 40_000 });
      expect(ready.status, `${s.name} never listened on $PORT=${port}\n${ns.logs()}`).toBe(0);
      // The platform's prober: plain HTTP to the instance's port, with its own Host header. Then
      // requests as the platform's proxy forwards them (X-Forwarded-Proto https) for the public
      // host names the app must accept (the domain; the platform's own, from the variable it
      // sets), and for one it must refuse.
      const env = envOf(s);
      const publicHosts = [plan.domain, env.RENDER_EXTERNAL_HOSTNAME, env.RAILWAY_PUBLIC_DOMAIN].filter((h): h is string => Boolean(h));
      const viaProxy = (host: string) => ({ url: `http://${host}/`, connect: `127.0.0.1:${port}`, headers: { "X-Forwarded-Proto": "https" } });
      const cfg = join(ns.dir, `health-${s.name}.json`);
      writeFileSync(
        cfg,
        JSON.stringify({
          requests: [
            { name: "health", url: `http://${s.health!.host}${s.health!.path}`, connect: `127.0.0.1:${port}` },
            ...publicHosts.map((host) => ({ name: host, ...viaProxy(host) })),
            { name: "foreign", ...viaProxy("evil.example.net") },
          ],
        }),
      );
      const r = ns.run([PYTHON, join(HELPERS, "live-probe.py"), "requests", cfg]);
      const results = JSON.parse(r.stdout) as Record<string, ProbeResponse>;
      const health = results.health!;
      expect(health.status, `${s.name} ${s.health!.path}: ${JSON.stringify(health)}\n${ns.logs()}`).toBe(200);
      proved.push(`${s.name} (\`${shown(s.start)}\`) on $PORT ${port}: ${s.health!.path} 200 for Host ${s.health!.host}`);
      if (plan.framework === "django") {
        // Django answers 400 for a host outside ALLOWED_HOSTS; these reach the app's URLs (404 here).
        for (const host of publicHosts) expect(results[host]!.status, `${host}: ${results[host]!.body}`).toBe(404);
        expect(results.foreign!.status).toBe(400);
        proved.push(`ALLOWED_HOSTS accepts ${publicHosts.join(", ")} and refuses others`);
      }
      if (platform === "easypanel") {
        // Swarm's health check is the image's HEALTHCHECK, run in the container.
        const hc = ns.run(image.healthcheck, { env: envOf(s), cwd: appDir, user: "app" });
        expect(hc.status, `HEALTHCHECK: ${hc.stderr}`).toBe(0);
        proved.push("the image's HEALTHCHECK passes");
      }
    }
    // Workers: ready, and still running a while later (a crash loop would have exited).
    for (const s of services.filter((x) => x.kind === "worker")) {
      if (s.start.includes("worker")) await waitFor(`${s.name} to be ready`, () => / ready\.$/m.test(ns.log(s.name)), 30_000, () => ns.logs());
      if (s.start.includes("beat")) await waitFor(`${s.name} to start`, () => /beat: Starting\.\.\./.test(ns.log(s.name)), 30_000, () => ns.logs());
    }
    const others = services.filter((x) => x.kind !== "web");
    const wait = (opts.upMs ?? 3000) - (Date.now() - t0);
    if (others.length && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (const [name, p] of started) expect(p.exited, `${name} exited:\n${ns.logs()}`).toBe(false);
    if (others.length) proved.push(`${others.map((s) => `${s.name} (\`${shown(s.start)}\`)`).join(", ")} up ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return proved;
  } finally {
    ns.stop();
  }
}
