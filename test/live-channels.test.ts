// Live: the Django Channels VPS kit serving real traffic on loopback, without Docker. Two web
// instances (the image's CMD: Gunicorn with Uvicorn workers, ASGI) behind the generated nginx.conf,
// `web` answered by the DNS stand-in with both addresses, as Docker's DNS answers for a service
// scaled to two; WebSocket clients on each instance and through nginx (wss) exchange group
// messages over the Redis channel layer the production settings configure.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, generateKit, type Kit } from "./helpers/kit.js";
import { HELPERS, PYTHON } from "./helpers/live.js";
import { VpsLive, checkVps, type AppPage } from "./helpers/live-vps.js";
import { requireRoot, requireTools } from "./helpers/tools.js";

interface ChannelsApp {
  label: string;
  app?: string;
  page: AppPage;
  staticName?: string;
  addStatic?: string;
  /** The WebSocket path of a consumer that joins a group and sends what it receives to the group. */
  groupPath: string;
  /** Changes to the app's copy after the kit is generated: a feature the app did not have. */
  edit?: (dir: string) => void;
  /** An echo consumer the app has, behind AllowedHostsOriginValidator. */
  echoPath?: string;
}

const APPS: ChannelsApp[] = [
  {
    label: "examples/django-channels",
    page: { method: "POST", path: "/health/", what: "Django's CSRF failure page" },
    staticName: "live/scores.css",
    addStatic: "live/static/live/scores.css",
    groupPath: "/ws/scores/",
  },
  {
    label: "fixtures/django-poetry",
    app: join(FIXTURES, "django-poetry"),
    page: { method: "POST", path: "/healthcheck/", what: "Django's CSRF failure page" },
    groupPath: "/live/room/",
    echoPath: "/live/echo/",
    // Its only consumer echoes to its own socket: a room consumer is added beside it, as the app
    // would to broadcast (its RedisPubSubChannelLayer and prefix are the app's own settings).
    edit: (dir) => {
      appendFileSync(
        join(dir, "core", "consumers.py"),
        `

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402


class RoomConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        await self.channel_layer.group_add("room", self.channel_name)
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        await self.channel_layer.group_send("room", {"type": "room.message", "text": text_data})

    async def room_message(self, event):
        await self.send(text_data=event["text"])
`,
      );
      const asgi = join(dir, "core", "asgi.py");
      const text = readFileSync(asgi, "utf8")
        .replace("from core.consumers import EchoConsumer", "from core.consumers import EchoConsumer, RoomConsumer")
        .replace('[re_path(r"^live/echo/$", EchoConsumer.as_asgi())]', '[re_path(r"^live/echo/$", EchoConsumer.as_asgi()), re_path(r"^live/room/$", RoomConsumer.as_asgi())]');
      expect(text).toContain("RoomConsumer.as_asgi()");
      writeFileSync(asgi, text);
    },
  },
];

const CSS = `/* scores */\n${Array.from({ length: 40 }, (_, i) => `.team-${i} { padding: ${i}px; border-left: ${i % 5}px solid #${(i * 654321).toString(16).slice(0, 6).padEnd(6, "0")}; }`).join("\n")}\n`;
const INSTANCES = ["127.0.0.1", "127.0.0.2"];

beforeAll(() => {
  requireTools(["nginx", "unshare", "nsenter", "setpriv", "runuser", "ip", "timeout", "redis-server", "redis-cli", "psql", "gunicorn", "openssl"]);
  requireRoot("the live tests");
});

describe.each(APPS)("live vps × django-channels: $label", (app) => {
  let kit: Kit;
  let live: VpsLive;

  beforeAll(async () => {
    kit = generateKit("vps", "django-channels", { app: app.app });
    if (app.addStatic) {
      mkdirSync(dirname(join(kit.dir, app.addStatic)), { recursive: true });
      writeFileSync(join(kit.dir, app.addStatic), CSS);
    }
    app.edit?.(kit.dir);
    live = await VpsLive.start(kit, { webAddresses: INSTANCES });
  });
  afterAll(() => {
    live?.stop();
    kit?.cleanup();
  });

  it("VPS: nginx in front of two instances of the image's CMD serves it as production needs", () => {
    const proved = checkVps(live, { page: app.page, staticName: app.staticName, healthBody: /^ok\n$/ });
    console.log(`live vps/django-channels ${app.label}: ${proved.join("; ")}`);
  });

  it("Channels: a client on one instance receives the group messages sent on the other, also through nginx (wss)", () => {
    const port = live.upstreamPort;
    const url = (scheme: string) => `${scheme}://${live.domain}${app.groupPath}`;
    const config = {
      origin: `https://${live.domain}`,
      clients: [
        // Straight to each instance (the Host and Origin a browser sends through nginx).
        { name: "A", url: url("ws"), connect: `${INSTANCES[0]}:${port}` },
        { name: "B", url: url("ws"), connect: `${INSTANCES[1]}:${port}` },
        // Through nginx, which picks either instance.
        { name: "nginx-1", url: url("wss") },
        { name: "nginx-2", url: url("wss") },
      ],
      send: [
        ["A", "sent on instance A"],
        ["B", "sent on instance B"],
        ["nginx-1", "sent through nginx"],
      ],
      expect: 3,
    };
    const path = join(live.ns.dir, "ws.json");
    writeFileSync(path, JSON.stringify(config));
    const r = live.ns.run([PYTHON, join(HELPERS, "live-probe.py"), "websockets", path], { timeoutMs: 60_000 });
    expect(r.status, `${r.stderr}\n${live.ns.logs()}`).toBe(0);
    const { received } = JSON.parse(r.stdout) as { received: Record<string, string[]> };
    const all = ["sent on instance A", "sent on instance B", "sent through nginx"];
    // A's socket is on instance A, B's on instance B: each got the other's message through Redis.
    for (const name of ["A", "B", "nginx-1", "nginx-2"]) expect(received[name], `${name}\n${live.ns.logs()}`).toEqual(all);

    // nginx sends requests to both instances (`web` resolves to both).
    const requests = Array.from({ length: 20 }, (_, i) => ({ name: `health ${i}`, url: `https://${live.domain}${kit.plan.healthPath}?n=${i}` }));
    const results = live.probe(requests);
    for (const req of requests) expect(results[req.name]!.status).toBe(200);
    const served = live.webs.map((w) => (live.ns.log(w.name).match(new RegExp(`${kit.plan.healthPath.replace(/[/?]/g, "\\$&")}\\?n=\\d+`, "g")) ?? []).length);
    expect(served.reduce((a, b) => a + b), served.join(" + ")).toBe(20);
    for (const n of served) expect(n, `requests per instance: ${served.join(", ")}`).toBeGreaterThan(0);

    let echo = "";
    if (app.echoPath) {
      const echoConfig = join(live.ns.dir, "echo.json");
      writeFileSync(echoConfig, JSON.stringify({ origin: `https://${live.domain}`, url: `wss://${live.domain}${app.echoPath}`, text: "echo me" }));
      const e = live.ns.run([PYTHON, join(HELPERS, "live-probe.py"), "echo", echoConfig], { timeoutMs: 30_000 });
      expect(e.status, e.stderr).toBe(0);
      const res = JSON.parse(e.stdout) as { echo?: string; error?: string; foreign_origin: string };
      expect(res.error).toBeUndefined();
      expect(res.echo).toBe("echo me");
      // AllowedHostsOriginValidator still guards the socket behind nginx.
      expect(res.foreign_origin).toMatch(/403/);
      echo = `; ${app.echoPath} echoes through nginx and refuses a foreign Origin`;
    }
    console.log(
      `live channels ${app.label}: 2 instances (${INSTANCES.join(", ")}:${port}); group messages cross instances through the Redis layer, to clients on each and through nginx (wss); nginx spread 20 requests ${served.join("/")}${echo}`,
    );
  });
});
