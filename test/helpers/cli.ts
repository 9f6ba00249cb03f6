// The built CLI for tests that run it as a user does: in a child process, on temporary copies.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, expect } from "vitest";
import { REPO_ROOT } from "./kit.js";

export const CLI = join(REPO_ROOT, "dist", "cli.cjs");

/**
 * The file's tests run the real entry point: the bundle `npm run build` makes (scripts/build.mjs), which
 * vitest's globalSetup (test/helpers/build.ts) builds from the current sources before any test file.
 */
export function useBuiltCli(): void {
  beforeAll(() => {
    expect(existsSync(CLI), `${CLI} is missing: run the tests through vitest (its globalSetup builds it) or npm run build`).toBe(true);
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
