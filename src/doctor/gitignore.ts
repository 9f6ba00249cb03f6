// The fallback when git cannot answer (no git, or not a repository yet): the root .gitignore's
// patterns, matched the way git matches them for the common syntax: `#` comments, `!` negation,
// a trailing `/` for folders only, a `/` elsewhere anchoring to the root, `*`, `?`, `[...]` and `**`.
// Not covered: nested .gitignore files, .git/info/exclude and the global excludes file. The tests
// compare it with `git check-ignore` on the patterns it claims to cover.

interface Rule {
  negate: boolean;
  dirOnly: boolean;
  /** Matches a full relative path (anchored), or a single name (unanchored). */
  regex: RegExp;
  anchored: boolean;
}

function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const atEnd = i + 2 === glob.length || glob[i + 2] === "/";
        if (atStart && atEnd) {
          // `**/` any leading folders (or none); a trailing `/**` everything inside.
          if (i + 2 === glob.length) out += ".*";
          else {
            out += "(?:.*/)?";
            i++;
          }
          i++;
          continue;
        }
      }
      out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) out += "\\[";
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, "^").replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = close;
      }
    } else if (c === "\\" && i + 1 < glob.length) out += `\\${glob[++i]}`;
    else out += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  return out;
}

export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let p = raw.replace(/(?<!\\)\s+$/, "");
    if (!p || p.startsWith("#")) continue;
    const negate = p.startsWith("!");
    if (negate) p = p.slice(1);
    if (p.startsWith("\\")) p = p.slice(1);
    const dirOnly = p.endsWith("/");
    if (dirOnly) p = p.slice(0, -1);
    const anchored = p.includes("/");
    if (p.startsWith("/")) p = p.slice(1);
    if (!p) continue;
    rules.push({ negate, dirOnly, anchored, regex: new RegExp(`^${globToRegex(p)}$`) });
  }
  return rules;
}

/** Whether git would ignore `path` (relative, forward slashes) under these rules. */
export function isIgnored(rules: Rule[], path: string): boolean {
  const parts = path.split("/").filter(Boolean);
  // A folder that is ignored hides everything inside it: git never looks in, so `!` cannot re-include.
  for (let i = 0; i < parts.length; i++) {
    const sub = parts.slice(0, i + 1).join("/");
    const isDir = i < parts.length - 1;
    let ignored = false;
    for (const r of rules) {
      if (r.dirOnly && !isDir) continue;
      if (r.regex.test(r.anchored ? sub : parts[i]!)) ignored = !r.negate;
    }
    if (ignored) return true;
  }
  return false;
}
