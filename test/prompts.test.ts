// With a terminal and missing answers, the CLI asks (clack prompts), rejects a bad value in place,
// and writes the kit. Driven through a real pseudo-terminal with tmux.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { EXAMPLES, REPO_ROOT } from "./helpers/kit.js";

const session = `prod-kit-${process.pid}`;
const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "prompts-"));
const cacheHome = mkdtempSync(join(tmpdir(), "prompts-cache-"));
afterAll(() => {
  tmux("kill-session", "-t", session);
  rmSync(dir, { recursive: true, force: true });
  rmSync(cacheHome, { recursive: true, force: true });
});

async function waitFor(text: string, timeoutMs = 15_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let screen = "";
  while (Date.now() < until) {
    screen = tmux("capture-pane", "-p", "-S", "-200", "-t", session).stdout;
    if (screen.includes(text)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for "${text}"; screen was:\n${screen}`);
}

it("asks for what it cannot detect, validates each reply, then writes the kit", async () => {
  if (spawnSync("tmux", ["-V"]).status !== 0) throw new Error("tmux is missing: run scripts/ensure-tools.sh");
  cpSync(join(EXAMPLES, "fastapi-chatwoot"), dir, { recursive: true });
  chmodSync(dir, 0o755);
  const cli = join(REPO_ROOT, "dist", "cli.cjs");
  const started = tmux("new-session", "-d", "-s", session, "-x", "150", "-y", "50", `XDG_CACHE_HOME=${cacheHome} ${process.execPath} ${cli} --dir ${dir}; echo EXIT=$?; sleep 60`);
  expect(started.status).toBe(0);

  const first = await waitFor("Where will it run?");
  // What was detected is shown, so the user can see what will be used.
  expect(first).toContain("fastapiApp: bot.api:api");
  tmux("send-keys", "-t", session, "Down", "Down", "Enter"); // vps
  await waitFor("Public domain");
  tmux("send-keys", "-t", session, "-l", "bad domain");
  tmux("send-keys", "-t", session, "Enter");
  await waitFor("must be a bare hostname");
  tmux("send-keys", "-t", session, "C-u");
  tmux("send-keys", "-t", session, "-l", "bot.example.org");
  tmux("send-keys", "-t", session, "Enter");
  await waitFor("Email for Let's Encrypt");
  tmux("send-keys", "-t", session, "Enter"); // accepts the suggested ops@bot.example.org
  const end = await waitFor("EXIT=");
  expect(end).toContain("EXIT=0");
  expect(end).toContain("--platform vps --stack fastapi-chatwoot --name support-bot --domain bot.example.org");
  expect(existsSync(join(dir, "docker-compose.prod.yml"))).toBe(true);
  expect(readFileSync(join(dir, "scripts/init-letsencrypt.sh"), "utf8")).toContain('EMAIL="ops@bot.example.org"');
  // The prompts were compiled for this run (V8 keeps their code in the launcher's cache), the
  // positive control of test/code-cache.test.ts, which finds none of it in a run with --yes.
  const caches = readdirSync(join(cacheHome, "create-prod-kit"));
  const init = caches.find((f) => f.endsWith("-init.v8"));
  expect(init, caches.join(", ")).toBeDefined();
  expect(readFileSync(join(cacheHome, "create-prod-kit", init!), "latin1")).toContain("keypress");
});
