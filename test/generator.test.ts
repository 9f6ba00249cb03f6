// `npm run new` (the plop generator) scaffolds a platform or a stack that compiles, is registered,
// bundles, and renders a kit, and whose snapshots fail until they are recorded — checked in a
// throwaway copy of the repo.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EXAMPLES, REPO_ROOT } from "./helpers/kit.js";

const copy = mkdtempSync(join(tmpdir(), "plop-"));
const ENTRIES = ["src", "templates", "generators", "examples", "scripts", "snapshots", "test", "package.json", "tsconfig.json", "tsconfig.test.json", "vitest.config.ts"];
for (const entry of ENTRIES) {
  cpSync(join(REPO_ROOT, entry), join(copy, entry), { recursive: true });
}
symlinkSync(join(REPO_ROOT, "node_modules"), join(copy, "node_modules"));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

const sh = (cmd: string, args: string[], cwd = copy) => {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};
const plop = (...args: string[]) => sh(process.execPath, [join(copy, "node_modules/plop/bin/plop.js"), "--plopfile", "generators/plopfile.mjs", ...args]);

describe("npm run new", () => {
  it("scaffolds a platform that compiles, is registered and renders a kit", () => {
    const r = plop("platform", "fly-io", "Fly.io");
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(copy, "src/answers.ts"), "utf8")).toMatch(/PLATFORMS = \[[^\]]*"fly-io"\]/);
    expect(readFileSync(join(copy, "src/platforms/index.ts"), "utf8")).toContain('"fly-io": flyIo');
    const typecheck = sh("npx", ["tsc", "-p", "tsconfig.test.json"]);
    expect(typecheck.code, typecheck.out).toBe(0);
    const build = sh(process.execPath, ["scripts/build.mjs"]);
    expect(build.code, build.out).toBe(0);
    const app = join(copy, "app");
    cpSync(join(EXAMPLES, "django-celery"), app, { recursive: true });
    const run = sh(process.execPath, ["dist/cli.cjs", "--dir", app, "--platform", "fly-io", "--domain", "app.example.com", "--yes"]);
    expect(run.code, run.out).toBe(0);
    const processes = JSON.parse(readFileSync(join(app, "fly-io/processes.json"), "utf8")).processes;
    expect(processes.find((p: { kind: string }) => p.kind === "scheduler")).toMatchObject({ instances: 1 });
    expect(existsSync(join(app, "docs/RUNBOOK.md"))).toBe(true);
    // The snapshot test is the one to fill in: it fails for the new combinations (and only them)
    // until their output is reviewed and recorded with `npm run snapshots:update`.
    const snapshots = sh("npx", ["vitest", "run", "test/snapshots.test.ts", "--reporter=json", "--outputFile=snapshots.json"]);
    expect(snapshots.code, snapshots.out).not.toBe(0);
    const report = JSON.parse(readFileSync(join(copy, "snapshots.json"), "utf8"));
    const failed: string[] = report.testResults.flatMap((f: { assertionResults: { status: string; fullName: string }[] }) =>
      f.assertionResults.filter((t) => t.status === "failed").map((t) => t.fullName),
    );
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((name) => !name.includes("fly-io"))).toEqual([]);
  });

  it("scaffolds a stack with an example app that compiles and renders on every platform", () => {
    const r = plop("stack", "flask-rq", "Flask + RQ");
    expect(r.code, r.out).toBe(0);
    expect(readFileSync(join(copy, "src/stacks/index.ts"), "utf8")).toContain('"flask-rq": flaskRq');
    const build = sh(process.execPath, ["scripts/build.mjs"]);
    expect(build.code, build.out).toBe(0);
    for (const platform of ["render", "railway", "vps", "easypanel"]) {
      const app = join(copy, `app-${platform}`);
      cpSync(join(copy, "examples/flask-rq"), app, { recursive: true });
      const run = sh(process.execPath, ["dist/cli.cjs", "--dir", app, "--platform", platform, "--stack", "flask-rq", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"]);
      expect(run.code, `${platform}: ${run.out}`).toBe(0);
      expect(readFileSync(join(app, "Dockerfile"), "utf8")).toContain('CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:app"]');
    }
  });
});
