// The bundle users run (dist/cli.cjs and dist/bundle.cjs, built by scripts/build.mjs): its templates,
// precompiled at build time, render byte for byte what the checkout compiles from templates/ (the
// reviewed snapshots). What each command compiles is in test/code-cache.test.ts.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { COMBOS, EXAMPLES, FIXED, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();
const DIST = join(REPO_ROOT, "dist");

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((rel) => statSync(join(dir, rel)).isFile());
}

describe.each(COMBOS)("dist/cli.cjs writes the snapshots of $platform × $stack", ({ platform, stack }) => {
  it("byte for byte", () => {
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    dirs.push(dir);
    cpSync(join(EXAMPLES, stack), dir, { recursive: true });
    chmodSync(dir, 0o755);
    const args = ["--dir", dir, "--platform", platform, "--stack", stack, "--name", FIXED.name, "--domain", FIXED.domain, "--email", FIXED.email, "--yes"];
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const snapshots = join(REPO_ROOT, "snapshots", platform, stack);
    for (const path of files(snapshots)) {
      let written = readFileSync(join(dir, path), "utf8");
      // The kit owns only its block of .gitignore, between these markers.
      if (path === ".gitignore") written = written.replace(/^# (>>>|<<<) create-prod-kit (>>>|<<<)\n/gm, "");
      expect(written, path).toBe(readFileSync(join(snapshots, path), "utf8"));
    }
  });
});

describe("the bundle", () => {
  it("is dist/cli.cjs (the launcher: a shebang, executable, Node's modules only) and dist/bundle.cjs with the bundled licences", () => {
    const launcher = readFileSync(CLI, "utf8");
    expect(launcher.startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    // Compiled on every run, without a code cache of its own: the code cache's logic, no more.
    expect(launcher.length).toBeLessThan(4_000);
    const required = [...launcher.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(required.length).toBeGreaterThan(0);
    // Node's modules, and update's memo (loaded for `update` only).
    expect(required.filter((m) => !m!.startsWith("node:"))).toEqual(["./memo.cjs"]);
    const memo = readFileSync(join(DIST, "memo.cjs"), "utf8");
    expect([...memo.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !m!.startsWith("node:"))).toEqual([]);
    expect(files(DIST).sort()).toEqual(["THIRD_PARTY_LICENSES.md", "bundle.cjs", "cli.cjs", "memo.cjs"]);
    const licences = readFileSync(join(DIST, "THIRD_PARTY_LICENSES.md"), "utf8");
    for (const pkg of ["zod", "handlebars", "yaml", "smol-toml", "node-diff3", "diff", "@clack/prompts"]) expect(licences).toContain(`## ${pkg} `);
  });

  it("parses no template at run time: Handlebars' compiler is not in it, only its runtime", () => {
    const bundle = readFileSync(join(DIST, "bundle.cjs"), "utf8");
    expect(bundle).toContain("Handlebars"); // the runtime is there: the check below can fail
    expect(bundle).not.toContain("Parse error on line");
    expect(bundle).not.toContain("You must pass a string or Handlebars AST");
  });

  it("carries English only: zod's other locales are left out", () => {
    const bundle = readFileSync(join(DIST, "bundle.cjs"), "utf8");
    expect(bundle).toContain("Invalid input"); // zod's English messages
    expect(bundle).not.toContain("Entrada inv"); // its Spanish ones
  });
});
