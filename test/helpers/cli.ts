// The built CLI for tests that run it as a user does: in a child process, on temporary copies.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, expect } from "vitest";
import { REPO_ROOT } from "./kit.js";

export const CLI = join(REPO_ROOT, "dist", "cli.js");

/** Builds dist/ from the current sources before the file's tests (they run the real entry point). */
export function useBuiltCli(): void {
  beforeAll(() => {
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
