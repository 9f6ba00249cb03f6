// SIGKILL at random moments of an update (the CLI in a child process, its file-system calls slowed
// so kills land while it writes): every file is then byte for byte its old or its new version,
// and the next update converges to exactly what an uninterrupted run leaves.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CLI, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
const SLOW_FS = join(REPO_ROOT, "test", "helpers", "slow-fs.mjs");
const KILLS = Number(process.env.KILL_RUNS ?? 120);
const UPDATE = ["update", "--platform", "vps", "--email", "ops@example.com"];
const TMP = /\.prod-kit-[0-9a-f]{8}\.tmp$/;

const work = mkdtempSync(join(tmpdir(), "kill-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** path → content of every file under dir; staged copies a kill left behind are listed apart. */
function tree(dir: string): { files: Map<string, string>; staged: string[] } {
  const files = new Map<string, string>();
  const staged: string[] = [];
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    if (TMP.test(rel)) staged.push(rel);
    else {
      try {
        files.set(rel, readFileSync(join(dir, rel), "utf8"));
      } catch {
        // a folder
      }
    }
  }
  return { files, staged };
}

const cli = (dir: string, args: string[]) => spawnSync(process.execPath, [CLI, ...args, "--dir", dir], { encoding: "utf8" });

let before: Map<string, string>;
let after: Map<string, string>;
let seed: string;
let fullRunMs = 0;

beforeAll(() => {
  // A Railway kit with an edit of the user's, about to move to a VPS: files are created, rewritten,
  // merged and removed, and .prod-kit/ changes.
  seed = join(work, "seed");
  cpSync(join(EXAMPLES, "django-celery"), seed, { recursive: true });
  expect(cli(seed, ["--platform", "railway", "--domain", "app.example.com", "--yes"]).status).toBe(0);
  const dockerfile = join(seed, "Dockerfile");
  writeFileSync(dockerfile, readFileSync(dockerfile, "utf8").replace(/^USER app$/m, "# the user's line\nUSER app"));
  before = tree(seed).files;
  const reference = join(work, "reference");
  cpSync(seed, reference, { recursive: true });
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--import", SLOW_FS, CLI, ...UPDATE, "--dir", reference], { encoding: "utf8" });
  fullRunMs = Date.now() - started;
  expect(r.status, r.stdout + r.stderr).toBe(0);
  after = tree(reference).files;
  expect(after.get("Dockerfile")).toContain("# the user's line");
});

it(`after a SIGKILL at any of ${KILLS} random moments, every file is old or new, and the next update converges`, async () => {
  let whileStaging = 0;
  let whileRenaming = 0;
  for (let i = 0; i < KILLS; i++) {
    const dir = join(work, `run-${i}`);
    cpSync(seed, dir, { recursive: true });
    const child = spawn(process.execPath, ["--import", SLOW_FS, CLI, ...UPDATE, "--dir", dir], { stdio: "ignore" });
    const delay = Math.random() * fullRunMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => child.kill("SIGKILL"), delay);
      child.on("exit", () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const { files: killed, staged } = tree(dir);
    let changed = 0;
    for (const path of new Set([...before.keys(), ...after.keys(), ...killed.keys()])) {
      const now = killed.get(path);
      expect([before.get(path), after.get(path)], `${path} after a kill at ${delay.toFixed(0)} ms`).toContain(now);
      if (now !== before.get(path)) changed++;
    }
    if (changed > 0 && [...after].some(([p, c]) => killed.get(p) !== c)) whileRenaming++;
    else if (changed === 0 && staged.length > 0) whileStaging++;
    const again = cli(dir, UPDATE);
    expect(again.status, again.stdout + again.stderr).toBe(0);
    const converged = tree(dir);
    expect(converged.staged).toEqual([]);
    expect(new Map([...converged.files].sort()), `run ${i}: killed at ${delay.toFixed(0)} ms`).toEqual(new Map([...after].sort()));
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `kill test: ${KILLS} SIGKILLs over a ${fullRunMs} ms update, ${whileStaging} while staging and ${whileRenaming} between renames; every file old or new, every next update converged`,
  );
  expect(whileStaging).toBeGreaterThan(0);
  expect(whileRenaming).toBeGreaterThan(0);
}, 900_000);
