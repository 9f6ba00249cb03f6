// Live: the FastAPI + Chatwoot VPS kit serving real traffic on loopback, without Docker. The app
// gets the webhook handler the generated RUNBOOK.md tells users to put in (copied from it, as a
// user would), runs with the image's CMD (Gunicorn with Uvicorn workers) behind the generated
// nginx.conf; a Chatwoot-shaped, signed `message_created` webhook POSTed through nginx reaches it,
// and a stand-in for Chatwoot's API on loopback receives the bot's reply with the bot's token.
import { createHmac } from "node:crypto";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, generateKit, type Kit } from "./helpers/kit.js";
import { HELPERS, PYTHON, waitFor } from "./helpers/live.js";
import { VpsLive, checkVps, type AppPage } from "./helpers/live-vps.js";
import { requireRoot, requireTools } from "./helpers/tools.js";

interface ChatwootApp {
  label: string;
  app?: string;
  page?: AppPage;
}

const APPS: ChatwootApp[] = [
  { label: "examples/fastapi-chatwoot", page: { method: "GET", path: "/openapi.json", what: "FastAPI's OpenAPI document" } },
  // Its docs and OpenAPI document are off: no response of it is big enough for gzip to matter.
  { label: "fixtures/fastapi-poetry2", app: join(FIXTURES, "fastapi-poetry2") },
];

const CHATWOOT = { host: "chatwoot.test", port: 3000 };

/**
 * What the runbook's "The webhook handler" section tells the user to do, done to the app's copy:
 * replace the app's handler of the webhook path with the runbook's code (or add it where the app
 * object is created). `generate_reply` is the user's own (the runbook's is an OpenAI call): here a
 * deterministic one. Returns the file changed.
 */
function applyRunbookHandler(kit: Kit): string {
  const runbook = kit.read("docs/RUNBOOK.md");
  const section = runbook.slice(runbook.indexOf("### The webhook handler"));
  const m = /Replace your `POST (\S+)` handler with this one \(if the app has none yet, add it where `(\w+)` is created in `([^`]+)`\)/.exec(section);
  expect(m, "the runbook says where the handler goes").not.toBeNull();
  const [, path, appVar, file] = m!;
  const code = /```python\n([\s\S]*?)```/.exec(section)![1]!;
  expect(code).toContain(`@${appVar}.post("${path}")`);
  const source = readFileSync(join(kit.dir, file!), "utf8").split("\n");
  // The app's own handler: its decorator line through the end of the function (the next top-level line).
  const start = source.findIndex((line) => line.startsWith(`@${appVar}.post("${path}")`));
  let kept = source;
  if (start >= 0) {
    let end = start + 1;
    while (end < source.length && (source[end]!.startsWith("def ") || source[end]!.startsWith("async def ") || !/^\S/.test(source[end]!))) end++;
    kept = [...source.slice(0, start), ...source.slice(end)];
  }
  const reply = `\n\nasync def generate_reply(text: str) -> str:\n    return f"reply to: {text}"\n`;
  writeFileSync(join(kit.dir, file!), `${kept.join("\n").trimEnd()}\n\n\n# The webhook handler from docs/RUNBOOK.md.\n${code}${reply}`);
  return file!;
}

beforeAll(() => {
  requireTools(["nginx", "unshare", "nsenter", "setpriv", "runuser", "ip", "timeout", "redis-server", "redis-cli", "psql", "gunicorn", "openssl"]);
  requireRoot("the live tests");
});

describe.each(APPS)("live vps × fastapi-chatwoot: $label", (app) => {
  let kit: Kit;
  let live: VpsLive;
  let file: string;
  let record: string;

  beforeAll(async () => {
    kit = generateKit("vps", "fastapi-chatwoot", { app: app.app });
    file = applyRunbookHandler(kit);
    live = await VpsLive.start(kit, {
      env: { CHATWOOT_URL: `http://${CHATWOOT.host}:${CHATWOOT.port}` },
      names: { [CHATWOOT.host]: ["127.0.0.1"] },
    });
    record = join(live.ns.dir, "chatwoot-requests.jsonl");
    writeFileSync(record, "");
    chmodSync(record, 0o666);
    live.ns.start("chatwoot", [PYTHON, join(HELPERS, "fake-chatwoot.py"), String(CHATWOOT.port), record]);
    await live.waitTcp("127.0.0.1", CHATWOOT.port, "the Chatwoot stand-in");
  });
  afterAll(() => {
    live?.stop();
    kit?.cleanup();
  });

  it("VPS: nginx in front of the image's CMD serves it as production needs", () => {
    const proved = checkVps(live, { page: app.page, healthBody: /"ok":\s*true/ });
    console.log(`live vps/fastapi-chatwoot ${app.label}: ${proved.join("; ")}`);
  });

  it("Chatwoot: a signed message_created webhook through nginx reaches the app, and Chatwoot gets the reply with the bot's token", async () => {
    const webhook = kit.plan.routes.webhook!;
    const secret = live.envFile.CHATWOOT_WEBHOOK_SECRET!;
    const event = {
      event: "message_created",
      id: 321,
      content: "hello from a customer",
      message_type: "incoming",
      content_type: "text",
      private: false,
      account: { id: 1, name: "Acme" },
      conversation: { id: 7, inbox_id: 1, status: "pending" },
      inbox: { id: 1, name: "Website" },
      sender: { id: 42, name: "Customer", type: "contact" },
    };
    const body = JSON.stringify(event);
    const signed = (payload: string, delivery: string, key = secret) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const digest = createHmac("sha256", key).update(`${timestamp}.${payload}`).digest("hex");
      return { "Content-Type": "application/json", "X-Chatwoot-Timestamp": timestamp, "X-Chatwoot-Signature": `sha256=${digest}`, "X-Chatwoot-Delivery": delivery };
    };
    const url = `https://${live.domain}${webhook}`;
    const posted = () => readFileSync(record, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { method: string; path: string; headers: Record<string, string>; json: any });

    const first = live.probe([{ name: "webhook", url, method: "POST", body, headers: signed(body, "delivery-1") }]).webhook!;
    expect(first.status, `${first.body}\n${live.ns.logs()}`).toBe(200);
    expect(JSON.parse(first.body!)).toEqual({ ok: true });
    const [reply] = (await waitFor("the bot's reply at the Chatwoot stand-in", () => (posted().length ? posted() : undefined), 15_000, () => live.ns.logs()))!;
    expect(reply!.method).toBe("POST");
    expect(reply!.path).toBe("/api/v1/accounts/1/conversations/7/messages");
    const token = Object.entries(reply!.headers).find(([k]) => k.toLowerCase() === "api_access_token")?.[1];
    expect(token).toBe(live.envFile.CHATWOOT_BOT_TOKEN);
    expect(reply!.json).toEqual({ content: "reply to: hello from a customer", message_type: "outgoing" });

    // Chatwoot's retry of the same delivery is answered, not processed again (claimed in the real Redis).
    const again = live.probe([{ name: "again", url, method: "POST", body, headers: signed(body, "delivery-1") }]).again!;
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body!)).toEqual({ duplicate: true });
    expect(live.redis(["EXISTS", "chatwoot:delivery:delivery-1"])).toBe("1");
    // A delivery signed with another secret is refused.
    const forged = live.probe([{ name: "forged", url, method: "POST", body, headers: signed(body, "delivery-2", "not-the-secret") }]).forged!;
    expect(forged.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(posted()).toHaveLength(1);
    console.log(
      `live chatwoot ${app.label}: the runbook's handler in ${file}; a signed message_created POSTed through nginx to ${webhook} reached the app; the Chatwoot stand-in got the reply with api_access_token = CHATWOOT_BOT_TOKEN; a redelivery was deduplicated in Redis, a forged signature got 401`,
    );
  });
});
