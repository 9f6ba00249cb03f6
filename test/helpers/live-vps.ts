// A VPS kit run for real, without Docker: the compose file's services started with the commands it
// gives them (the image's CMD for web, from the Dockerfile), their environment as compose builds
// it (the Dockerfile's ENV, then .env.production, then the service's `environment` interpolated from
// .env.production), PostgreSQL and Redis as the compose file configures them, collectstatic as the
// Dockerfile's build step runs it, and the generated nginx/nginx.conf in front, all in one private
// network namespace where the compose service names resolve through a stand-in for Docker's DNS.
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { healthcheckShell } from "./healthchecks.js";
import type { Kit } from "./kit.js";
import {
  HELPERS, LiveNamespace, PYTHON, alnum, baseEnv, dockerfileRuntime, envExampleEntries, fillEnv, interpolate, readYaml11, waitFor,
  type Env, type LiveProcess, type RunResult,
} from "./live.js";
import { ACME_CONTENT, ACME_TOKEN, STATIC_CACHE_CONTROL, sandbox, sizeBytes } from "./nginx.js";

export type ProbeRequest = {
  name: string;
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  connect?: string;
  raw?: string;
};
export type ProbeResponse = {
  error?: string;
  status?: number;
  headers?: [string, string][];
  body?: string;
  length?: number;
  raw_length?: number;
  closed_without_response?: boolean;
};

/** Every value of a header (case-insensitive). */
export const header = (r: ProbeResponse | undefined, name: string): string[] =>
  (r?.headers ?? []).filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

export interface VpsLiveOptions {
  /** Addresses `web` resolves to, one web instance on each (two: the service scaled to two). */
  webAddresses?: string[];
  /** Values for .env.production beyond the generated and example ones (CHATWOOT_URL, say). */
  env?: Env;
  /** More names for the DNS stand-in (fake outside services). */
  names?: Record<string, string[]>;
}

export class VpsLive {
  readonly compose: Record<string, any>;
  readonly image: ReturnType<typeof dockerfileRuntime>;
  /** .env.production as written: every variable of the example, filled. */
  readonly envFile: Env;
  readonly appDir: string;
  readonly webAddresses: string[];
  readonly webs: LiveProcess[] = [];

  private constructor(
    readonly kit: Kit,
    readonly ns: LiveNamespace,
    envFile: Env,
    webAddresses: string[],
  ) {
    this.compose = readYaml11(kit.read("docker-compose.prod.yml"));
    this.image = dockerfileRuntime(kit.read("Dockerfile"));
    this.envFile = envFile;
    this.appDir = join(kit.dir, kit.plan.appDir);
    this.webAddresses = webAddresses;
  }

  get domain(): string {
    return this.kit.plan.domain;
  }

  /** The port nginx sends requests to (`set $app_upstream http://web:PORT`). */
  get upstreamPort(): number {
    return Number(/set \$app_upstream http:\/\/web:(\d+);/.exec(this.kit.read("nginx/nginx.conf"))![1]);
  }

  /** The environment of a compose service's container. */
  serviceEnv(service: string): Env {
    const { PATH: _path, ...imageEnv } = this.image.env;
    const s = this.compose.services[service];
    const environment = Object.fromEntries(Object.entries((s.environment ?? {}) as Record<string, string>).map(([k, v]) => [k, interpolate(String(v), this.envFile)]));
    const envFile = (s.env_file ?? []).length ? this.envFile : {};
    return { ...baseEnv(this.ns.dir), ...imageEnv, ...envFile, ...environment };
  }

  /** The service's command: its compose `command` (compose's $$ unescaped), or the image's CMD. */
  command(service: string): string[] {
    const command = this.compose.services[service].command as string[] | undefined;
    return command ? command.map((arg) => interpolate(arg, this.envFile)) : this.image.cmd;
  }

  /** Starts a compose app service (as the image's unprivileged user, in the app's folder). */
  startService(service: string, opts: { name?: string; env?: Env } = {}): LiveProcess {
    return this.ns.start(opts.name ?? service, this.command(service), { env: { ...this.serviceEnv(service), ...opts.env }, cwd: this.appDir });
  }

  /** Runs a one-off command in a service's container (`docker compose run --rm SERVICE ...`). */
  runIn(service: string, command: string[], opts: { env?: Env; input?: string } = {}): RunResult {
    return this.ns.run(command, { env: { ...this.serviceEnv(service), ...opts.env }, cwd: this.appDir, user: "app", input: opts.input, timeoutMs: 60_000 });
  }

  /** Sends the requests from inside the namespace; results by name. */
  probe(requests: ProbeRequest[]): Record<string, ProbeResponse> {
    const path = join(this.ns.dir, `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify({ requests }));
    const r = this.ns.run([PYTHON, join(HELPERS, "live-probe.py"), "requests", path], { timeoutMs: 60_000 });
    if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}\n${this.ns.logs()}`);
    return JSON.parse(r.stdout) as Record<string, ProbeResponse>;
  }

  /** redis-cli against the compose Redis, authenticated as its health check is (REDISCLI_AUTH). */
  redis(args: string[]): string {
    const r = this.ns.run(["redis-cli", "--raw", ...args], { env: { PATH: "/usr/bin:/bin", REDISCLI_AUTH: this.envFile.REDIS_PASSWORD! } });
    if (r.status !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** SQL as the compose database's user. */
  sql(query: string): string {
    const db = this.compose.services.db.environment as Record<string, string>;
    const role = { port: 5432, user: interpolate(db.POSTGRES_USER!, this.envFile), password: this.envFile.POSTGRES_PASSWORD! };
    return this.ns.psql(role, interpolate(db.POSTGRES_DB!, this.envFile), query);
  }

  async waitTcp(host: string, port: number, what: string): Promise<void> {
    const r = this.ns.run([PYTHON, join(HELPERS, "live-probe.py"), "wait-tcp", host, String(port), "20"], { timeoutMs: 30_000 });
    if (r.status !== 0) throw new Error(`${what} never listened on ${host}:${port}\n${this.ns.logs()}`);
  }

  /**
   * Writes .env.production, starts the namespace, PostgreSQL and Redis as the compose file
   * configures them (waiting for their compose health checks), runs the image's build step
   * (collectstatic) and the release service, then the web instances and nginx.
   */
  static async start(kit: Kit, opts: VpsLiveOptions = {}): Promise<VpsLive> {
    const compose = readYaml11(kit.read("docker-compose.prod.yml"));
    const services = compose.services as Record<string, any>;
    // .env.production from the example: every variable, random secrets, and the URLs compose builds.
    const passwords = { POSTGRES_PASSWORD: alnum(), REDIS_PASSWORD: alnum() };
    const urls = {
      DATABASE_URL: interpolate(services.web.environment.DATABASE_URL, passwords),
      REDIS_URL: interpolate(services.web.environment.REDIS_URL, passwords),
    };
    const envFile = fillEnv(envExampleEntries(kit.read(".env.production.example")), { ...passwords, ...urls, ...opts.env });
    writeFileSync(join(kit.dir, ".env.production"), Object.entries(envFile).map(([k, v]) => `${k}=${v}\n`).join(""), { mode: 0o600 });

    const webAddresses = opts.webAddresses ?? ["127.0.0.1"];
    const names: Record<string, string[]> = Object.fromEntries(Object.keys(services).map((name) => [name, ["127.0.0.1"]]));
    names.web = webAddresses;
    const box = sandbox(kit, {}, { hosts: `127.0.0.1 localhost\n127.0.0.1 ${kit.plan.domain}\n` });
    let ns: LiveNamespace;
    try {
      ns = await LiveNamespace.start(box, { ...names, ...opts.names }, [kit.dir]);
    } catch (error) {
      box.cleanup();
      throw error;
    }
    const live = new VpsLive(kit, ns, envFile, webAddresses);
    try {
      await live.startDatastores();
      live.build();
      if (services.release) {
        const r = live.runIn("release", live.command("release"));
        expect(r.status, `release (${live.command("release").join(" ")}):\n${r.stdout}${r.stderr}`).toBe(0);
      }
      for (const [i, address] of webAddresses.entries()) {
        // Two instances share the port on two addresses, through the knob the env example documents.
        const env: Env = webAddresses.length > 1 ? { GUNICORN_BIND: `${address}:${live.upstreamPort}` } : {};
        live.webs.push(live.startService("web", { name: webAddresses.length > 1 ? `web-${i + 1}` : "web", env }));
      }
      ns.start("nginx", ["nginx", "-c", join(kit.dir, "nginx", "nginx.conf"), "-g", `daemon off; pid ${join(ns.dir, "nginx.pid")};`], { user: "root" });
      for (const address of webAddresses) await live.waitTcp(address, live.upstreamPort, "web");
      await live.waitTcp("127.0.0.1", 443, "nginx");
      return live;
    } catch (error) {
      live.stop();
      throw error;
    }
  }

  private async startDatastores(): Promise<void> {
    const services = this.compose.services as Record<string, any>;
    const dbEnv = Object.fromEntries(Object.entries(services.db.environment as Env).map(([k, v]) => [k, interpolate(v, this.envFile)]));
    this.ns.startPostgres({ port: 5432, user: dbEnv.POSTGRES_USER!, password: dbEnv.POSTGRES_PASSWORD!, database: dbEnv.POSTGRES_DB! });
    // Redis: the service's command as compose passes it (sh -c 'exec redis-server ...'), in its /data.
    const redisEnv = { PATH: "/usr/bin:/bin", ...Object.fromEntries(Object.entries(services.redis.environment as Env).map(([k, v]) => [k, interpolate(v, this.envFile)])) };
    const data = join(this.ns.dir, "redis-data");
    this.ns.run(["install", "-d", "-o", "65534", "-g", "65534", data]);
    this.ns.start("redis", this.command("redis"), { env: redisEnv, cwd: data });
    // depends_on: condition: service_healthy: their compose health checks, as the containers run them.
    for (const [name, env] of [["db", { PATH: "/usr/bin:/bin" }], ["redis", redisEnv]] as const) {
      const check = healthcheckShell(services[name].healthcheck.test);
      await waitFor(`${name} to be healthy (${check})`, () => this.ns.run(["sh", "-c", check], { env, user: "app" }).status === 0, 20_000, () => this.ns.logs());
    }
  }

  /** The image's build step for static files: the RUN segment with collectstatic, with its build-only env. */
  private build(): void {
    const run = this.image.runs.find((r) => r.includes("collectstatic"));
    if (!run) return;
    const step = run.split(/\s+&&\s+/)[0]!;
    const { PATH: _path, ...imageEnv } = this.image.env;
    const r = this.ns.run(["sh", "-c", step], { env: { ...baseEnv(this.ns.dir), ...imageEnv }, cwd: this.appDir, user: "root" });
    expect(r.status, `${step}\n${r.stdout}${r.stderr}`).toBe(0);
  }

  /** A collected static file's hashed name (from the manifest) and its content. */
  staticFile(name: string): { url: string; content: string } {
    const root = join(this.appDir, "staticfiles");
    const manifest = JSON.parse(readFileSync(join(root, "staticfiles.json"), "utf8")) as { paths: Record<string, string> };
    const hashed = manifest.paths[name];
    if (!hashed) throw new Error(`${name} was not collected: ${Object.keys(manifest.paths).slice(0, 10).join(", ")}...`);
    return { url: `${this.kit.plan.routes.static}${hashed}`, content: readFileSync(join(root, hashed), "utf8") };
  }

  stop(): void {
    this.ns.stop();
  }
}

/** A response of the app that is text of 256 bytes or more (what nginx gzips: gzip_min_length). */
export interface AppPage {
  method: "GET" | "POST";
  path: string;
  /** What it is, for the report. */
  what: string;
}

const SECURITY_HEADERS = ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"];

/**
 * What the generated nginx.conf must do in front of the real app, checked with real requests:
 * HTTP → 301 to HTTPS but ACME challenges (from the webroot); the health path answered by the app
 * over HTTPS; every security header once; no version in Server; gzip of the app's text; Django's
 * static files from WhiteNoise with their far-future Cache-Control; 413 over client_max_body_size.
 * Returns what it proved, for the scenario's report line.
 */
export function checkVps(live: VpsLive, opts: { page?: AppPage; staticName?: string; healthBody: RegExp }): string[] {
  const { domain, kit } = live;
  const https = (path: string) => `https://${domain}${path}`;
  const limit = sizeBytes(kit.plan.answers.maxBodySize);
  const direct = `127.0.0.1:${live.upstreamPort}`;
  const health = kit.plan.healthPath;
  const requests: ProbeRequest[] = [
    { name: "redirect", url: `http://${domain}/some/page?x=1` },
    { name: "acme", url: `http://${domain}/.well-known/acme-challenge/${ACME_TOKEN}` },
    { name: "health", url: https(health) },
    { name: "small post", url: https(health), method: "POST", body: "x".repeat(1000) },
    {
      name: "post over limit",
      url: https(health),
      raw: `POST ${health} HTTP/1.1\r\nHost: ${domain}\r\nContent-Length: ${limit + 1}\r\nExpect: 100-continue\r\n\r\n`,
    },
  ];
  if (opts.page) {
    const { method, path } = opts.page;
    requests.push(
      { name: "page", url: https(path), method, body: method === "POST" ? "" : undefined, headers: { "Accept-Encoding": "gzip" } },
      // The same request straight to the app, as nginx sends it: the app itself does not compress it.
      {
        name: "page from the app",
        url: `http://${domain}${path}`,
        connect: direct,
        method,
        body: method === "POST" ? "" : undefined,
        headers: { "Accept-Encoding": "gzip", "X-Forwarded-Proto": "https" },
      },
    );
  }
  const file = opts.staticName ? live.staticFile(opts.staticName) : undefined;
  if (file) requests.push({ name: "static", url: https(file.url), headers: { "Accept-Encoding": "gzip" } });
  const r = live.probe(requests);
  const ok = (name: string): ProbeResponse => {
    expect(r[name]?.error, `${name}: ${r[name]?.error}\n${live.ns.logs()}`).toBeUndefined();
    return r[name]!;
  };
  const once = (res: ProbeResponse, name: string) => {
    const values = header(res, name);
    expect(values, `${name}: ${JSON.stringify(values)}`).toHaveLength(1);
    return values[0]!;
  };
  const proved: string[] = [];

  // HTTP → HTTPS, keeping path and query; Let's Encrypt's challenge answered over HTTP.
  expect(ok("redirect").status).toBe(301);
  expect(once(r.redirect!, "Location")).toBe(`https://${domain}/some/page?x=1`);
  expect(ok("acme").status).toBe(200);
  expect(r.acme!.body).toBe(ACME_CONTENT);
  proved.push("301 to https", "ACME webroot");

  // The health path, answered by the app through nginx over HTTPS, with every security header once.
  expect(ok("health").status, r.health!.body).toBe(200);
  expect(r.health!.body).toMatch(opts.healthBody);
  for (const name of SECURITY_HEADERS) once(r.health!, name);
  expect(once(r.health!, "Strict-Transport-Security")).toMatch(/^max-age=\d{7,}/);
  expect(once(r.health!, "X-Content-Type-Options")).toBe("nosniff");
  proved.push(`health ${health} 200 over https`, "security headers once each");

  // server_tokens off: no version on nginx's own responses or on the app's.
  for (const name of ["redirect", "health", "post over limit"]) expect(once(r[name]!, "Server"), name).toBe("nginx");
  proved.push("Server: nginx (no version)");

  // client_max_body_size: a body over it is refused by nginx before it is sent (Expect:
  // 100-continue), while a small one reaches the app. (A body of exactly the limit is accepted:
  // vps.test.ts, against a stub that reads it; an app that answers without reading a 10 MB body
  // may close the connection under nginx while it is still sending.)
  expect(ok("small post").status).not.toBe(413);
  expect(ok("small post").status).toBeLessThan(500);
  expect(header(r["small post"], "Server")).toEqual(["nginx"]);
  expect(ok("post over limit").status).toBe(413);
  proved.push(`413 over ${kit.plan.answers.maxBodySize}`);

  if (opts.page) {
    const page = ok("page");
    const fromApp = ok("page from the app");
    expect(fromApp.length!, `${opts.page.what} is big enough to be gzipped`).toBeGreaterThanOrEqual(256);
    expect(header(fromApp, "Content-Encoding")).toEqual([]);
    expect(page.status).toBe(fromApp.status);
    expect(once(page, "Content-Encoding")).toBe("gzip");
    expect(page.raw_length!).toBeLessThan(page.length!);
    // The same page (the app's CSRF tokens differ between two requests, never the length).
    expect(page.length).toBe(fromApp.length);
    for (const name of SECURITY_HEADERS) once(page, name);
    proved.push(`gzip (${opts.page.what})`);
  }

  if (file) {
    const res = ok("static");
    expect(res.status).toBe(200);
    expect(res.body).toBe(file.content);
    expect(once(res, "Cache-Control")).toBe(STATIC_CACHE_CONTROL);
    proved.push(`static ${file.url} from WhiteNoise, ${STATIC_CACHE_CONTROL}`);
  }

  // The image's HEALTHCHECK (docker compose's and deploy.sh's readiness), run as the container runs it.
  const healthcheck = live.ns.run(live.image.healthcheck, { env: live.serviceEnv("web"), cwd: live.appDir, user: "app" });
  expect(healthcheck.status, `HEALTHCHECK ${live.image.healthcheck.join(" ")}:\n${healthcheck.stderr}`).toBe(0);
  proved.push("the image's HEALTHCHECK passes");
  return proved;
}
