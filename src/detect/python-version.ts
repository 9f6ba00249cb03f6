// Which Python minor the app runs on, from an exact pin (.python-version, runtime.txt) or a range
// (requires-python, Poetry's `python`). Detection yields a minor only: the image then uses the
// newest patch of it the kit pins, which exists as a slim image and carries the security fixes.
import { DEFAULT_PYTHON, PYTHON_PATCHES } from "../stacks/runtime-pins.js";
import { parseVersion, specifierPredicate } from "./specifier.js";

export type PythonDetection =
  | { kind: "ok"; minor: string; source: string }
  /** The app names a Python the kit cannot build (e.g. 3.9): the user must choose with --python. */
  | { kind: "unsupported"; wanted: string; source: string };

const SUPPORTED = Object.keys(PYTHON_PATCHES);

/** "3.11", "3.11.4", "python-3.11.4" (runtime.txt) → "3.11"; anything else (a pyenv env name) → undefined. */
export function pinnedMinor(text: string | undefined): string | undefined {
  const token = text?.trim().split(/\s+/)[0]?.replace(/^python-/, "");
  const m = token ? /^3\.(\d{1,2})(\.\d{1,2})?$/.exec(token) : null;
  return m ? `3.${m[1]}` : undefined;
}

/** The supported minors a specifier allows (tested on the patch the image would use), or undefined if it does not parse. */
export function allowedMinors(spec: string): string[] | undefined {
  const allows = specifierPredicate(spec);
  if (!allows) return undefined;
  return SUPPORTED.filter((minor) => allows(parseVersion(PYTHON_PATCHES[minor]!)!));
}

/** The minor to build for: the default when allowed, else the allowed one closest to it (lower first). */
export function chooseMinor(allowed: string[]): string | undefined {
  const minor = (version: string) => Number(version.split(".")[1]);
  const rank = (m: string) => Math.abs(minor(m) - minor(DEFAULT_PYTHON));
  return [...allowed].sort((a, b) => rank(a) - rank(b) || minor(a) - minor(b))[0];
}

/** Resolves the Python to build for from the app's own files, the most specific source first. */
export function detectPythonVersion(sources: { source: string; pin?: string; range?: string }[]): PythonDetection | undefined {
  for (const s of sources) {
    if (s.pin !== undefined) {
      const minor = pinnedMinor(s.pin);
      if (!minor) continue;
      return SUPPORTED.includes(minor) ? { kind: "ok", minor, source: s.source } : { kind: "unsupported", wanted: minor, source: s.source };
    }
    if (s.range !== undefined) {
      const allowed = allowedMinors(s.range);
      if (!allowed) continue;
      const minor = chooseMinor(allowed);
      return minor ? { kind: "ok", minor, source: s.source } : { kind: "unsupported", wanted: s.range.trim(), source: s.source };
    }
  }
  return undefined;
}
