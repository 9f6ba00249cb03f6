// render.yaml, railway*.json and easypanel/template.json: valid against the platforms' schemas
// (../shared/schemas) for every stack, and right in what the schemas cannot say.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLATFORMS, STACKS } from "../src/answers.js";
import { platforms } from "../src/platforms/index.js";
import { COMBOS, FIXTURES, renderFiles, SCHEMAS, SHARED } from "./helpers/kit.js";

const schema = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), "utf8"));
const validateRender = new Ajv2020.default({ strict: false, allErrors: true }).compile(schema("render.schema.json"));
const validateRailway = new Ajv.default({ allErrors: true, allowUnionTypes: true }).compile(schema("railway.schema.derived.json"));
const validateEasypanel = new Ajv.default({ allErrors: true, allowUnionTypes: true }).compile(schema("easypanel-template.schema.json"));

const fileOf = (files: { path: string; content: string }[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`${path} was not generated`);
  return f.content;
};

let validated = 0;

describe.each(STACKS)("render.yaml for %s", (stack) => {
  const { plan, files } = renderFiles("render", stack);
  const doc = parse(fileOf(files, "render.yaml"));
  const services = doc.services as Record<string, any>[];
  const byName = (suffix: string) => services.find((s) => s.name === `${plan.name}-${suffix}`)!;

  it("is valid against Render's Blueprint schema", () => {
    const ok = validateRender(doc);
    expect(validateRender.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    validated++;
  });

  it("builds every process from the Dockerfile and runs migrations before deploy", () => {
    for (const s of services.filter((x) => x.type !== "keyvalue")) expect(s.runtime).toBe("docker");
    const web = byName("web");
    expect(web.type).toBe("web");
    expect(web.healthCheckPath).toBe(plan.healthPath);
    expect(web.domains).toEqual(["app.example.com"]);
    const release = plan.processes.find((p) => p.kind === "release");
    expect(web.preDeployCommand).toBe(release ? release.command.join(" ") : undefined);
    // No process runs migrations in its start command.
    for (const s of services) expect(String(s.dockerCommand ?? "")).not.toMatch(/migrate|upgrade head/);
  });

  it("wires PostgreSQL and a private Key Value instance, with no secret in the file", () => {
    const kv = services.find((s) => s.type === "keyvalue")!;
    expect(kv.ipAllowList).toEqual([]);
    expect(kv.maxmemoryPolicy).toBe("noeviction");
    expect(doc.databases[0].ipAllowList).toEqual([]);
    for (const s of services.filter((x) => x.type !== "keyvalue")) {
      const env = s.envVars as Record<string, any>[];
      expect(env.find((e) => e.key === "DATABASE_URL")!.fromDatabase).toEqual({ name: `${plan.name}-db`, property: "connectionString" });
      expect(env.find((e) => e.key === "REDIS_URL")!.fromService).toMatchObject({ type: "keyvalue", name: `${plan.name}-redis` });
      expect(env).toContainEqual({ fromGroup: `${plan.name}-shared` });
    }
    const group = doc.envVarGroups[0].envVars as Record<string, any>[];
    if (plan.framework === "django") expect(group.find((e) => e.key === "SECRET_KEY")).toEqual({ key: "SECRET_KEY", generateValue: true });
    // Third-party keys are asked for in the Dashboard (sync: false), never written, and only once.
    for (const v of plan.env.filter((x) => x.source.kind === "user")) expect(group).toContainEqual({ key: v.name, sync: false });
  });

  it("declares each variable once, except the datastore wiring each service needs", () => {
    const places = new Map<string, unknown[]>();
    const entries = [...doc.envVarGroups.flatMap((g: any) => g.envVars), ...services.flatMap((s) => s.envVars ?? [])];
    for (const e of entries.filter((x: any) => x.key)) places.set(e.key, [...(places.get(e.key) ?? []), e]);
    const datastores = new Set(plan.env.filter((v) => v.source.kind === "datastore").map((v) => v.name));
    for (const [key, found] of places) {
      if (datastores.has(key)) expect(found).toHaveLength(services.filter((s) => s.type !== "keyvalue").length);
      // PROCESS_TYPE differs per process by design.
      else if (key === "PROCESS_TYPE") expect(new Set(found.map((e: any) => e.value)).size).toBe(found.length);
      else expect(found, key).toHaveLength(1);
    }
    expect(places.get("SENTRY_DSN")).toEqual([{ key: "SENTRY_DSN", sync: false }]);
  });

  it("runs the scheduler as exactly one instance", () => {
    const schedulers = plan.processes.filter((p) => p.kind === "scheduler");
    for (const p of schedulers) expect(byName(p.name)).toMatchObject({ type: "worker", numInstances: 1 });
    if (stack === "django-celery") expect(schedulers).toHaveLength(1);
    for (const s of services) expect(String(s.dockerCommand ?? "")).not.toMatch(/ -B\b|--beat/);
  });

  it("gives every singleton a disk, so deploys and maintenance never overlap two of them", () => {
    // A disk turns off Render's zero-downtime deploys for the service: the old instance stops first.
    const singletons = plan.processes.filter((p) => p.singleton && p.kind !== "release");
    if (stack === "django-celery") expect(singletons.map((p) => p.name)).toEqual(["beat"]);
    const runbook = fileOf(files, "docs/RUNBOOK.md");
    for (const p of singletons) {
      const s = byName(p.name);
      expect(s.numInstances).toBe(1);
      expect(s.scaling).toBeUndefined();
      expect(s.disk).toMatchObject({ name: `${plan.name}-${p.name}-lock`, sizeGB: 1 });
      expect(s.disk.mountPath).toMatch(/^\/var\/lib\//);
      // The runbook names the same disk and says why it is there.
      expect(runbook).toContain(`\`${s.disk.name}\` at \`${s.disk.mountPath}\``);
      expect(runbook).toMatch(/The disk is what guarantees one beat/);
    }
    // Everything else keeps zero-downtime deploys.
    const singletonNames = new Set(singletons.map((p) => `${plan.name}-${p.name}`));
    for (const s of services.filter((x) => !singletonNames.has(x.name))) expect(s.disk).toBeUndefined();
  });

  it("lets workers finish running tasks on shutdown, within Render's 300 s limit", () => {
    const runbook = fileOf(files, "docs/RUNBOOK.md");
    for (const p of plan.processes.filter((x) => x.kind === "worker")) {
      const delay = byName(p.name).maxShutdownDelaySeconds;
      expect(delay).toBeGreaterThan(30);
      expect(delay).toBeLessThanOrEqual(300);
      expect(runbook).toContain(`maxShutdownDelaySeconds: ${delay}`);
    }
  });
});

describe.each(STACKS)("railway files for %s", (stack) => {
  const { plan, files } = renderFiles("railway", stack);
  const railwayFiles = files.filter((f) => f.path === "railway.json" || f.path.startsWith("railway/"));

  it("are valid against the Railway schema, one per service", () => {
    expect(railwayFiles.map((f) => f.path).sort()).toEqual(
      plan.processes
        .filter((p) => p.kind !== "release")
        .map((p) => (p.kind === "web" ? "railway.json" : `railway/${p.name}.json`))
        .sort(),
    );
    for (const f of railwayFiles) {
      const doc = JSON.parse(f.content);
      validateRailway(doc);
      expect(validateRailway.errors ?? [], f.path).toEqual([]);
      expect(doc.build).toEqual({ builder: "DOCKERFILE", dockerfilePath: "Dockerfile" });
      expect(doc.deploy.restartPolicyType).toBe("ON_FAILURE");
      validated++;
    }
  });

  it("runs migrations as a pre-deploy command and checks health on the web service", () => {
    const web = JSON.parse(fileOf(files, "railway.json"));
    const release = plan.processes.find((p) => p.kind === "release");
    expect(web.deploy.preDeployCommand).toEqual(release ? [release.command.join(" ")] : undefined);
    expect(web.deploy.healthcheckPath).toBe(plan.healthPath);
    expect(web.deploy.startCommand).toBeUndefined();
  });

  it("keeps the scheduler at one replica with no overlap, and the runbook attaches the volume that enforces it", () => {
    const runbook = fileOf(files, "docs/RUNBOOK.md");
    for (const p of plan.processes.filter((x) => x.kind === "scheduler")) {
      const doc = JSON.parse(fileOf(files, `railway/${p.name}.json`));
      expect(doc.deploy).toMatchObject({ numReplicas: 1, overlapSeconds: 0, startCommand: p.command.join(" ") });
      // overlapSeconds: 0 only sends SIGTERM once the new deployment is active; a volume is what
      // keeps two deployments from being active together, and config as code cannot declare one.
      expect(runbook).toMatch(new RegExp(`\`${p.name}\` also gets a volume[^\\n]*mount path \`/var/lib/${p.name}-lock\``));
      expect(runbook).not.toMatch(/so the old deployment stops before the new one starts/);
    }
  });

  it("runbook: services are created empty and configured before the repository is connected", () => {
    const runbook = fileOf(files, "docs/RUNBOOK.md");
    const setup = runbook.slice(runbook.indexOf("## First deploy"), runbook.indexOf("## Deploying changes"));
    const at = (text: string) => {
      const i = setup.indexOf(text);
      expect(i, text).toBeGreaterThan(-1);
      return i;
    };
    const connect = at("**Connect Repo**");
    expect(at("**Empty Service**")).toBeLessThan(connect);
    expect(at("**Raw Editor**")).toBeLessThan(connect);
    for (const p of plan.processes.filter((x) => x.kind !== "release" && x.kind !== "web")) {
      expect(at(`\`/railway/${p.name}.json\` for \`${p.name}\``)).toBeLessThan(connect);
    }
    // The variables each service gets: shared references, datastore references, web's own values.
    const blocks = [...setup.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!.split("\n").map((l) => l.trim()).filter(Boolean));
    const [shared, references, webOnly] = blocks;
    const names = (lines: string[] | undefined) => (lines ?? []).map((l) => l.slice(0, l.indexOf("=")));
    const common = plan.env.filter((v) => !v.only);
    expect(names(references).sort()).toEqual(common.map((v) => v.name).sort());
    expect(names(webOnly).sort()).toEqual(plan.env.filter((v) => v.only?.includes("web")).map((v) => v.name).sort());
    // Nothing but the web process has variables of its own today; a new one would need the runbook.
    for (const v of plan.env) if (v.only) expect(v.only).toEqual(["web"]);
    for (const v of common) {
      const line = references!.find((l) => l.startsWith(`${v.name}=`));
      if (v.source.kind === "datastore") expect(line).toMatch(/^\w+=\$\{\{(Postgres\.DATABASE_URL|Redis\.REDIS_URL)\}\}$/);
      else {
        expect(line).toBe(`${v.name}=\${{shared.${v.name}}}`);
        expect(names(shared)).toContain(v.name);
      }
      // Secrets never get a value in the runbook.
      if (v.secret) expect(shared!.concat(references!)).not.toContainEqual(expect.stringMatching(new RegExp(`^${v.name}=[^$]`)));
    }
    if (plan.framework === "django") expect(references).toContain("SECRET_KEY=${{shared.SECRET_KEY}}");
  });

  it("gives replaced deployments a numeric draining time: web requests, longer for worker tasks", () => {
    const runbook = fileOf(files, "docs/RUNBOOK.md");
    for (const p of plan.processes.filter((x) => x.kind === "web" || x.kind === "worker")) {
      const doc = JSON.parse(fileOf(files, p.kind === "web" ? "railway.json" : `railway/${p.name}.json`));
      // Railway rejects a string here ("Expected number, received string").
      expect(typeof doc.deploy.drainingSeconds).toBe("number");
      expect(doc.deploy.drainingSeconds).toBeGreaterThanOrEqual(p.kind === "web" ? 30 : 60);
      expect(runbook).toContain(`\`drainingSeconds: ${doc.deploy.drainingSeconds}\``);
    }
    if (stack === "django-celery") expect(runbook).toMatch(/has 120 s \(`drainingSeconds`/);
  });
});

describe.each(STACKS)("easypanel/template.json for %s", (stack) => {
  const { plan, files } = renderFiles("easypanel", stack);
  const doc = JSON.parse(fileOf(files, "easypanel/template.json"));
  const apps = (doc.services as Record<string, any>[]).filter((s) => s.type === "app");

  it("is valid against the Easypanel template schema", () => {
    validateEasypanel(doc);
    expect(validateEasypanel.errors ?? []).toEqual([]);
    validated++;
  });

  it("has an app service per process from the Dockerfile, plus postgres and redis", () => {
    expect(apps.map((a) => a.data.serviceName).sort()).toEqual(plan.processes.map((p) => p.name).sort());
    expect(doc.services.map((s: { type: string }) => s.type)).toEqual(expect.arrayContaining(["postgres", "redis"]));
    for (const a of apps) expect(a.data.build).toEqual({ type: "dockerfile", file: "Dockerfile" });
    const web = apps.find((a) => a.data.serviceName === "web")!;
    expect(web.data.deploy.command).toBeNull();
    expect(web.data.domains).toEqual([{ host: "app.example.com", https: true, port: plan.port, path: "/" }]);
  });

  it("never runs two schedulers or migrations in web replicas, and holds no secret", () => {
    for (const a of apps) {
      const p = plan.processes.find((x) => x.name === a.data.serviceName)!;
      if (p.singleton) expect(a.data.deploy).toMatchObject({ replicas: 1, zeroDowntime: false });
      if (p.kind === "web") expect(String(a.data.deploy.command ?? "")).not.toMatch(/migrate/);
      for (const v of plan.env.filter((x) => x.secret)) expect(a.data.env).toMatch(new RegExp(`^${v.name}=$`, "m"));
    }
    for (const s of doc.services) expect(s.data.password).toBeUndefined();
  });
});

describe("schema validation count", () => {
  it("validated every platform file of every stack", () => {
    // 3 render.yaml + 3 easypanel templates + one railway file per non-release process.
    expect(validated).toBeGreaterThanOrEqual(3 + 3 + 3);
    console.log(`platform schemas: ${validated} files validated`);
  });
});

// GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes.
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/ /g, "-");

describe.each(COMBOS)("runbook and checklist links for $platform × $stack", ({ platform, stack }) => {
  const { files } = renderFiles(platform, stack);
  const docs = Object.fromEntries(
    ["RUNBOOK.md", "PRODUCTION_CHECKLIST.md"].map((name) => {
      const text = fileOf(files, `docs/${name}`);
      const anchors = new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
      return [name, { text, anchors }];
    }),
  );

  it("point at headings that exist", () => {
    let links = 0;
    for (const [name, { text }] of Object.entries(docs)) {
      for (const m of text.matchAll(/\]\(([A-Z_]+\.md)?#([^)]+)\)/g)) {
        const target = docs[m[1] ?? name];
        expect(target, m[0]).toBeDefined();
        expect([...target!.anchors], `${name}: ${m[0]}`).toContain(m[2]);
        links++;
      }
    }
    expect(links).toBeGreaterThan(5);
  });
});

describe.each(["render", "railway"] as const)("%s runbook", (platform) => {
  const runbook = fileOf(renderFiles(platform, "django-celery").files, "docs/RUNBOOK.md");
  const anchors = new Set([...runbook.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

  it("explains restoring through the platform", () => {
    if (platform === "render") {
      expect(anchors).toContain("restoring-through-render");
      // Render's point-in-time recovery creates a new database: the runbook must say how to get back to it.
      expect(runbook).toMatch(/never overwrites `acme-app-db`/);
      expect(runbook).toMatch(/Blueprint sync puts it back/);
    } else {
      expect(anchors).toContain("restoring-through-railway");
      expect(runbook).toMatch(/daily backups are kept 6 days, weekly ones 1 month, monthly ones 3 months/);
      expect(runbook).toMatch(/stages a new volume/);
    }
  });
});

it("easypanel runbook: an Exposed Port for the backup scripts is firewalled outside the server, since Docker's ports bypass ufw", () => {
  const runbook = fileOf(renderFiles("easypanel", "django-celery").files, "docs/RUNBOOK.md");
  const paragraph = runbook.split("\n\n").find((p) => p.includes("**Exposed Port**"))!;
  expect(paragraph).toBeDefined();
  expect(paragraph).not.toMatch(/firewalled to your IP/);
  expect(paragraph).toMatch(/bypass ufw/);
  expect(paragraph).toMatch(/in your provider's firewall in front of the server/);
  expect(paragraph).toMatch(/SSH tunnel/);
});

describe.each(COMBOS)("migration failures in the $platform × $stack runbook", ({ platform, stack }) => {
  const { plan, files } = renderFiles(platform, stack);
  const runbook = fileOf(files, "docs/RUNBOOK.md");
  const migrations = runbook.slice(runbook.indexOf("## Migrations"), runbook.indexOf("\n## ", runbook.indexOf("## Migrations") + 3));
  const release = plan.processes.find((p) => p.kind === "release");

  it("claim the previous version keeps serving only where a failed migration stops the deploy", () => {
    // Render and Railway pre-deploy commands and scripts/deploy.sh stop the deploy; Easypanel's
    // release service is independent, so nothing stops the other services from deploying.
    const keepsServing = /previous (version|`web` deployment)[^.]* keeps serving|old containers still serving/;
    if (!release) expect(migrations).toMatch(/No migration tool was detected/);
    else if (platform === "easypanel") {
      expect(runbook).not.toMatch(/previous version keeps serving/);
      expect(migrations).toMatch(/a failed migration stops nothing else/);
      expect(migrations).toMatch(/deploy `release` first and read its logs/);
    } else expect(migrations).toMatch(keepsServing);
  });
});


describe.each(["render", "railway", "easypanel"] as const)("FORWARDED_ALLOW_IPS on %s", (platform) => {
  const { plan, files } = renderFiles(platform, "fastapi-chatwoot");
  const v = plan.env.find((x) => x.name === "FORWARDED_ALLOW_IPS")!;

  it("is * only with an honest reason: the client address is forgeable, and how to narrow it", () => {
    expect(v.source).toEqual({ kind: "value", value: "*" });
    expect(v.only).toEqual(["web"]);
    // The old justification was false: other services on the platform's private network reach the port.
    for (const text of [v.description, ...files.filter((f) => f.path.endsWith(".md")).map((f) => f.content)]) {
      expect(text).not.toMatch(/only [^.]*proxy (can )?reach/i);
    }
    expect(v.description).toMatch(/can still reach the port/);
    expect(v.description).toMatch(/leftmost X-Forwarded-For entry/);
    expect(v.description).toMatch(/never key rate limits or security decisions on it/);
    expect(v.description).toMatch(/gunicorn >= 24\.1 and uvicorn >= 0\.31/);
    const runbook = fileOf(files, "docs/RUNBOOK.md");
    expect(runbook).not.toMatch(/trusted only from `FORWARDED_ALLOW_IPS=\*`/);
    expect(runbook).toMatch(/Uvicorn takes the leftmost `X-Forwarded-For` entry as the client address/);
    expect(fileOf(files, "docs/PRODUCTION_CHECKLIST.md")).toMatch(/can be forged/);
  });
});

describe.each(["render", "railway"] as const)("deploy order on %s", (platform) => {
  const { plan, files } = renderFiles(platform, "django-celery");
  const runbook = fileOf(files, "docs/RUNBOOK.md");

  it("warns that worker and beat do not wait for web's migration, and how the first deploy recovers", () => {
    expect(plan.django?.djangoCeleryBeat).toBe(true);
    const changes = runbook.slice(runbook.indexOf("## Deploying changes"), runbook.indexOf("## Rolling back"));
    expect(changes).toMatch(/Each service deploys on its own: `(acme-app-)?worker` and `(acme-app-)?beat` start the new code without waiting/);
    expect(changes).toMatch(/backward-compatible/);
    const setup = runbook.slice(runbook.indexOf("## First deploy"), runbook.indexOf("## Deploying changes"));
    if (platform === "render") expect(setup).toMatch(/`beat` \(its `DatabaseScheduler` reads its tables\) exits[^.]*\. Render restarts a process that exits/);
    else {
      expect(setup).toMatch(/deploy, `web` first/);
      expect(changes).toMatch(/`beat` started on a database without `django_celery_beat`'s tables, recovers with \*\*Redeploy\*\*/);
    }
  });
});

describe.each(PLATFORMS)("rolling back migrations on %s", (platform) => {
  it("suggests `alembic downgrade` only when Alembic was detected", () => {
    const without = renderFiles(platform, "fastapi-chatwoot");
    expect(without.plan.processes.some((p) => p.kind === "release")).toBe(false);
    const runbookWithout = fileOf(without.files, "docs/RUNBOOK.md");
    expect(runbookWithout).toMatch(/No migration tool was detected/);
    expect(runbookWithout).not.toMatch(/alembic downgrade/);

    const withAlembic = renderFiles(platform, "fastapi-chatwoot", { app: join(FIXTURES, "fastapi-reqs") });
    expect(withAlembic.plan.processes.find((p) => p.kind === "release")?.command).toEqual(["alembic", "upgrade", "head"]);
    expect(fileOf(withAlembic.files, "docs/RUNBOOK.md")).toMatch(/`alembic downgrade -1`/);
  });
});

describe.each(COMBOS)("troubleshooting in the $platform × $stack runbook", ({ platform, stack }) => {
  const { plan, files } = renderFiles(platform, stack);
  const runbook = fileOf(files, "docs/RUNBOOK.md");
  const section = (heading: string) => {
    const start = runbook.indexOf(`### ${heading}`);
    expect(start, heading).toBeGreaterThan(-1);
    const end = runbook.indexOf("\n### ", start + 4);
    return runbook.slice(start, end === -1 ? undefined : end);
  };
  const mod = platforms[platform];

  it("covers boot, port, timeout and database failures with this kit's names and commands", () => {
    const boot = section("The app does not start: `ModuleNotFoundError` or `Failed to find attribute`");
    expect(boot).toContain(`\`${plan.server.app}\``);
    const key = plan.framework === "fastapi" ? "fastapiApp" : plan.server.asgi ? "asgiApp" : "wsgiApp";
    expect(boot).toContain(`--set ${key}=`);
    expect(section("`WORKER TIMEOUT`, or a worker `was sent SIGKILL`")).toMatch(/GUNICORN_TIMEOUT/);
    const db = section("Database: `could not connect`, `too many connections`, SSL errors");
    if (plan.framework === "django") expect(db).toMatch(/CONN_MAX_AGE/);
    if (platform === "railway") expect(db).toMatch(/railway ssh/);
    if (platform === "easypanel") expect(db).toContain(`\`${plan.name}_db\``);
    if (platform === "render" || platform === "railway") {
      // The platform module says where the web logs are; the runbook uses exactly that.
      expect(section("`502`, or the platform finds no open port")).toContain(mod.logs("web", plan));
    } else expect(runbook).not.toMatch(/### `502`, or the platform finds no open port/);
  });
});

describe.each(PLATFORMS)("Chatwoot troubleshooting on %s", (platform) => {
  it("names the errors the webhook handler actually returns", () => {
    const runbook = fileOf(renderFiles(platform, "fastapi-chatwoot").files, "docs/RUNBOOK.md");
    const handler = runbook.slice(runbook.indexOf("### The webhook handler"), runbook.indexOf("### OpenAI"));
    const details = [...handler.matchAll(/status_code=401, detail="([^"]+)"/g)].map((m) => m[1]);
    expect(details).toHaveLength(2);
    const start = runbook.indexOf("### Chatwoot webhook gets `401`");
    const troubleshooting = runbook.slice(start, runbook.indexOf("\n### ", start + 4));
    for (const d of details) expect(troubleshooting).toContain(`\`${d}\``);
  });
});

describe("the vendored schemas", () => {
  it("are the ones in ../shared/schemas, byte for byte, wherever that folder is beside the repo", () => {
    const names = readdirSync(SCHEMAS).filter((n) => n.endsWith(".json"));
    expect(names.sort()).toEqual(["compose-spec.schema.json", "easypanel-template.schema.json", "railway.schema.derived.json", "render.schema.json"]);
    const shared = join(SHARED, "schemas");
    if (!existsSync(shared)) return; // a plain clone: the copies are the reference
    for (const name of names) expect(readFileSync(join(SCHEMAS, name), "utf8"), name).toBe(readFileSync(join(shared, name), "utf8"));
  });
});
