// Live: the Django + Celery VPS kit serving real traffic on loopback, without Docker. nginx (the
// generated nginx.conf) in front of Gunicorn started with the image's CMD, migrations applied by the
// compose `release` command, the worker and beat started with the compose commands, a task sent
// through the app and consumed by the worker (result in Redis), beat scheduling with its configured
// scheduler; and in every platform's files, no way to run a second beat.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLATFORMS } from "../src/answers.js";
import { FIXTURES, generateKit, renderFiles, type Kit } from "./helpers/kit.js";
import { waitFor, type LiveProcess } from "./helpers/live.js";
import { VpsLive, checkVps, type AppPage } from "./helpers/live-vps.js";
import { requireRoot, requireTools } from "./helpers/tools.js";

interface CeleryApp {
  label: string;
  app?: string;
  page: AppPage;
  /** A static file the app has, or one added to the copy (a real app has some). */
  staticName: string;
  addStatic?: string;
  /** How a task is sent through the app: a request through nginx, or the app's code in a one-off container. */
  send: { url: string } | { python: string };
  task: string;
  result: unknown;
  /** A periodic task for beat's DatabaseScheduler (django-celery-beat), stored before beat starts. */
  periodic?: { args: unknown[]; result: unknown };
  scheduler: string;
}

const APPS: CeleryApp[] = [
  {
    label: "examples/django-celery",
    page: { method: "GET", path: "/admin/login/", what: "Django admin's login page" },
    staticName: "admin/css/base.css",
    send: { url: "/orders/" },
    task: "orders.tasks.add",
    result: 5,
    periodic: { args: [20, 22], result: 42 },
    scheduler: "django_celery_beat.schedulers.DatabaseScheduler",
  },
  {
    label: "fixtures/django-legacy",
    app: join(FIXTURES, "django-legacy"),
    page: { method: "POST", path: "/ping/", what: "Django's CSRF failure page" },
    staticName: "billing/invoice.css",
    addStatic: "billing/static/billing/invoice.css",
    send: { python: "from billing.tasks import send_invoice; print(send_invoice.delay(4711).id)" },
    task: "billing.tasks.send_invoice",
    result: 4711,
    scheduler: "celery.beat.PersistentScheduler",
  },
];

const CSS = `/* invoices */\n${Array.from({ length: 40 }, (_, i) => `.line-${i} { margin: ${i}px 0; color: #${(i * 123456).toString(16).slice(0, 6).padEnd(6, "0")}; }`).join("\n")}\n`;

beforeAll(() => {
  requireTools(["nginx", "unshare", "nsenter", "setpriv", "runuser", "ip", "timeout", "redis-server", "redis-cli", "psql", "gunicorn", "celery", "openssl"]);
  requireRoot("the live tests");
});

describe.each(APPS)("live vps × django-celery: $label", (app) => {
  let kit: Kit;
  let live: VpsLive;
  let worker: LiveProcess;
  let beat: LiveProcess;
  let beatStarted = 0;

  beforeAll(async () => {
    kit = generateKit("vps", "django-celery", { app: app.app });
    if (app.addStatic) {
      mkdirSync(dirname(join(kit.dir, app.addStatic)), { recursive: true });
      writeFileSync(join(kit.dir, app.addStatic), CSS);
    }
    live = await VpsLive.start(kit);
  });
  afterAll(() => {
    live?.stop();
    kit?.cleanup();
  });

  it("VPS: nginx in front of the image's CMD serves it as production needs", () => {
    const proved = checkVps(live, { page: app.page, staticName: app.staticName, healthBody: /^ok\n$/ });
    console.log(`live vps/django-celery ${app.label}: ${proved.join("; ")}`);
  });

  it("Celery: migrations by the release command; the worker consumes a task sent through the app; beat runs its scheduler", async () => {
    // The compose release command migrated the database the web service uses.
    expect(Number(live.sql("SELECT count(*) FROM django_migrations"))).toBeGreaterThan(10);
    expect(live.sql("SELECT count(*) FROM django_migrations WHERE app = 'auth'")).not.toBe("0");
    if (app.periodic) {
      // A schedule in django-celery-beat's tables, as the admin would store it.
      const r = live.runIn("release", ["python", "manage.py", "shell", "-c",
        `from django_celery_beat.models import IntervalSchedule, PeriodicTask
every, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
PeriodicTask.objects.create(name="live test", task="${app.task}", interval=every, args="${JSON.stringify(app.periodic.args).replace(/"/g, '\\"')}")`]);
      expect(r.status, r.stderr).toBe(0);
    }
    worker = live.startService("worker");
    beat = live.startService("beat");
    beatStarted = Date.now();
    await waitFor("the worker to be ready", () => / ready\.$/m.test(live.ns.log("worker")), 30_000, () => live.ns.logs());

    // A task sent the app's way: through nginx to a view, or the app's code in a one-off container.
    let id: string;
    if ("url" in app.send) {
      const r = live.probe([{ name: "send", url: `https://${live.domain}${app.send.url}` }]).send!;
      expect(r.status, r.body).toBe(200);
      id = (JSON.parse(r.body!) as { task: string }).task;
    } else {
      const r = live.runIn("web", ["python", "manage.py", "shell", "-c", app.send.python]);
      expect(r.status, r.stderr).toBe(0);
      id = r.stdout.trim();
    }
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // Its result, in the result backend (REDIS_URL), written by the worker.
    const meta = await waitFor(`the result of task ${id}`, () => live.redis(["GET", `celery-task-meta-${id}`]), 20_000, () => live.ns.logs());
    expect(JSON.parse(meta)).toMatchObject({ status: "SUCCESS", result: app.result });
    expect(live.ns.log("worker")).toContain(`Task ${app.task}[${id}] succeeded`);

    // beat, with the scheduler the settings configure.
    await waitFor("beat to start", () => /beat: Starting\.\.\./.test(live.ns.log("beat")), 20_000, () => live.ns.logs());
    expect(live.ns.log("beat")).toContain(`scheduler -> ${app.scheduler}`);
    if (app.periodic) {
      // The stored schedule is due every second: beat sends it, the worker runs it.
      await waitFor("beat to send the stored periodic task", () => live.ns.log("beat").includes(`Sending due task live test (${app.task})`), 20_000, () => live.ns.logs());
      await waitFor("the worker to run it", () => new RegExp(`Task ${app.task.replace(/\./g, "\\.")}\\[[^\\]]+\\] succeeded in [^:]+: ${app.periodic!.result}`).test(live.ns.log("worker")), 20_000, () => live.ns.logs());
    }
    // And stays up.
    const upFor = 3000 - (Date.now() - beatStarted);
    if (upFor > 0) await new Promise((resolve) => setTimeout(resolve, upFor));
    expect(beat.exited, live.ns.logs()).toBe(false);
    expect(worker.exited, live.ns.logs()).toBe(false);
    expect(live.webs.every((w) => !w.exited)).toBe(true);
    console.log(
      `live celery ${app.label}: release migrated; task ${app.task} sent ${"url" in app.send ? `via ${app.send.url} through nginx` : "by the app's code"} consumed by the worker, result in Redis; beat up ${((Date.now() - beatStarted) / 1000).toFixed(1)} s with ${app.scheduler}${app.periodic ? ", its stored schedule run by the worker" : ""}`,
    );
  });

  it("a second beat is impossible in every platform's files", () => {
    const checked: string[] = [];
    for (const platform of PLATFORMS) {
      const { plan, files } = renderFiles(platform, "django-celery", { app: app.app });
      const file = (path: string) => files.find((f) => f.path === path)!.content;
      const beatName = plan.processes.find((p) => p.kind === "scheduler")!.name;
      if (platform === "vps") {
        const beatService = parse(file("docker-compose.prod.yml"), { version: "1.1" }).services[beatName];
        // A fixed container_name: compose cannot create a second container with that name.
        expect(beatService.container_name).toBe(`${plan.name}-${beatName}`);
        expect(beatService.deploy?.replicas ?? 1).toBe(1);
        expect(beatService.scale).toBeUndefined();
        checked.push("vps container_name");
      } else if (platform === "render") {
        const service = parse(file("render.yaml")).services.find((s: { name: string }) => s.name === `${plan.name}-${beatName}`);
        // numInstances 1, and a disk: Render never runs two instances of a service with a disk, not even during a deploy.
        expect(service.numInstances).toBe(1);
        expect(service.disk?.mountPath).toBeTruthy();
        expect(service.scaling).toBeUndefined();
        checked.push("render numInstances 1 + disk");
      } else if (platform === "railway") {
        const config = JSON.parse(file(`railway/${beatName}.json`));
        expect(config.deploy).toMatchObject({ numReplicas: 1, overlapSeconds: 0 });
        checked.push("railway numReplicas 1, overlapSeconds 0");
      } else {
        const service = JSON.parse(file("easypanel/template.json")).services.find((s: { data: { serviceName: string } }) => s.data.serviceName === beatName);
        expect(service.data.deploy).toMatchObject({ replicas: 1, zeroDowntime: false });
        checked.push("easypanel replicas 1, no zero-downtime overlap");
      }
    }
    expect(checked).toHaveLength(4);
  });
});
