// Snapshots: snapshots/<platform>/<stack>/ holds the real files of each combination for the example
// apps and fixed answers, so every change to the output is reviewed as a diff.
// Update with `npm run snapshots:update` after checking the change is intended.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMBOS, REPO_ROOT, renderFiles } from "./helpers/kit.js";

const ROOT = join(REPO_ROOT, "snapshots");
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";

function listFiles(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe.each(COMBOS)("snapshot of $platform × $stack", ({ platform, stack }) => {
  const dir = join(ROOT, platform, stack);
  const { files } = renderFiles(platform, stack);

  if (UPDATE) {
    rmSync(dir, { recursive: true, force: true });
    for (const f of files) {
      mkdirSync(dirname(join(dir, f.path)), { recursive: true });
      writeFileSync(join(dir, f.path), f.content);
    }
  }

  it("has exactly the generated files", () => {
    expect(listFiles(dir).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it.each(files.map((f) => f.path))("%s is unchanged", (path) => {
    const expected = readFileSync(join(dir, path), "utf8");
    expect(files.find((f) => f.path === path)!.content).toBe(expected);
  });
});
