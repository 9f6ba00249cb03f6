// One order for names and paths everywhere: by UTF-16 code unit, the same on every machine and
// locale. (String#localeCompare depends on the locale, and its first call loads ICU's collator,
// which cost a run of the CLI about 5 ms.)
import { readdirSync, type Dirent } from "node:fs";

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A folder's entries in that order; none when it cannot be read (a bounded walk skips it). */
export function sortedEntries(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => byCodeUnit(a.name, b.name));
  } catch {
    return [];
  }
}
