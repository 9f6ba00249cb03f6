// The FastAPI + Chatwoot runbook's webhook handler, copied out of the generated RUNBOOK.md and run
// with FastAPI's TestClient (Debian's python3-fastapi and python3-httpx): signed deliveries are
// answered once, forged, stale or unsigned ones get 401, and a failed enqueue releases the
// delivery id for Chatwoot's retry. Redis is fakeredis when installed, and always also an
// in-memory stand-in, so the test runs either way.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PLATFORMS } from "../src/answers.js";
import { REPO_ROOT, renderFiles } from "./helpers/kit.js";

const PYTHON = "/usr/bin/python3";
if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run scripts/ensure-tools.sh`);
const HARNESS = join(REPO_ROOT, "test", "helpers", "chatwoot_webhook.py");

/** The first python block under the runbook's "### The webhook handler" heading. */
function handlerSnippet(runbook: string): string {
  const at = runbook.indexOf("### The webhook handler");
  expect(at).toBeGreaterThan(-1);
  const block = /```python\n([\s\S]*?)```/.exec(runbook.slice(at));
  expect(block).not.toBeNull();
  return block![1]!;
}

const dir = mkdtempSync(join(tmpdir(), "chatwoot-webhook-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const kits = PLATFORMS.map((platform) => ({ platform, ...renderFiles(platform, "fastapi-chatwoot") }));
const runbookOf = (k: (typeof kits)[number]) => k.files.find((f) => f.path === "docs/RUNBOOK.md")!.content;

it("every platform's runbook carries the same handler", () => {
  const snippets = new Set(kits.map((k) => handlerSnippet(runbookOf(k))));
  expect(snippets.size).toBe(1);
});

it("every Python block of the FastAPI runbook compiles", () => {
  const blocks = [...runbookOf(kits[0]!).matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(3);
  const paths = blocks.map((code, i) => {
    const path = join(dir, `block-${i}.py`);
    writeFileSync(path, code);
    return path;
  });
  const r = spawnSync(PYTHON, ["-c", "import sys\nfor f in sys.argv[1:]: compile(open(f).read(), f, 'exec')", ...paths], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
});

describe.each(["default", "memory"] as const)("the runbook's webhook handler (redis: %s)", (redis) => {
  const { plan } = kits[0]!;
  const snippet = join(dir, `snippet-${redis}.py`);
  writeFileSync(snippet, handlerSnippet(runbookOf(kits[0]!)));
  const [, attr] = plan.server.app.split(":");
  const run = spawnSync(PYTHON, [HARNESS, snippet, attr!, plan.routes.webhook!, ...(redis === "memory" ? ["memory"] : [])], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeout: 60_000,
  });
  const parse = () => {
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout);
  };

  it("answers a correctly signed delivery once, with the bot's token", () => {
    const r = parse();
    if (redis === "memory") expect(r.redis).toBe("memory");
    expect(r.first).toEqual({ status: 200, body: { ok: true }, posted: 1 });
    expect(r.reply).toEqual({
      url: "https://chatwoot.test/api/v1/accounts/1/conversations/7/messages",
      token: "bot-token",
      json: { content: "reply to: hello", message_type: "outgoing" },
    });
  });

  it("does not process a repeated delivery twice", () => {
    expect(parse().duplicate).toEqual({ status: 200, body: { duplicate: true }, posted: 0 });
  });

  it("rejects a tampered body, a stale or future timestamp, and missing signature or timestamp with 401", () => {
    const r = parse();
    for (const name of ["tampered", "stale", "future", "unsigned", "no-timestamp", "non-ascii-digit"]) {
      expect(r[name], name).toMatchObject({ status: 401, posted: 0 });
    }
  });

  it("ignores the bot's own outgoing messages", () => {
    expect(parse().outgoing).toEqual({ status: 200, body: { ignored: true }, posted: 0 });
  });

  it("releases the delivery id when queueing fails, so Chatwoot's retry is answered", () => {
    const r = parse();
    expect(r["queue-down"]).toMatchObject({ status: 503, posted: 0 });
    expect(r["retry-after-queue-down"]).toEqual({ status: 200, body: { ok: true }, posted: 1 });
    expect(r.posted).toHaveLength(2);
  });
});
