// What the repository would hand to anyone who clones it: .env files (committed, or not ignored),
// and secrets in the files a commit holds. git answers when it can (git.ts); values are masked.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { DoctorContext } from "./context.js";
import { envFiles, isTemplate } from "./env-files.js";
import { finding, type Check, type Finding } from "./finding.js";
import { secretsInLine } from "./secret-patterns.js";

/** The env files every kit expects to stay out of git, checked even before they exist. */
const MUST_IGNORE = [".env", ".env.production"];

export const envGitignored: Check = {
  id: "env-gitignored",
  level: "error",
  what: ".env files are ignored by git and none is committed (templates such as .env.example aside)",
  why: "An env file holds the production secrets: once committed, everyone with the repository (and every fork, CI log and backup of it) has them, and deleting the file later does not remove it from history.",
  fix: "Ignore them in .gitignore (.env* then !.env.production.example; the kit's .gitignore block does). One that was committed: git rm --cached it and rotate every secret it held.",
  run(ctx) {
    const out: Finding[] = [];
    const files = envFiles(ctx.root).filter((p) => !isTemplate(p));
    const tracked = files.filter((p) => ctx.git.tracked.has(p));
    for (const path of tracked) out.push(finding(this, { file: path, title: `${path} is committed to git` }));
    const candidates = [...files.filter((p) => !tracked.includes(p)), ...MUST_IGNORE.filter((p) => !files.includes(p))];
    const ignored = ctx.git.ignored(candidates);
    const exposed = candidates.filter((p) => !ignored.has(p));
    for (const path of exposed.filter((p) => files.includes(p))) {
      out.push(finding(this, { file: path, title: `${path} is not ignored by git: the next git add . commits it` }));
    }
    const future = exposed.filter((p) => !files.includes(p));
    if (future.length) {
      out.push(finding(this, { level: "warning", file: ".gitignore", title: `${future.join(" and ")} would not be ignored by git once created` }));
    }
    return out;
  },
};

const LOCK_FILE = /(^|\/)(package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|Cargo\.lock|composer\.lock|Gemfile\.lock|[^/]+\.lock)$/;
const BINARY_EXT = /\.(png|jpe?g|gif|webp|ico|bmp|tiff?|pdf|zip|gz|tgz|bz2|xz|7z|rar|jar|war|whl|egg|so|dylib|dll|exe|bin|pyc|pyo|class|o|a|woff2?|ttf|otf|eot|mp[34]|mov|avi|webm|ogg|wav|sqlite3?|db|mmdb|psd|ai|sketch|xlsx?|docx?|pptx?)$/i;
/** Folders whose files are not the app's (dependencies, caches) or are the kit's copies of its own files. */
const NOT_APP = /(^|\/)(node_modules|\.venv|venv|site-packages|__pycache__|\.prod-kit|\.git)\//;
const MAX_FINDINGS = 50;
/** The scan's bounds: files, bytes in all, and bytes per file (bigger ones are data, not config). */
const MAX_SCAN_FILES = 5000;
const MAX_SCAN_BYTES = 32 * 1024 * 1024;
const MAX_FILE_BYTES = 1024 * 1024;

/** A file's text, or undefined when it is missing, too big or binary. Not cached: most are read once. */
function readText(path: string): string | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return undefined;
    const text = readFileSync(path, "utf8");
    return text.slice(0, 8000).includes("\0") ? undefined : text;
  } catch {
    return undefined;
  }
}

export const secretsCommitted: Check = {
  id: "secrets-committed",
  level: "error",
  what: "no secrets (API keys, tokens, private keys, passwords in URLs, random values of secret-named keys) in the files git holds or would add",
  why: "A secret in the repository is readable by everyone who can clone it, stays in the history after it is removed, and is what secret scanners and attackers look for first.",
  fix: "Move it to the platform's environment (or .env.production on the server), rotate it at the provider (it is compromised), and scan commits in CI (e.g. gitleaks).",
  run(ctx) {
    const out: Finding[] = [];
    let more = 0;
    let scanned = 0;
    let bytes = 0;
    let stopped = false;
    for (const path of ctx.git.committable()) {
      if (LOCK_FILE.test(path) || BINARY_EXT.test(path) || NOT_APP.test(path) || /\.min\.js$|\.map$/.test(path)) continue;
      if (scanned >= MAX_SCAN_FILES || bytes >= MAX_SCAN_BYTES) {
        stopped = true;
        break;
      }
      const text = readText(join(ctx.root, path));
      if (text === undefined) continue;
      scanned++;
      bytes += text.length;
      text.split("\n").forEach((line, i) => {
        for (const hit of secretsInLine(line)) {
          if (out.length >= MAX_FINDINGS) {
            more++;
            continue;
          }
          out.push(finding(this, { file: path, line: i + 1, title: `${hit.kind} (${hit.masked})` }));
        }
      });
    }
    if (more) out.push(finding(this, { title: `and ${more} more like these (doctor reports the first ${MAX_FINDINGS})` }));
    if (stopped) {
      out.push(
        finding(this, {
          level: "info",
          title: `the scan stopped after ${scanned} files (${(bytes / 1024 / 1024).toFixed(1)} MB): the rest was not read`,
          fix: "Scan the whole history in CI with a dedicated scanner (e.g. gitleaks).",
        }),
      );
    }
    return out;
  },
};

export const gitChecks: Check[] = [envGitignored, secretsCommitted];
