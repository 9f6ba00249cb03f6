// A bounded walk over the repo's Python sources: never enters virtualenvs, node_modules or VCS
// folders, so detection costs the same whatever their size.
import { readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { sortedEntries } from "../compare.js";

const SKIP = new Set([
  "node_modules",
  ".git",
  ".hg",
  ".venv",
  "venv",
  "env",
  ".env",
  "site-packages",
  "__pycache__",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  "dist",
  "build",
  "staticfiles",
  "media",
  ".prod-kit",
]);
const MAX_DEPTH = 5;
const MAX_FILES = 2000;
const MAX_BYTES = 256 * 1024;

export interface PythonFile {
  /** Path relative to the repo root, with forward slashes. */
  path: string;
  /** Dotted module name, e.g. shop.settings. */
  module: string;
  text: string;
}

export function listPythonFiles(root: string): PythonFile[] {
  const out: PythonFile[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
    for (const entry of sortedEntries(dir)) {
      if (entry.isDirectory()) {
        if (!SKIP.has(entry.name) && !entry.name.startsWith(".")) walk(join(dir, entry.name), depth + 1);
      } else if (entry.isFile() && entry.name.endsWith(".py")) {
        const full = join(dir, entry.name);
        if (statSync(full).size > MAX_BYTES) continue;
        const rel = relative(root, full).split(sep).join("/");
        out.push({ path: rel, module: toModule(rel), text: readFileSync(full, "utf8") });
        if (out.length >= MAX_FILES) return;
      }
    }
  };
  walk(root, 0);
  return out;
}

export function toModule(relPath: string): string {
  return relPath
    .replace(/\.py$/, "")
    .replace(/\/__init__$/, "")
    .split("/")
    .join(".");
}
