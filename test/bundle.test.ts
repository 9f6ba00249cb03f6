// The bundle users run (dist/cli.js, built by scripts/build.mjs): its templates, precompiled at build
// time, render byte for byte what the checkout compiles from templates/ (the reviewed snapshots), and
// it loads only what a command needs (none of it for --help; the prompts only when prompting).
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
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

/** The modules a file imports statically (import ... from "./x.js"), transitively: what loading it loads. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*)"(\.{1,2}\/[^"]+)"/g)) staticClosure(resolve(dirname(file), m[1]!), seen);
  return seen;
}

/** The modules a file imports with import("./x.js"): loaded when the code asks for them. */
function dynamicImports(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/\bimport\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)].map((m) => resolve(dirname(file), m[1]!));
}

const bytes = (set: Set<string>) => [...set].reduce((sum, f) => sum + statSync(f).size, 0);
const chunkWith = (text: string) => files(DIST).filter((f) => f.endsWith(".js") && readFileSync(join(DIST, f), "utf8").includes(text)).map((f) => join(DIST, f));

describe.each(COMBOS)("dist/cli.js writes the snapshots of $platform × $stack", ({ platform, stack }) => {
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
  it("is dist/cli.js with a shebang, its chunks and the bundled licences; no template is parsed at run time", () => {
    expect(readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    expect(statSync(CLI).mode & 0o111).not.toBe(0);
    const all = files(DIST);
    expect(all.filter((f) => !f.startsWith("chunks/")).sort()).toEqual(["THIRD_PARTY_LICENSES.md", "cli.js"]);
    // Handlebars' parser (its error messages) is not in the bundle: only the runtime is.
    expect(chunkWith("Parse error on line")).toEqual([]);
    expect(chunkWith("You must pass a string or Handlebars AST")).toEqual([]);
    const licences = readFileSync(join(DIST, "THIRD_PARTY_LICENSES.md"), "utf8");
    for (const pkg of ["zod", "handlebars", "yaml", "smol-toml", "node-diff3", "diff", "@clack/prompts"]) expect(licences).toContain(`## ${pkg} `);
  });

  it("--help and --version load only argument parsing: no zod, yaml, templates or prompts", () => {
    const startup = staticClosure(CLI);
    expect(bytes(startup), [...startup].map((f) => relative(DIST, f)).join(", ")).toBeLessThan(32_000);
  });

  it("@clack/prompts is a chunk of its own that no command loads until it prompts", () => {
    const prompts = chunkWith("Please select a path"); // a message of clack's path prompt
    expect(prompts).toHaveLength(1);
    const commands = dynamicImports(CLI);
    expect(commands.length).toBeGreaterThanOrEqual(3); // init/update, docs, secrets
    for (const command of [CLI, ...commands]) expect([...staticClosure(command)]).not.toContain(prompts[0]);
    // ...and the only way to it is an import() (in the prompting code).
    const importers = files(DIST)
      .map((f) => join(DIST, f))
      .filter((f) => f.endsWith(".js") && dynamicImports(f).includes(prompts[0]!));
    expect(importers.length).toBeGreaterThan(0);
  });
});
