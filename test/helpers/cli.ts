// The built CLI for tests that run it as a user does: in a child process, on temporary copies.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, expect } from "vitest";
import { REPO_ROOT } from "./kit.js";

export const CLI = join(REPO_ROOT, "dist", "cli.js");

/** Modification times of the files under dir whose names end with ext. */
function mtimes(dir: string, ext: string): number[] {
  try {
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(ext))
      .map((f) => statSync(join(dir, f)).mtimeMs);
  } catch {
    return [];
  }
}

/** Builds dist/ from the current sources before the file's tests (they run the real entry point). */
export function useBuiltCli(): void {
  beforeAll(() => {
    // tsc rewrites dist/ in place: a CLI another test file starts meanwhile can load a half-written
    // module (and print nothing). So build only when a source is newer than the build; npm test
    // builds before any test runs.
    const built = mtimes(join(REPO_ROOT, "dist"), ".js");
    if (built.length && Math.max(...mtimes(join(REPO_ROOT, "src"), ".ts")) < Math.min(...built)) return;
    const build = spawnSync("npx", ["tsc", "-p", "tsconfig.json"], { cwd: REPO_ROOT, encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  });
}

/** Folders to delete after each test. */
export function tempDirs(): string[] {
  const dirs: string[] = [];
  afterEach(() => {
    while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
  });
  return dirs;
}
