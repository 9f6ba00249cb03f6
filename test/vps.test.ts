// VPS kit, proven by the tools that read it: docker-compose.prod.yml against the compose-spec schema
// and `docker-compose config`, plus what a correct production stack must say; nginx/nginx.conf by
// `nginx -t` and by live requests through it (Debian's nginx, private namespaces, a stub upstream).
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STACKS, type StackId } from "../src/answers.js";
import { generateKit, renderFiles, REPO_ROOT, SCHEMAS, type Kit } from "./helpers/kit.js";
import { ACME_CONTENT, MEDIA_CONTENT, STATIC_CACHE_CONTROL, STATIC_FILE, headerValues, nginxConfigTest, nginxLive, type ProbeResult } from "./helpers/nginx.js";
import { healthcheckShell, pgHealthcheckExits, redisHealthcheck } from "./helpers/healthchecks.js";
import { requireRoot, requireTools } from "./helpers/tools.js";

type Service = Record<string, any>;
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown>; networks?: Record<string, any>; [k: string]: unknown };

const TEST_ENV = { POSTGRES_PASSWORD: "pgTestPass123", REDIS_PASSWORD: "redisTestPass456" };

function composeValidator() {
  const schema = JSON.parse(readFileSync(join(SCHEMAS, "compose-spec.schema.json"), "utf8"));
  delete schema.$schema;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

/** PyYAML (docker-compose) reads YAML 1.1; so do we. */
const readCompose = (kit: Kit): Compose => parse(kit.read("docker-compose.prod.yml"), { version: "1.1" }) as Compose;

function dockerCompose(kit: Kit, env: Record<string, string>, args: string[]) {
  writeFileSync(join(kit.dir, ".env.production"), Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(""));
  const cleanEnv = { ...process.env };
  for (const k of Object.keys(TEST_ENV)) delete cleanEnv[k];
  // The global options the generated scripts pass (deploy.sh's COMPOSE array), so they are proven too.
  const compose = /^COMPOSE=\(docker compose ([^)]*)\)$/m.exec(kit.read("scripts/deploy.sh"))![1]!.split(" ");
  return spawnSync("docker-compose", [...compose, ...args], {
    cwd: kit.dir,
    encoding: "utf8",
    env: cleanEnv,
    timeout: 30_000,
  });
}

const ipv4ToInt = (ip: string): number => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
function inSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/");
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return ((ipv4ToInt(ip) & mask) >>> 0) === ((ipv4ToInt(base!) & mask) >>> 0);
}

beforeAll(() => {
  requireTools(["docker-compose", "nginx", "openssl", "unshare", "ip", "mount", "timeout", "python3"]);
  requireRoot("the nginx tests");
});

it("takes client_max_body_size from the answers", () => {
  const { files } = renderFiles("vps", "fastapi-chatwoot", { answers: { maxBodySize: "512k" } });
  const conf = files.find((f) => f.path === "nginx/nginx.conf")!.content;
  expect(conf.match(/client_max_body_size [^;]+;/g)).toEqual(["client_max_body_size 512k;"]);
});

describe("health checks of db and redis, run against real servers", () => {
  const { plan, files } = renderFiles("vps", "django-celery");
  const services = (parse(files.find((f) => f.path === "docker-compose.prod.yml")!.content, { version: "1.1" }) as Compose).services;

  it("db is healthy only once PostgreSQL answers over TCP, not while the init-time server has only its socket", () => {
    requireTools(["runuser"]);
    const command = healthcheckShell(services.db!.healthcheck.test);
    const control = `pg_isready --username=${plan.dbName} --dbname=${plan.dbName}`;
    const r = pgHealthcheckExits(command, control, plan.dbName);
    // The control (no --host, the socket) shows the server was up and accepting on its socket.
    expect(r).toEqual({ socketOnly: 2, socketOnlyControl: 0, tcp: 0 });
  });

  it("redis is healthy with the right password only, which never appears on redis-cli's command line", () => {
    requireTools(["redis-server", "redis-cli"]);
    const password = "healthPw8d1f";
    const r = redisHealthcheck(healthcheckShell(services.redis!.healthcheck.test), password);
    expect(r.right).toBe(0);
    expect(r.wrong).not.toBe(0);
    expect(r.calls.length).toBe(2);
    for (const call of r.calls) {
      expect(call.argv.join(" ")).not.toContain(password);
      expect(call.authFromEnv).toBe(true);
    }
  });
});

describe.each(STACKS.map((stack) => ({ stack })))("vps × $stack", ({ stack }: { stack: StackId }) => {
  let kit: Kit;
  let compose: Compose;
  let appNames: string[];
  beforeAll(() => {
    kit = generateKit("vps", stack);
    compose = readCompose(kit);
    appNames = kit.plan.processes.map((p) => p.name);
  });
  afterAll(() => kit?.cleanup());

  describe("docker-compose.prod.yml", () => {
    it("is valid against the compose-spec schema", () => {
      const validate = composeValidator();
      const ok = validate(compose);
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    });

    it("passes `docker-compose config` and interpolates the passwords from the env file", () => {
      const r = dockerCompose(kit, TEST_ENV, ["config"]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/WARN/i);
      const resolved = parse(r.stdout) as Compose;
      const { dbName } = kit.plan;
      for (const name of appNames) {
        const env = resolved.services[name]!.environment;
        expect(env.DATABASE_URL).toBe(`postgres://${dbName}:${TEST_ENV.POSTGRES_PASSWORD}@db:5432/${dbName}`);
        expect(env.REDIS_URL).toBe(`redis://:${TEST_ENV.REDIS_PASSWORD}@redis:6379/0`);
      }
      expect(resolved.services.db!.environment.POSTGRES_PASSWORD).toBe(TEST_ENV.POSTGRES_PASSWORD);
      expect(resolved.services.redis!.environment.REDIS_PASSWORD).toBe(TEST_ENV.REDIS_PASSWORD);
    });

    it("refuses to start without the passwords, naming the missing variable", () => {
      const r = dockerCompose(kit, { REDIS_PASSWORD: TEST_ENV.REDIS_PASSWORD }, ["config"]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain("set POSTGRES_PASSWORD in .env.production");
    });

    it("pins the compose project name: -p in every script's and documented compose command, and in the env file", () => {
      const pinned = `docker compose -p ${kit.plan.name} --env-file .env.production -f docker-compose.prod.yml`;
      for (const script of ["deploy.sh", "init-letsencrypt.sh"]) expect(kit.read(`scripts/${script}`)).toContain(`COMPOSE=(${pinned})`);
      let commands = 0;
      for (const doc of ["docs/RUNBOOK.md", "docs/PRODUCTION_CHECKLIST.md"]) {
        const text = kit.read(doc);
        // Every docker compose command (code span or block) is the pinned one, but `docker compose
        // version` and the description of what the backup scripts run.
        for (const m of text.matchAll(/(?<=`|^ *)docker compose (?!version`|exec -T db`)/gm)) {
          expect(text.slice(m.index, m.index + pinned.length), doc).toBe(pinned);
          commands++;
        }
      }
      expect(commands).toBeGreaterThanOrEqual(5);
      // backup/restore take their env file and compose file from the environment, and pin -p too.
      expect(kit.read(".env.production.example")).toMatch(new RegExp(`^COMPOSE_PROJECT_NAME=${kit.plan.name}$`, "m"));
      for (const script of ["backup-db.sh", "restore-db.sh"])
        expect(kit.read(`scripts/${script}`)).toMatch(new RegExp(`^COMPOSE=\\(docker compose -p ${kit.plan.name} --env-file "\\$ENV_FILE" `, "m"));
      expect(kit.read("scripts/backup-db.sh")).toMatch(/ENV_FILE=.*\.env\.production/);
    });

    it("has no version key and publishes ports only on nginx (80, 443)", () => {
      expect(compose).not.toHaveProperty("version");
      for (const [name, service] of Object.entries(compose.services)) {
        if (name === "nginx") expect(service.ports).toEqual(["80:80", "443:443"]);
        else expect(service.ports, `${name} publishes ports`).toBeUndefined();
      }
    });

    it("keeps db and redis private, healthy-checked, on named volumes; redis requires a password", () => {
      for (const name of ["db", "redis"]) {
        const s = compose.services[name]!;
        expect(s.ports).toBeUndefined();
        expect(s.healthcheck?.test).toBeDefined();
        expect(s.restart).toBe("unless-stopped");
        const [volume] = String(s.volumes?.[0]).split(":");
        expect(compose.volumes).toHaveProperty(volume!);
      }
      expect(compose.services.db!.volumes).toEqual(["pgdata:/var/lib/postgresql/data"]);
      const redis = compose.services.redis!;
      expect(redis.command.join(" ")).toContain('--requirepass "$$REDIS_PASSWORD"');
      expect(redis.healthcheck.test.join(" ")).toContain('REDISCLI_AUTH="$$REDIS_PASSWORD"');
      expect(redis.environment.REDIS_PASSWORD).toMatch(/^\$\{REDIS_PASSWORD:\?[^}]+\}$/);
    });

    it("runs every app process with init, a restart policy and rotated json-file logs", () => {
      for (const name of appNames) {
        const s = compose.services[name]!;
        const process = kit.plan.processes.find((p) => p.name === name)!;
        expect(s.init, name).toBe(true);
        expect(s.restart, name).toBe(process.kind === "release" ? "no" : "unless-stopped");
        expect(s.logging?.driver, name).toBe("json-file");
        expect(s.logging?.options?.["max-size"], name).toMatch(/^\d+[kmg]$/);
        expect(s.logging?.options?.["max-file"], name).toMatch(/^\d+$/);
      }
    });

    it("gives each service time to stop cleanly: web beyond Gunicorn's graceful timeout, workers minutes", () => {
      const seconds = (d: string) => {
        const m = /^(\d+)(s|m)$/.exec(d);
        expect(m, d).not.toBeNull();
        return Number(m![1]) * (m![2] === "m" ? 60 : 1);
      };
      const graceful = Number(/"GUNICORN_GRACEFUL_TIMEOUT", "(\d+)"/.exec(kit.read("gunicorn.conf.py"))![1]);
      for (const p of kit.plan.processes) {
        const grace: string | undefined = compose.services[p.name]!.stop_grace_period;
        if (p.kind === "release") expect(grace, p.name).toBeUndefined();
        if (p.kind === "web") expect(seconds(grace!)).toBeGreaterThan(graceful);
        if (p.kind === "worker") expect(seconds(grace!)).toBeGreaterThanOrEqual(300);
        if (p.kind === "scheduler") expect(seconds(grace!)).toBeGreaterThan(10);
      }
      expect(seconds(compose.services.db!.stop_grace_period)).toBeGreaterThanOrEqual(60);
      expect(seconds(compose.services.redis!.stop_grace_period)).toBeGreaterThanOrEqual(60);
      // The runbook states the same values.
      const runbook = kit.read("docs/RUNBOOK.md");
      expect(runbook).toContain(`\`web\` ${compose.services.web!.stop_grace_period}`);
      for (const p of kit.plan.processes.filter((x) => x.kind === "worker")) {
        expect(runbook).toContain(`\`${p.name}\` ${compose.services[p.name]!.stop_grace_period}`);
      }
      // The Celery section gives a stopping worker the compose file's grace period, not Docker's default.
      if (kit.plan.django?.celery) {
        const sigterm = /^- Deploys and restarts stop workers with `SIGTERM`: .*$/m.exec(runbook)![0];
        const worker = compose.services.worker!.stop_grace_period;
        expect(sigterm).toContain(`has ${seconds(worker) / 60} minutes (\`stop_grace_period: ${worker}\` in \`docker-compose.prod.yml\``);
        expect(runbook).not.toMatch(/10 s unless/);
      }
    });

    it("runs the scheduler exactly once: a fixed container_name and no replicas", () => {
      const schedulers = kit.plan.processes.filter((p) => p.kind === "scheduler");
      expect(schedulers.length).toBe(stack === "django-celery" ? 1 : 0);
      for (const p of schedulers) {
        const s = compose.services[p.name]!;
        expect(s.container_name).toBe(`${kit.plan.name}-${p.name}`);
        expect(s.deploy?.replicas ?? 1).toBeLessThanOrEqual(1);
        expect(s.scale ?? 1).toBeLessThanOrEqual(1);
      }
    });

    it("migrates once in a release service that `up` never starts and nothing waits for", () => {
      const release = kit.plan.processes.find((p) => p.kind === "release");
      // The FastAPI example has no migrations.
      expect(Boolean(release)).toBe(kit.plan.framework === "django");
      // Compose v2 stops the old containers before waiting for a dependency to complete: nothing
      // may depend on the release step, or a failed migration takes the site down.
      for (const p of kit.plan.processes.filter((x) => x.kind !== "release")) {
        expect(Object.keys(compose.services[p.name]!.depends_on ?? {}), p.name).toEqual(["db", "redis"]);
      }
      for (const [name, service] of Object.entries(compose.services)) {
        expect(service.profiles, name).toEqual(name === release?.name ? ["release"] : undefined);
      }
      if (!release) return;
      const s = compose.services[release.name]!;
      expect(s.restart).toBe("no");
      expect(s.command.join(" ")).toContain("migrate");
      expect(Object.keys(s.depends_on)).toEqual(["db", "redis"]);
      expect(s.image).toBe(compose.services.web!.image);
    });

    it("trusts proxy headers only from nginx's fixed address", () => {
      const web = compose.services.web!;
      const nginxIp = compose.services.nginx!.networks.backend.ipv4_address;
      expect(web.environment.FORWARDED_ALLOW_IPS).toBe(nginxIp);
      expect(web.environment.FORWARDED_ALLOW_IPS).not.toContain("*");
      const { subnet, ip_range: dynamic, gateway } = compose.networks!.backend.ipam.config[0];
      expect(inSubnet(nginxIp, subnet)).toBe(true);
      // Docker does not reserve a fixed address: it hands others out from ip_range only, which must
      // lie inside the subnet and leave out nginx's address (and the gateway).
      const [rangeBase, rangeBits] = String(dynamic).split("/");
      expect(Number(rangeBits)).toBeGreaterThan(Number(subnet.split("/")[1]));
      expect(inSubnet(rangeBase!, subnet)).toBe(true);
      expect(inSubnet(nginxIp, dynamic)).toBe(false);
      expect(inSubnet(gateway, subnet)).toBe(true);
      expect(inSubnet(gateway, dynamic)).toBe(false);
      expect(gateway).not.toBe(nginxIp);
      // The runbook names that gateway as the address IPv6 clients appear with.
      expect(kit.read("docs/RUNBOOK.md")).toContain(`appear as \`${gateway}\``);
      for (const name of Object.keys(compose.services)) {
        if (name !== "nginx") expect(compose.services[name]!.networks?.backend?.ipv4_address, name).toBeUndefined();
      }
    });

    it("holds no literal secret: URLs and passwords interpolate from the env file", () => {
      for (const name of appNames) {
        const env = compose.services[name]!.environment;
        expect(env.DATABASE_URL).toMatch(/^postgres:\/\/\w+:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:5432\/\w+$/);
        expect(env.REDIS_URL).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379\/0$/);
        expect(compose.services[name]!.env_file).toEqual([".env.production"]);
      }
      for (const [name, service] of Object.entries(compose.services)) {
        for (const [key, value] of Object.entries((service.environment ?? {}) as Record<string, string>)) {
          if (/PASSWORD|SECRET|TOKEN|_KEY$/.test(key)) expect(value, `${name}.${key}`).toMatch(/^\$\{\w+:\?[^}]+\}$/);
        }
      }
    });

    it("mounts into nginx every path nginx.conf reads, shared with the services that write them", () => {
      const conf = kit.read("nginx/nginx.conf");
      const nginxVolumes: string[] = compose.services.nginx!.volumes;
      const mountOf = (target: string) => nginxVolumes.find((v) => v.split(":")[1] === target);
      expect(mountOf("/etc/nginx/nginx.conf")).toBe("./nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
      expect(conf).toContain("include /etc/nginx/snippets/*.conf;");
      expect(mountOf("/etc/nginx/snippets")).toBe("./nginx/snippets:/etc/nginx/snippets:ro");
      expect(conf).toContain(`/etc/letsencrypt/live/${kit.plan.domain}/fullchain.pem`);
      expect(compose.services.certbot!.volumes).toContain(`${mountOf("/etc/letsencrypt")!.split(":")[0]}:/etc/letsencrypt`);
      expect(conf).toContain("root /var/www/certbot;");
      expect(compose.services.certbot!.volumes).toContain(`${mountOf("/var/www/certbot")!.split(":")[0]}:/var/www/certbot`);
      expect(conf).toContain(`set $app_upstream http://web:${kit.plan.port};`);
      expect(compose.services.web!.expose).toEqual([String(kit.plan.port)]);
      if (kit.plan.framework === "django") {
        expect(conf).toContain("alias /var/www/media/;");
        const media = mountOf("/var/www/media")!.split(":")[0];
        expect(compose.services.web!.volumes).toContain(`${media}:/app/media`);
      } else {
        expect(conf).not.toContain("/var/www/media");
      }
    });
  });

  describe("nginx/nginx.conf", () => {
    it("looks the app up per request through Docker's DNS: no upstream block, no depends_on on web", () => {
      const conf = kit.read("nginx/nginx.conf");
      expect(conf).toMatch(/^ {4}resolver 127\.0\.0\.11 valid=\d+s ipv6=off;$/m);
      expect(conf).not.toMatch(/^\s*upstream\b/m);
      const passes = conf.match(/^\s*proxy_pass [^;\n]+;/gm) ?? [];
      expect(passes.length).toBeGreaterThan(0);
      for (const pass of passes) expect(pass.trim()).toBe("proxy_pass $app_upstream;");
      expect(compose.services.nginx!.depends_on).toBeUndefined();
      const init = kit.read("scripts/init-letsencrypt.sh");
      const ups = init.match(/COMPOSE\[@\]}" up [^\n]*/g) ?? [];
      expect(ups.length).toBeGreaterThan(0);
      for (const up of ups) expect(up).toBe('COMPOSE[@]}" up -d --no-deps nginx');
    });

    it("bounds how long old workers linger after a reload (worker_shutdown_timeout at main level)", () => {
      const conf = kit.read("nginx/nginx.conf");
      const main = conf.slice(0, conf.indexOf("events {"));
      expect(main).toMatch(/^worker_shutdown_timeout \d+s;$/m);
    });

    it("passes `nginx -t` (Debian's nginx), verbatim, with no compose service name resolvable", () => {
      const r = nginxConfigTest(kit);
      const out = r.stdout + r.stderr;
      expect(r.status, out).toBe(0);
      expect(out).toContain("syntax is ok");
      expect(out).toContain("test is successful");
      expect(out, "no warnings").not.toMatch(/\[warn\]/);
    });

    it("includes http-level snippets: the commented rate-limit examples pass `nginx -t` once uncommented", () => {
      // The example directives, uncommented: "#   limit_req...;   (note)" -> "limit_req...;"
      const examples = (path: string) =>
        kit.read(path).split("\n").filter((l) => /^#\s+limit_req/.test(l)).map((l) => l.replace(/^#\s+/, "").replace(/;.*$/, ";"));
      const zone = examples("nginx/snippets/http.d/custom.conf");
      const apply = examples("nginx/snippets/custom.conf");
      expect(zone.some((l) => l.startsWith("limit_req_zone "))).toBe(true);
      expect(apply).toEqual([expect.stringMatching(/^limit_req zone=perip /)]);
      const r = nginxConfigTest(kit, { "http.d/custom.conf": `${zone.join("\n")}\n`, "custom.conf": `${apply.join("\n")}\n` });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stderr, "no warnings").not.toMatch(/\[warn\]/);
      // The zone is allowed only at http level: among the server-level snippets nginx refuses it.
      const misplaced = nginxConfigTest(kit, { "custom.conf": `${[...zone, ...apply].join("\n")}\n` });
      expect(misplaced.status).not.toBe(0);
      expect(misplaced.stderr).toMatch(/"limit_req_zone" directive is not allowed here/);
    });

    describe("serves live requests", () => {
      let results: Record<string, ProbeResult>;
      const domain = () => kit.plan.domain;
      beforeAll(() => {
        results = nginxLive(kit, Object.keys(compose.services)).results;
      });
      const ok = (name: string): ProbeResult => {
        const r = results[name];
        expect(r, name).toBeDefined();
        expect(r!.error, name).toBeUndefined();
        return r!;
      };
      const once = (r: ProbeResult, header: string) => {
        const values = headerValues(r.headers, header);
        expect(values, `${header}: ${JSON.stringify(values)}`).toHaveLength(1);
        return values[0]!;
      };
      const upstreamHeader = (r: ProbeResult, name: string) => headerValues(r.upstream?.headers, name);

      it("runs while web does not resolve: ACME and the redirect work, the app's paths get 502", () => {
        expect(ok("down acme").status).toBe(200);
        expect(ok("down acme").body).toBe(ACME_CONTENT);
        expect(ok("down redirect").status).toBe(301);
        expect(once(ok("down redirect"), "Location")).toBe(`https://${domain()}/anything?x=1`);
        expect(ok("down app").status).toBe(502);
        expect(ok("down app").upstream).toBeUndefined();
        for (const path of kit.plan.routes.websockets) expect(ok(`down ws ${path}`).status, path).toBe(502);
        // Once the name resolves, the same nginx (no reload) reaches the app.
        expect(ok("health").upstream?.path).toBe(kit.plan.healthPath);
      });

      it("redirects HTTP to HTTPS, keeping path and query; no version in Server", () => {
        const r = ok("redirect");
        expect(r.status).toBe(301);
        expect(once(r, "Location")).toBe(`https://${domain()}/anything?x=1`);
        expect(once(r, "Server")).toBe("nginx");
      });

      it("answers ACME HTTP-01 challenges over plain HTTP from the certbot webroot", () => {
        const r = ok("acme");
        expect(r.status).toBe(200);
        expect(r.body).toBe(ACME_CONTENT);
      });

      /** nginx's own values, sent when the app sends none. */
      const NGINX_HSTS = "max-age=63072000; includeSubDomains";

      it("proxies HTTPS to the app with one copy of each security header: HSTS and X-Frame-Options are the app's when it sends them", () => {
        const r = ok("health");
        expect(r.status).toBe(200);
        expect(r.upstream?.path).toBe(kit.plan.healthPath);
        // The stub (nginx-stub.py) sends HSTS max-age=60 and X-Frame-Options SAMEORIGIN, as Django's
        // SECURE_HSTS_SECONDS and an xframe_options_sameorigin view would: they reach the client.
        expect(once(r, "Strict-Transport-Security")).toBe("max-age=60");
        expect(once(r, "X-Frame-Options")).toBe("SAMEORIGIN");
        // These three are nginx's, replacing the app's copies.
        expect(once(r, "X-Content-Type-Options")).toBe("nosniff");
        expect(once(r, "Referrer-Policy")).toBe("same-origin");
        expect(once(r, "Permissions-Policy")).toBe("camera=(), microphone=(), geolocation=()");
        expect(once(r, "Server")).toBe("nginx");
      });

      it("adds its own HSTS (two years) and X-Frame-Options DENY, once, to responses without them: the app's and nginx's own errors", () => {
        const bare = ok("no_app_headers");
        expect(bare.status).toBe(200);
        expect(bare.upstream?.path).toBe("/no-app-headers/page");
        const down = ok("down app");
        expect(down.status).toBe(502);
        for (const r of [bare, down]) {
          expect(once(r, "Strict-Transport-Security")).toBe(NGINX_HSTS);
          expect(once(r, "X-Frame-Options")).toBe("DENY");
          expect(once(r, "X-Content-Type-Options")).toBe("nosniff");
          expect(once(r, "Referrer-Policy")).toBe("same-origin");
          expect(once(r, "Permissions-Policy")).toBe("camera=(), microphone=(), geolocation=()");
        }
      });

      it("overwrites forwarded headers: the app sees the real client, https and the domain", () => {
        const r = ok("health");
        expect(upstreamHeader(r, "X-Forwarded-For")).toEqual(["127.0.0.1"]);
        expect(upstreamHeader(r, "X-Real-IP")).toEqual(["127.0.0.1"]);
        expect(upstreamHeader(r, "X-Forwarded-Proto")).toEqual(["https"]);
        expect(upstreamHeader(r, "Host")).toEqual([domain()]);
      });

      it("gzips large text responses", () => {
        const r = ok("gzip");
        expect(r.status).toBe(200);
        expect(once(r, "Content-Encoding")).toBe("gzip");
        expect(r.body).toMatch(/^lorem ipsum/);
        expect(r.raw_length!).toBeLessThan(r.body!.length / 4);
      });

      it("accepts a body of client_max_body_size and rejects a larger one with 413", () => {
        const at = ok("post_at_limit");
        expect(at.status).toBe(200);
        expect(at.upstream?.body_length).toBeGreaterThan(0);
        expect(ok("post_over_limit").status).toBe(413);
      });

      it("drops requests for other host names: 444 over HTTP, handshake rejected over HTTPS", () => {
        expect(ok("foreign_http")).toEqual({ closed_without_response: true });
        expect(ok("foreign_host_https")).toEqual({ closed_without_response: true });
        for (const name of ["foreign_sni", "no_sni"]) {
          expect(ok(name).ok, name).toBe(false);
          expect(ok(name).alert, name).toMatch(/UNRECOGNIZED_NAME/i);
        }
      });

      it("speaks Mozilla-intermediate TLS: 1.3, 1.2 with ECDHE only, no 1.1, HTTP/2 offered", () => {
        const tls = ok("tls");
        expect(tls.ok).toBe(true);
        expect(tls.version).toBe("TLSv1.3");
        expect(tls.alpn).toBe("h2");
        const tls12 = ok("tls12");
        expect(tls12.ok).toBe(true);
        expect(tls12.version).toBe("TLSv1.2");
        expect(tls12.cipher).toMatch(/^ECDHE-/);
        expect(ok("tls12_static_rsa").ok).toBe(false);
        expect(ok("tls11").ok).toBe(false);
        expect(ok("tls11").alert).toMatch(/PROTOCOL_VERSION/i);
      });

      it("upgrades WebSockets on every path of an ASGI app (long timeouts on the detected routes), never for WSGI", () => {
        const elsewhere = ok("ws_elsewhere");
        expect(kit.plan.server.asgi).toBe(stack !== "django-celery");
        if (kit.plan.server.asgi) {
          expect(elsewhere.status).toBe(101);
          expect(elsewhere.upstream?.path).toBe("/elsewhere/socket");
          expect(upstreamHeader(elsewhere, "Upgrade")).toEqual(["websocket"]);
          expect(upstreamHeader(elsewhere, "Connection")).toEqual(["upgrade"]);
        } else {
          expect(elsewhere.status).toBe(200);
          const outside = ok("upgrade_outside_ws_route");
          expect(outside.status).toBe(200);
          expect(upstreamHeader(outside, "Upgrade")).toEqual([]);
          expect(upstreamHeader(outside, "Connection").join(",")).not.toMatch(/upgrade/i);
        }
        // A plain request to an ASGI app is not told to upgrade, and asks the app to close.
        expect(upstreamHeader(ok("health"), "Upgrade")).toEqual([]);
        expect(upstreamHeader(ok("health"), "Connection")).toEqual(["close"]);
        expect(kit.plan.routes.websockets.length).toBe(stack === "django-channels" ? 1 : 0);
        const conf = kit.read("nginx/nginx.conf");
        for (const path of kit.plan.routes.websockets) {
          expect(conf).toMatch(new RegExp(`location ${path} \\{[^}]*proxy_read_timeout 3600s;`));
        }
        for (const path of kit.plan.routes.websockets) {
          const r = ok(`ws ${path}`);
          expect(r.status).toBe(101);
          expect(r.upstream?.path).toBe(`${path}room/`);
          expect(upstreamHeader(r, "Upgrade")).toEqual(["websocket"]);
          expect(upstreamHeader(r, "Connection")).toEqual(["upgrade"]);
          expect(upstreamHeader(r, "X-Forwarded-Proto")).toEqual(["https"]);
        }
      });

      it("passes static files to the app (WhiteNoise), keeping its far-future Cache-Control: nginx has no location for them", () => {
        expect(Boolean(kit.plan.routes.static)).toBe(kit.plan.framework === "django");
        if (!kit.plan.routes.static) return;
        const r = ok("static");
        expect(r.status).toBe(200);
        expect(r.upstream?.path).toBe(`${kit.plan.routes.static}${STATIC_FILE}`);
        expect(r.body).toBe("body{margin:0}\n");
        expect(once(r, "Cache-Control")).toBe(STATIC_CACHE_CONTROL);
        expect(headerValues(r.headers, "Expires")).toEqual([]);
        const conf = kit.read("nginx/nginx.conf");
        expect(conf).not.toMatch(new RegExp(`^\\s*location [^{]*${kit.plan.routes.static}`, "m"));
        expect(conf).toContain(`# No location for ${kit.plan.routes.static}:`);
      });

      it("serves Django's uploads from the media volume, inert (CSP sandbox) and with every security header; elsewhere /media/ is the app's", () => {
        const r = ok("media");
        expect(r.status).toBe(200);
        const security = ["Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Permissions-Policy"];
        expect(once(r, "X-Content-Type-Options")).toBe("nosniff");
        if (kit.plan.framework === "django") {
          // nginx's own security headers, once each, as on a proxied response that has none.
          for (const name of security) expect(once(r, name), name).toBe(once(ok("no_app_headers"), name));
          expect(once(r, "Strict-Transport-Security")).toBe(NGINX_HSTS);
          expect(once(r, "X-Frame-Options")).toBe("DENY");
          expect(r.body).toBe(MEDIA_CONTENT);
          expect(r.upstream).toBeUndefined();
          const csp = once(r, "Content-Security-Policy");
          expect(csp).toMatch(/(^|; )default-src 'none'(;|$)/);
          expect(csp).toMatch(/(^|; )sandbox(;|$)/);
          expect(csp).not.toMatch(/script-src/);
        } else {
          expect(r.upstream?.path).toBe("/media/hello.txt");
          for (const name of security) expect(once(r, name), name).toBe(once(ok("health"), name));
          expect(headerValues(r.headers, "Content-Security-Policy")).toEqual([]);
        }
      });
    });
  });
});

/** A PATH with every command of `path` but curl: a folder of links (the first of each name). */
function pathWithoutCurl(path: string): string {
  const dir = mkdtempSync(join(tmpdir(), "no-curl-path-"));
  for (const folder of path.split(":")) {
    if (!folder || !existsSync(folder)) continue;
    for (const name of readdirSync(folder)) {
      if (name !== "curl" && !existsSync(join(dir, name))) symlinkSync(join(folder, name), join(dir, name));
    }
  }
  return dir;
}

/** A bin folder whose `docker` and `curl` are test/helpers/fake-docker/vps-{docker,curl}.py, and their state folder. */
function fakeDocker(kit: Kit) {
  const dir = mkdtempSync(join(tmpdir(), "fake-vps-docker-"));
  mkdirSync(join(dir, "bin"));
  // An absolute interpreter: the scripts run in the app's folder, where pyenv may pick another python.
  const python = spawnSync("/usr/bin/python3", ["-c", "import sys, yaml; print(sys.executable)"], { cwd: REPO_ROOT, encoding: "utf8" });
  if (python.status !== 0) throw new Error(`the fake docker needs python3 with PyYAML (Debian: python3-yaml): ${python.stderr}`);
  const wrapper = (name: string) => `#!/bin/sh\nexec '${python.stdout.trim()}' '${join(REPO_ROOT, "test/helpers/fake-docker", name)}' "$@"\n`;
  const bin = join(dir, "bin");
  writeFileSync(join(bin, "docker"), wrapper("vps-docker.py"), { mode: 0o755 });
  writeFileSync(join(bin, "curl"), wrapper("vps-curl.py"), { mode: 0o755 });
  // The scripts' waits between retries: nothing here changes with time (each attempt is recorded).
  writeFileSync(join(bin, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  mkdirSync(join(dir, "state"));
  mkdirSync(join(dir, "letsencrypt"));
  writeFileSync(join(kit.dir, ".env.production"), "POSTGRES_PASSWORD=x\nREDIS_PASSWORD=y\n", { mode: 0o600 });
  const state = () => JSON.parse(readFileSync(join(dir, "state", "state.json"), "utf8"));
  const callsFile = join(dir, "state", "calls.jsonl");
  return {
    le: join(dir, "letsencrypt"),
    /** Runs a script with the fakes first on PATH; `noCurl`: no curl at all (neither fake nor the host's). */
    run(script: string, args: string[], env: { FAKE_BUILD_ID?: string; FAKE_FAIL?: string } = {}, { noCurl = false } = {}) {
      writeFileSync(callsFile, "");
      if (noCurl) rmSync(join(bin, "curl"));
      const rest = noCurl ? pathWithoutCurl(process.env.PATH!) : process.env.PATH!;
      try {
        return spawnSync(join(kit.dir, "scripts", script), args, {
          cwd: kit.dir,
          encoding: "utf8",
          timeout: 30_000,
          env: {
            ...process.env,
            PATH: `${bin}:${rest}`,
            FAKE_DOCKER_STATE: join(dir, "state"),
            FAKE_LE_DIR: join(dir, "letsencrypt"),
            FAKE_FAIL: "",
            ...env,
          },
        });
      } finally {
        if (noCurl) {
          rmSync(rest, { recursive: true, force: true });
          writeFileSync(join(bin, "curl"), wrapper("vps-curl.py"), { mode: 0o755 });
        }
      }
    },
    /** Runs a command line (a documented one) in the app's folder, with the fakes first on PATH. */
    shell(command: string) {
      writeFileSync(callsFile, "");
      return spawnSync("bash", ["-c", command], {
        cwd: kit.dir,
        encoding: "utf8",
        timeout: 30_000,
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_DOCKER_STATE: join(dir, "state"), FAKE_FAIL: "" },
      });
    },
    /** Every docker call of the last run, compose's global options dropped: "compose up -d ...". */
    calls(): string[] {
      return readFileSync(callsFile, "utf8")
        .trim()
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as string[]).join(" ").replace(/^compose -p \S+ --env-file \S+ -f \S+ /, "compose "));
    },
    tags: (): Record<string, string> => state().tags,
    running: (service: string): string | undefined => state().containers[service]?.image,
    container: (service: string): { id: string; image: string } | undefined => state().containers[service],
    migrations: (): string[] => state().migrations,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe("scripts/deploy.sh, run against a fake docker that keeps images and containers", () => {
  let kit: Kit;
  let docker: ReturnType<typeof fakeDocker>;
  const tag = (t: string) => docker.tags()[`${kit.plan.name}-app:${t}`];
  beforeAll(() => {
    kit = generateKit("vps", "django-celery");
    docker = fakeDocker(kit);
  });
  afterAll(() => {
    docker?.cleanup();
    kit?.cleanup();
  });

  const healthThroughNginx = () =>
    `curl -fsS -k -o /dev/null --max-time 5 --resolve ${kit.plan.domain}:443:127.0.0.1 https://${kit.plan.domain}${kit.plan.healthPath}`;
  const nginxConf = () => readFileSync(join(kit.dir, "nginx/nginx.conf"), "utf8");
  /** nginx.conf with a directive nginx does not know (the fake nginx -t rejects `bogus_directive`). */
  const rejected = (conf: string) => conf.replace(/^http \{$/m, "http {\n    bogus_directive on;");

  it("first deploy: tests nginx/ in a throwaway nginx, builds, starts db and redis, migrates once with the new image, then starts the app", () => {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v1" });
    expect(r.status, r.stderr).toBe(0);
    const compose = docker.calls().filter((c) => c.startsWith("compose "));
    expect(compose.slice(0, 8)).toEqual([
      // No nginx runs yet: nginx -t in a one-off container of the service.
      "compose exec -T nginx cat /etc/nginx/nginx.conf",
      "compose exec -T nginx tee /tmp/nginx.conf.deploy-test",
      "compose run --rm --no-deps -T --entrypoint nginx nginx -t -q",
      "compose ps -q web",
      "compose build --pull",
      "compose up -d --wait db redis",
      "compose run --rm -T release",
      "compose up -d --no-build --remove-orphans",
    ]);
    expect(docker.migrations()).toEqual(["sha256:v1"]);
    expect(docker.running("web")).toBe("sha256:v1");
    expect(docker.running("release")).toBeUndefined();
    expect(tag("previous")).toBeUndefined();
    expect(docker.calls()).toContain("compose exec -T nginx nginx -s reload");
    // Healthy in web, then served through nginx: the last check, and the deploy ends ok.
    expect(docker.calls().filter((c) => c.startsWith("curl "))).toEqual([healthThroughNginx()]);
    expect(r.stdout).toContain(`checking https://${kit.plan.domain}${kit.plan.healthPath} through nginx ok`);
  });

  it("a changed nginx.conf that nginx rejects stops the deploy before anything is built or replaced", () => {
    const good = nginxConf();
    const nginxBefore = docker.container("nginx")!.id;
    writeFileSync(join(kit.dir, "nginx/nginx.conf"), rejected(good));
    try {
      const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:bad" });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/unknown directive "bogus_directive"/);
      expect(r.stderr).toMatch(/nginx rejects the configuration in nginx\/ .*nothing was replaced, nginx keeps serving the previous one/);
      // Tested inside the running nginx, on the new file; nothing else happened.
      expect(docker.calls().filter((c) => c.startsWith("compose "))).toEqual([
        "compose exec -T nginx cat /etc/nginx/nginx.conf",
        "compose exec -T nginx tee /tmp/nginx.conf.deploy-test",
        "compose exec -T nginx nginx -t -q -c /tmp/nginx.conf.deploy-test",
      ]);
      expect(docker.container("nginx")!.id).toBe(nginxBefore);
      expect([docker.running("web"), tag("latest")]).toEqual(["sha256:v1", "sha256:v1"]);
    } finally {
      writeFileSync(join(kit.dir, "nginx/nginx.conf"), good);
    }
  });

  it("a deploy keeps the replaced image as :previous; a changed nginx.conf is tested, then nginx is recreated", () => {
    writeFileSync(join(kit.dir, "nginx/nginx.conf"), `${nginxConf()}# changed by a pull\n`);
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v2" });
    expect(r.status, r.stderr).toBe(0);
    expect([tag("previous"), tag("latest"), docker.running("web")]).toEqual(["sha256:v1", "sha256:v2", "sha256:v2"]);
    const calls = docker.calls();
    const recreate = calls.indexOf("compose up -d --no-deps --force-recreate nginx");
    expect(recreate).toBeGreaterThan(0);
    expect(calls.lastIndexOf("compose exec -T nginx nginx -t -q -c /tmp/nginx.conf.deploy-test")).toBeLessThan(recreate);
    expect(calls).not.toContain("compose exec -T nginx nginx -s reload");
  });

  it("a failed migration stops the deploy: the old containers keep serving, :latest stays the running image", () => {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v3", FAKE_FAIL: "release" });
    expect(r.status).not.toBe(0);
    expect(docker.running("web")).toBe("sha256:v2");
    expect(docker.running("worker")).toBe("sha256:v2");
    expect(r.stderr).toMatch(/migrations failed: nothing was replaced/);
    expect([tag("latest"), tag("failed"), tag("previous")]).toEqual(["sha256:v2", "sha256:v3", "sha256:v1"]);
    expect(docker.calls().some((c) => c.startsWith("compose up -d --no-build"))).toBe(false);
  });

  it("--rollback moves the tags, so the old image runs now and after any later `up`", () => {
    const r = docker.run("deploy.sh", ["--rollback"]);
    expect(r.status, r.stderr).toBe(0);
    expect(docker.calls().some((c) => c.startsWith("compose build"))).toBe(false);
    expect([docker.running("web"), tag("latest"), tag("failed")]).toEqual(["sha256:v1", "sha256:v1", "sha256:v2"]);
    // What a restart or a hand-typed `docker compose up -d` starts: still the rolled-back image.
    const up = spawnSync("docker", ["compose", "-p", kit.plan.name, "--env-file", ".env.production", "-f", "docker-compose.prod.yml", "up", "-d"], {
      cwd: kit.dir,
      encoding: "utf8",
      env: { ...process.env, PATH: `${dirname(docker.le)}/bin:${process.env.PATH}`, FAKE_DOCKER_STATE: join(dirname(docker.le), "state") },
    });
    expect(up.status, up.stderr).toBe(0);
    expect(docker.running("web")).toBe("sha256:v1");
  });

  it("the deploy after a rollback keeps the image that ran as :previous, not the broken one", () => {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v4" });
    expect(r.status, r.stderr).toBe(0);
    expect([tag("previous"), docker.running("web")]).toEqual(["sha256:v1", "sha256:v4"]);
  });

  it("redeploying the same build leaves :previous on the older image", () => {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v4" });
    expect(r.status, r.stderr).toBe(0);
    expect([tag("previous"), docker.running("web")]).toEqual(["sha256:v1", "sha256:v4"]);
  });

  it("web healthy but nginx not serving the health path: the deploy fails and names --rollback", () => {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v5", FAKE_FAIL: "nginx" });
    expect(r.status).not.toBe(0);
    expect(r.stdout).toMatch(/waiting for the health check\.* ok/);
    expect(r.stderr).toContain(`nginx does not serve https://${kit.plan.domain}${kit.plan.healthPath}`);
    expect(r.stderr).toMatch(/Couldn't connect to server\); roll back with scripts\/deploy\.sh --rollback/);
    expect(r.stdout).not.toMatch(/through nginx ok/);
    // Retried (nginx may still be starting), then given up.
    expect(docker.calls().filter((c) => c === healthThroughNginx())).toHaveLength(15);
    expect(docker.calls()).toContain("compose logs --tail 50 nginx");
  });

  it("without curl, the check through nginx is skipped and says so", () => {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v5", FAKE_FAIL: "nginx" }, { noCurl: true });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: curl is not installed, so the check through nginx (https://${kit.plan.domain}${kit.plan.healthPath}) was skipped`);
    expect(docker.calls().filter((c) => c.startsWith("curl "))).toEqual([]);
  });

  it("refuses to deploy while a file it uses holds create-prod-kit update conflict markers, before any docker command", () => {
    const files = [
      "Dockerfile",
      "docker-compose.prod.yml",
      "nginx/nginx.conf",
      "nginx/snippets/custom.conf",
      "gunicorn.conf.py",
      "scripts/backup-db.sh",
      kit.plan.django!.productionSettingsPath,
    ];
    for (const path of files) {
      const before = readFileSync(join(kit.dir, path), "utf8");
      const lines = before.split("\n");
      // What `create-prod-kit update` writes where both sides changed the same lines.
      lines.splice(2, 0, "<<<<<<< yours", "# your version", "=======", "# the kit's version", ">>>>>>> create-prod-kit");
      writeFileSync(join(kit.dir, path), lines.join("\n"));
      try {
        const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v6" });
        expect(r.status, path).not.toBe(0);
        expect(r.stderr, path).toContain(`unresolved create-prod-kit update conflicts in ${path}:`);
        expect(docker.calls(), path).toEqual([]);
      } finally {
        writeFileSync(join(kit.dir, path), before);
      }
    }
    expect(docker.running("web")).toBe("sha256:v5");
    // The same text, not as whole lines (a comment quoting it), is no conflict.
    const settings = kit.plan.django!.productionSettingsPath;
    const before = readFileSync(join(kit.dir, settings), "utf8");
    writeFileSync(join(kit.dir, settings), `${before}# a merge leaves <<<<<<< yours / >>>>>>> create-prod-kit lines\n`);
    try {
      const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:v6" });
      expect(r.status, r.stderr).toBe(0);
    } finally {
      writeFileSync(join(kit.dir, settings), before);
    }
  });

  it("after a restore (the app stopped as restore-db.sh stops it), the runbook's hand-run migration works", () => {
    const services = /^APP_SERVICES=\(\n((?:  \S+\n)+)\)/m.exec(kit.read("scripts/restore-db.sh"))![1]!.trim().split(/\s+/);
    expect(services).toEqual(["web", "worker", "beat"]);
    const pinned = `docker compose -p ${kit.plan.name} --env-file .env.production -f docker-compose.prod.yml`;
    expect(docker.shell(`${pinned} stop ${services.join(" ")}`).status).toBe(0);
    expect(docker.running("web")).toBeUndefined();
    const runbook = kit.read("docs/RUNBOOK.md");
    const byHand = runbook.slice(runbook.indexOf("To run them by hand (for example after restoring a backup):"));
    const command = /`([^`]+)`/.exec(byHand)![1]!;
    expect(command).toBe(`${pinned} run --rm release`);
    const migrations = docker.migrations().length;
    const r = docker.shell(command);
    expect(r.status, r.stderr).toBe(0);
    // The release service ran once, with the deployed image, and started nothing else.
    expect(docker.migrations().slice(migrations)).toEqual([tag("latest")]);
    expect(docker.running("web")).toBeUndefined();
    // Other one-off commands still go to the running web container.
    expect(runbook).toContain(`\`${pinned} exec web python manage.py createsuperuser\``);
  });
});

it("scripts/deploy.sh without a release step (FastAPI without Alembic) runs no migration", () => {
  const kit = generateKit("vps", "fastapi-chatwoot");
  const docker = fakeDocker(kit);
  try {
    const r = docker.run("deploy.sh", [], { FAKE_BUILD_ID: "sha256:f1" });
    expect(r.status, r.stderr).toBe(0);
    expect(docker.calls().filter((c) => c.startsWith("compose run") && !c.includes(" --entrypoint nginx nginx "))).toEqual([]);
    expect(docker.running("web")).toBe("sha256:f1");
  } finally {
    docker.cleanup();
    kit.cleanup();
  }
});

describe("scripts/init-letsencrypt.sh, run against a fake docker and certbot", () => {
  let kit: Kit;
  let docker: ReturnType<typeof fakeDocker>;
  const live = (file: string) => join(docker.le, "live", kit.plan.domain, file);
  const cert = () => readFileSync(live("fullchain.pem"), "utf8");
  const certonly = () => docker.calls().filter((c) => c.includes(" --entrypoint certbot certbot certonly "));
  const shell = () => docker.calls().filter((c) => c.includes(" --entrypoint sh certbot -c "));
  beforeAll(() => {
    kit = generateKit("vps", "django-channels");
    docker = fakeDocker(kit);
  });
  afterAll(() => {
    docker?.cleanup();
    kit?.cleanup();
  });

  it("with certbot failing the first time, leaves the temporary certificate so nginx keeps running", () => {
    requireTools(["openssl"]);
    const r = docker.run("init-letsencrypt.sh", [], { FAKE_FAIL: "certbot" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/certbot failed/);
    expect(cert()).toMatch(/BEGIN CERTIFICATE/);
    expect(existsSync(live("README.dummy"))).toBe(true);
    expect(docker.calls()).toContain("compose up -d --no-deps nginx");
    expect(docker.calls()).toContain("compose exec -T nginx nginx -s reload");
  });

  it("replaces the temporary certificate with a real one under the domain's name (no --force needed)", () => {
    const r = docker.run("init-letsencrypt.sh", []);
    expect(r.status, r.stderr).toBe(0);
    expect(cert()).toBe("REAL CERT 1 fullchain\n");
    expect(existsSync(live("README.dummy"))).toBe(false);
    expect(certonly()).toHaveLength(1);
    expect(certonly()[0]).toContain(` --cert-name ${kit.plan.domain} `);
    expect(certonly()[0]).not.toMatch(/--rsa-key-size|--force-renewal/);
  });

  it("leaves a real certificate alone without --force", () => {
    const r = docker.run("init-letsencrypt.sh", []);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/already exists; use --force/);
    expect(certonly()).toEqual([]);
    expect(cert()).toBe("REAL CERT 1 fullchain\n");
  });

  it("--force with a real certificate: a failed request keeps it, nothing is deleted, no dummy", () => {
    const r = docker.run("init-letsencrypt.sh", ["--force"], { FAKE_FAIL: "certbot" });
    expect(r.status).not.toBe(0);
    expect(cert()).toBe("REAL CERT 1 fullchain\n");
    expect(r.stderr).toMatch(/current certificate is still in place/);
    expect(existsSync(live("README.dummy"))).toBe(false);
    for (const call of shell()) expect(call).not.toMatch(/rm -rf|openssl req/);
  });

  it("--force with a real certificate renews it in place (--force-renewal on the same name)", () => {
    const r = docker.run("init-letsencrypt.sh", ["--force"]);
    expect(r.status, r.stderr).toBe(0);
    expect(cert()).toBe("REAL CERT 2 fullchain\n");
    expect(certonly()).toHaveLength(1);
    expect(certonly()[0]).toContain(` --cert-name ${kit.plan.domain} `);
    expect(certonly()[0]).toContain(" --force-renewal");
    for (const call of shell()) expect(call).not.toMatch(/rm -rf|openssl req/);
    expect(docker.calls()).toContain("compose exec -T nginx nginx -s reload");
  });
});
