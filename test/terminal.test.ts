// What the CLI prints, as a create-* tool should: plain text without a single escape code when the
// output is piped (even with FORCE_COLOR and the writes slowed so a spinner would show), a spinner
// only on a terminal and only while a step takes time, and --help for every command with examples.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();
const SLOW_FS = join(REPO_ROOT, "test", "helpers", "slow-fs.mjs");
const KIT = ["--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"];
const ESC = "\x1b";

function tempApp(): string {
  const dir = mkdtempSync(join(tmpdir(), "terminal-"));
  dirs.push(dir);
  cpSync(join(EXAMPLES, "django-celery"), dir, { recursive: true });
  chmodSync(dir, 0o755);
  return dir;
}

/** The CLI with stdout and stderr piped, its file-system calls slowed so slow steps last > 1 s. */
function piped(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", SLOW_FS, CLI, ...args], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", FORCE_COLOR: "1", CI: "", SLOW_FS_MS: "5", ...env },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("piped output has no escape codes", () => {
  it("for every command, success and failure alike", () => {
    const dir = tempApp();
    const runs = [
      piped(["--help"]),
      piped(["update", "--help"]),
      piped(["--version"]),
      piped(["--dir", dir, ...KIT]),
      piped(["update", "--dir", dir, "--set", "healthPath=/up/", "--dry-run"]),
      piped(["update", "--dir", dir, "--set", "healthPath=/up/"]),
      piped(["update", "--dir", dir, "--check"]),
      piped(["docs", "--dir", dir, "--out", "ops", "--yes"]),
      piped(["secrets", "--dir", dir]),
      piped(["--dir", dir, "--platform", "nowhere", "--yes"]),
      piped(["--bogus"]),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2]);
    for (const r of runs) {
      expect(r.out.length).toBeGreaterThan(0);
      expect(r.out.includes(ESC), JSON.stringify(r.out.slice(0, 400))).toBe(false);
    }
  });
});

describe("a reader that goes away", () => {
  it("gets nothing more, and the run still ends with its own exit code", () => {
    const dir = tempApp();
    expect(spawnSync(process.execPath, [CLI, "--dir", dir, ...KIT]).status).toBe(0);
    writeFileSync(join(dir, "prod-kit.yaml"), readFileSync(join(dir, "prod-kit.yaml"), "utf8").replace("app.example.com", "www.example.com"));
    // `head -c 0` exits before the CLI has started: every write of the report meets a closed pipe.
    const run = (cmd: string) => spawnSync("bash", ["-o", "pipefail", "-c", `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} ${cmd} | head -c 0`], { encoding: "utf8" });
    for (let i = 0; i < 2; i++) {
      // (twice: the second is answered by update's memo, which prints the same way)
      const stale = run(`update --check --dir ${JSON.stringify(dir)}`);
      expect(stale.status, stale.stderr).toBe(1);
      expect(stale.stderr).toBe("");
    }
    expect(run("--help").status).toBe(0);
  });
});

describe("on a terminal", () => {
  const session = `prod-kit-spinner-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });
  afterAll(() => tmux("kill-session", "-t", session));

  it("a slow write shows a spinner, which is gone when the summary prints", async () => {
    if (spawnSync("tmux", ["-V"]).status !== 0) throw new Error("tmux is missing: run scripts/ensure-tools.sh");
    const dir = tempApp();
    const script = join(dir, "..", `${session}.sh`);
    writeFileSync(
      script,
      `SLOW_FS_MS=20 CI= ${JSON.stringify(process.execPath)} --import ${JSON.stringify(SLOW_FS)} ${JSON.stringify(CLI)} --dir ${JSON.stringify(dir)} ${KIT.join(" ")}; echo EXIT=$?; sleep 60\n`,
    );
    dirs.push(script);
    expect(tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "60", `bash ${script}`).status).toBe(0);
    const screen = () => tmux("capture-pane", "-p", "-S", "-100", "-t", session).stdout;
    const until = async (ok: (s: string) => boolean) => {
      const end = Date.now() + 30_000;
      for (let s = screen(); Date.now() < end; s = screen()) {
        if (ok(s)) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out; screen was:\n${screen()}`);
    };
    const spinning = await until((s) => s.includes("Writing the kit in"));
    expect(spinning).toMatch(/^[◒◐◓◑] {2}Writing the kit in /m);
    const done = await until((s) => s.includes("EXIT="));
    expect(done).toContain("EXIT=0");
    expect(done).toContain("Next steps");
    expect(done).not.toContain("Writing the kit in");
  });
});

describe("--help", () => {
  it.each(["", "init", "update", "docs", "secrets"])("of %s has usage and examples", (command) => {
    const r = spawnSync(process.execPath, [CLI, ...(command ? [command] : []), "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage/m);
    expect(r.stdout).toMatch(/^Examples:\n {2}npx create-prod-kit/m);
  });
});
