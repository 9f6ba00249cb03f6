// The package's own folder (package.json, examples/), found from this module's location: src/ in a
// checkout, dist/ in the bundle (where every module is dist/cli.js or a chunk beside it). Kept free of
// other imports so `--version` loads nothing else.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return `${dir}/`;
    if (dirname(dir) === dir) throw new Error(`create-prod-kit: no package.json above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

export function toolVersion(): string {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version;
}
