// Everything the checks read, gathered once and lazily: the repo facts detection already computes,
// the Python files (the bounded walk of src/detect/python-files.ts), other files read by name, the
// process files, the Django settings production runs, and git's view. Nothing here writes.
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { listPythonFiles, type PythonFile } from "../detect/python-files.js";
import { detectRepo, type RepoFacts } from "../detect/repo.js";
import { isKitSettings, readSettings, type DjangoSettings } from "./django-settings.js";
import { gitView, type GitView } from "./git.js";
import { findProcessFiles, processCommands, type ProcessCommand, type ProcessFile } from "./process-files.js";

const MAX_READ = 1024 * 1024;

export interface DoctorContext {
  root: string;
  facts: RepoFacts;
  python: PythonFile[];
  /** A file's text by its path relative to the root; undefined when absent, not a file or over 1 MB. */
  read(rel: string): string | undefined;
  processFiles: ProcessFile[];
  /** Process files left out because their names say development or tests. */
  skippedProcessFiles: string[];
  commands: ProcessCommand[];
  /** The Django settings production runs (undefined outside Django or when none is found). */
  django: DjangoSettings | undefined;
  git: GitView;
  isDjango: boolean;
  isFastapi: boolean;
}

const DSM = [
  /DJANGO_SETTINGS_MODULE["']?\s*[=:]\s*["']?([A-Za-z_][\w.]*)/g,
  /ENV\s+DJANGO_SETTINGS_MODULE\s+["']?([A-Za-z_][\w.]*)/g,
  /key:\s*["']?DJANGO_SETTINGS_MODULE["']?\s*\n\s*value:\s*["']?([A-Za-z_][\w.]*)/g,
  /"key":\s*"DJANGO_SETTINGS_MODULE",\s*"value":\s*"([A-Za-z_][\w.]*)"/g,
  /--settings[= ]([A-Za-z_][\w.]*)/g,
];
const SETDEFAULT = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z0-9_.]+)["']/;

/** Which settings module production runs: a deploy file's DJANGO_SETTINGS_MODULE, else the kit's production settings, else what wsgi/asgi.py and manage.py default to. */
function productionSettings(python: PythonFile[], processFiles: ProcessFile[], facts: RepoFacts): DjangoSettings | undefined {
  const candidates: { module: string; source: string }[] = [];
  const ordered = [...processFiles].sort((a, b) => Number(b.kind === "dockerfile") - Number(a.kind === "dockerfile"));
  for (const f of ordered) {
    for (const re of DSM) for (const m of f.text.matchAll(re)) candidates.push({ module: m[1]!, source: `DJANGO_SETTINGS_MODULE in ${f.path}` });
  }
  const kit = python.find(isKitSettings);
  if (kit) candidates.push({ module: kit.module, source: "the kit's production settings" });
  for (const f of python.filter((x) => /(^|\/)[wa]sgi\.py$/.test(x.path))) {
    const m = SETDEFAULT.exec(f.text);
    if (m) candidates.push({ module: m[1]!, source: `the default DJANGO_SETTINGS_MODULE in ${f.path}` });
  }
  if (facts.settingsModule) candidates.push({ module: facts.settingsModule, source: "the default DJANGO_SETTINGS_MODULE in manage.py" });
  for (const c of candidates) {
    const settings = readSettings(python, c.module, c.source);
    if (settings) return { ...settings, kitProduction: kit };
  }
  return undefined;
}

export function createContext(root: string): DoctorContext {
  const facts = detectRepo(root);
  const python = facts.isPythonRepo ? listPythonFiles(root) : [];
  const cache = new Map<string, string | undefined>();
  const read = (rel: string): string | undefined => {
    if (!cache.has(rel)) {
      let text: string | undefined;
      try {
        const full = join(root, rel);
        const st = statSync(full);
        if (st.isFile() && st.size <= MAX_READ) text = readFileSync(full, "utf8");
      } catch {
        text = undefined;
      }
      cache.set(rel, text);
    }
    return cache.get(rel);
  };
  const { files: processFiles, skipped } = findProcessFiles(root, read);
  const isDjango = facts.stack === "django-celery" || facts.stack === "django-channels";
  let django: DjangoSettings | undefined | null = null;
  let git: GitView | undefined;
  return {
    root,
    facts,
    python,
    read,
    processFiles,
    skippedProcessFiles: skipped,
    commands: processFiles.flatMap(processCommands),
    get django() {
      if (django === null) django = isDjango ? productionSettings(python, processFiles, facts) : undefined;
      return django;
    },
    get git() {
      return (git ??= gitView(root));
    },
    isDjango,
    isFastapi: facts.stack === "fastapi-chatwoot",
  };
}
