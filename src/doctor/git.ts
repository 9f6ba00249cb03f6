// What git knows about the audited folder: the files it tracks, and which paths it ignores. git
// itself answers when it is installed and the folder is in a work tree (so nested .gitignore files,
// .git/info/exclude and global excludes count); otherwise the root .gitignore is read (gitignore.ts)
// and the folder walked, bounded like the Python walk.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isIgnored, parseGitignore } from "./gitignore.js";
import { sortedEntries } from "../compare.js";

export interface GitView {
  /** git answered (a work tree); false means the .gitignore fallback is in use. */
  usesGit: boolean;
  /** Files git tracks, relative to the audited folder. Empty without git. */
  tracked: Set<string>;
  /** Files a commit would hold: tracked ones, plus new files that are not ignored. */
  committable(): string[];
  /** Of these paths (existing or not), the ones ignored. */
  ignored(paths: string[]): Set<string>;
}

/** Folders never entered by the fallback walk: dependencies, caches, build output, the kit's bases. */
const SKIP_DIRS = new Set(["node_modules", ".git", ".hg", ".venv", "venv", "site-packages", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".prod-kit", "dist", "build", "staticfiles", "media", "env"]);
/** One more than the secret scan reads, so it can tell that it stopped early. */
const MAX_FILES = 5001;
const MAX_DEPTH = 8;

function git(root: string, args: string[], input?: string): { ok: boolean; out: string; status: number | null } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8", input, timeout: 15_000, maxBuffer: 64 * 1024 * 1024, stdio: ["pipe", "pipe", "pipe"] });
  return { ok: !r.error && r.status === 0, out: r.stdout ?? "", status: r.error ? null : r.status };
}

const split0 = (s: string) => s.split("\0").filter(Boolean);

function fallback(root: string): GitView {
  let text = "";
  try {
    text = readFileSync(join(root, ".gitignore"), "utf8");
  } catch {
    // no .gitignore: nothing is ignored
  }
  const rules = parseGitignore(text);
  return {
    usesGit: false,
    tracked: new Set(),
    committable() {
      const out: string[] = [];
      const walk = (dir: string, rel: string, depth: number) => {
        if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
        for (const e of sortedEntries(dir)) {
          const path = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) {
            if (!SKIP_DIRS.has(e.name) && !isIgnored(rules, `${path}/x`)) walk(join(dir, e.name), path, depth + 1);
          } else if (e.isFile() && !isIgnored(rules, path)) {
            out.push(path);
            if (out.length >= MAX_FILES) return;
          }
        }
      };
      walk(root, "", 0);
      return out;
    },
    ignored: (paths) => new Set(paths.filter((p) => isIgnored(rules, p))),
  };
}

export function gitView(root: string): GitView {
  const inside = git(root, ["rev-parse", "--is-inside-work-tree"]);
  if (!inside.ok || inside.out.trim() !== "true") return fallback(root);
  const tracked = git(root, ["ls-files", "-z"]);
  if (!tracked.ok) return fallback(root);
  const trackedSet = new Set(split0(tracked.out));
  return {
    usesGit: true,
    tracked: trackedSet,
    committable() {
      const others = git(root, ["ls-files", "-z", "--others", "--exclude-standard"]);
      return [...trackedSet, ...split0(others.out)];
    },
    ignored(paths) {
      if (paths.length === 0) return new Set();
      // --no-index: the patterns decide, also for a path that is tracked (reported separately).
      const r = git(root, ["check-ignore", "--no-index", "--stdin", "-z"], paths.join("\0") + "\0");
      // Exit 1 means "none ignored"; anything else but 0 is a failure: ask the fallback instead.
      if (r.status === 1) return new Set();
      return r.ok ? new Set(split0(r.out)) : fallback(root).ignored(paths);
    },
  };
}
