// Minimal detection: just enough facts about the repo for the generated commands to be right
// without extra flags (settings, WSGI/ASGI, Celery app, FastAPI app, dependency manager, Python).
import { existsSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import type { PackageManager, StackId } from "../answers.js";
import { listPythonFiles, type PythonFile } from "./python-files.js";

export interface RepoFacts {
  root: string;
  /** False when the folder holds no Python project (the built-in example is used instead). */
  isPythonRepo: boolean;
  packageManager?: PackageManager;
  /** poetry.lock or uv.lock exists (reproducible installs). */
  lockfile: boolean;
  /** Normalised names (lowercase, dashes) of the app's declared dependencies. */
  dependencies: Set<string>;
  projectName?: string;
  python?: string;
  stack?: StackId;
  settingsModule?: string;
  /** Settings module as a file, e.g. shop/settings.py or config/settings/base.py. */
  settingsPath?: string;
  wsgiApp?: string;
  asgiApp?: string;
  celeryApp?: string;
  fastapiApp?: string;
  healthPath?: string;
  /** A POST route that looks like a webhook receiver (FastAPI). */
  webhookPath?: string;
  usesDjangoCeleryBeat: boolean;
  /** origin remote from .git/config, for platforms that build from the repository. */
  gitRepo?: string;
  /** Web-socket URL prefixes found in Channels routing, e.g. /ws/. */
  websocketPaths: string[];
}

export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_.]+/g, "-");
}

function readIf(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** Package name of a PEP 508 requirement line ("celery[redis]==5.4" → "celery"). */
function requirementName(line: string): string | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
  return m?.[1] ? normaliseName(m[1]) : undefined;
}

function pythonFromSpec(spec: string | undefined): string | undefined {
  if (!spec) return undefined;
  const m = /3\.(1[0-4])(\.\d{1,2})?/.exec(spec);
  return m ? m[0] : undefined;
}

interface DependencyInfo {
  manager?: PackageManager;
  lockfile: boolean;
  deps: Set<string>;
  projectName?: string;
  python?: string;
}

function readDependencies(root: string): DependencyInfo {
  const deps = new Set<string>();
  const pyprojectText = readIf(join(root, "pyproject.toml"));
  if (pyprojectText !== undefined) {
    let data: Record<string, any> = {};
    try {
      data = parseToml(pyprojectText) as Record<string, any>;
    } catch {
      // A pyproject that does not parse is reported by the dependency manager itself at build time.
    }
    const poetry = data.tool?.poetry;
    if (poetry?.dependencies) {
      for (const name of Object.keys(poetry.dependencies)) if (name !== "python") deps.add(normaliseName(name));
      const pyDep = poetry.dependencies.python;
      return {
        manager: "poetry",
        lockfile: existsSync(join(root, "poetry.lock")),
        deps,
        projectName: poetry.name,
        python: pythonFromSpec(typeof pyDep === "string" ? pyDep : undefined),
      };
    }
    if (data.project) {
      for (const req of data.project.dependencies ?? []) {
        const n = requirementName(String(req));
        if (n) deps.add(n);
      }
      return {
        manager: "uv",
        lockfile: existsSync(join(root, "uv.lock")),
        deps,
        projectName: data.project.name,
        python: pythonFromSpec(data.project["requires-python"]),
      };
    }
  }
  const requirements = readIf(join(root, "requirements.txt"));
  if (requirements !== undefined) {
    for (const line of requirements.split("\n")) {
      if (/^\s*(#|-)/.test(line)) continue;
      const n = requirementName(line);
      if (n) deps.add(n);
    }
    return { manager: "pip", lockfile: false, deps };
  }
  return { lockfile: false, deps };
}

function detectPython(root: string, fromDeps: string | undefined): string | undefined {
  const pinned = readIf(join(root, ".python-version"))?.split("\n")[0]?.trim();
  const fromPin = pythonFromSpec(pinned);
  if (fromPin) return fromPin;
  const runtime = readIf(join(root, "runtime.txt"));
  return pythonFromSpec(runtime) ?? fromDeps;
}

const SETTINGS_ENV = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z0-9_.]+)["']/;

function findModuleFile(files: PythonFile[], module: string): PythonFile | undefined {
  return files.find((f) => f.module === module && !f.path.endsWith("__init__.py")) ?? files.find((f) => f.module === module);
}

function detectDjango(files: PythonFile[]): Partial<RepoFacts> {
  const out: Partial<RepoFacts> = {};
  const manage = files.find((f) => f.path === "manage.py");
  const settingsModule = manage && SETTINGS_ENV.exec(manage.text)?.[1];
  if (settingsModule) {
    out.settingsModule = settingsModule;
    out.settingsPath = findModuleFile(files, settingsModule)?.path;
  }
  const settings = out.settingsPath ? files.find((f) => f.path === out.settingsPath) : undefined;
  const fromSetting = (key: string): string | undefined => {
    const m = new RegExp(`${key}\\s*=\\s*["']([A-Za-z0-9_.]+)\\.([A-Za-z_][A-Za-z0-9_]*)["']`).exec(settings?.text ?? "");
    return m ? `${m[1]}:${m[2]}` : undefined;
  };
  out.wsgiApp =
    fromSetting("WSGI_APPLICATION") ??
    (() => {
      const f = files.find((x) => x.path.endsWith("wsgi.py") && x.text.includes("get_wsgi_application"));
      return f ? `${f.module}:application` : undefined;
    })();
  out.asgiApp =
    fromSetting("ASGI_APPLICATION") ??
    (() => {
      const f = files.find((x) => x.path.endsWith("asgi.py") && /\bapplication\s*=/.test(x.text));
      return f ? `${f.module}:application` : undefined;
    })();
  const paths: string[] = [];
  for (const f of files) {
    if (!/routing\.py$/.test(f.path)) continue;
    for (const m of f.text.matchAll(/(?:re_)?path\(\s*r?["']\^?([A-Za-z0-9_-]+)\//g)) paths.push(`/${m[1]}/`);
  }
  out.websocketPaths = [...new Set(paths)].sort();
  for (const f of files) {
    if (!/urls\.py$/.test(f.path)) continue;
    const m = /path\(\s*["'](health[A-Za-z0-9_-]*\/?)["']/.exec(f.text);
    if (m?.[1]) {
      out.healthPath = `/${m[1]}`;
      break;
    }
  }
  return out;
}

function detectCelery(files: PythonFile[]): string | undefined {
  const f = files.find((x) => /\bCelery\(/.test(x.text) && /from celery import|import celery/.test(x.text));
  if (!f) return undefined;
  // `-A shop` finds shop.celery:app on its own; any other module is named in full.
  return f.path.endsWith("/celery.py") ? f.module.replace(/\.celery$/, "") : f.module;
}

function detectFastapi(files: PythonFile[]): Partial<RepoFacts> {
  for (const f of files) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*FastAPI\s*)?=\s*FastAPI\(/m.exec(f.text);
    if (!m?.[1]) continue;
    const attr = m[1];
    const health = new RegExp(`@${attr}\\.get\\(\\s*["'](/[A-Za-z0-9._/-]*health[A-Za-z0-9._/-]*)["']`).exec(f.text);
    const webhook = new RegExp(`@${attr}\\.post\\(\\s*["'](/[A-Za-z0-9._/-]*webhook[A-Za-z0-9._/-]*)["']`).exec(f.text);
    return { fastapiApp: `${f.module}:${attr}`, healthPath: health?.[1], webhookPath: webhook?.[1] };
  }
  return {};
}

function detectGitRemote(root: string): string | undefined {
  const config = readIf(join(root, ".git", "config"));
  const m = config && /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config);
  return m?.[1];
}

const MARKERS = ["manage.py", "pyproject.toml", "requirements.txt", "Pipfile", "setup.py"];

export function detectRepo(root: string): RepoFacts {
  const isPythonRepo = MARKERS.some((m) => existsSync(join(root, m)));
  const deps = readDependencies(root);
  const facts: RepoFacts = {
    root,
    isPythonRepo,
    packageManager: deps.manager,
    lockfile: deps.lockfile,
    dependencies: deps.deps,
    projectName: deps.projectName ?? basename(root),
    python: detectPython(root, deps.python),
    usesDjangoCeleryBeat: deps.deps.has("django-celery-beat"),
    websocketPaths: [],
    gitRepo: detectGitRemote(root),
  };
  if (!isPythonRepo) return facts;
  const files = listPythonFiles(root);
  const has = (n: string) => deps.deps.has(n);
  if (has("django") || files.some((f) => f.path === "manage.py")) {
    Object.assign(facts, detectDjango(files));
    facts.celeryApp = detectCelery(files);
    if (has("channels") || facts.websocketPaths.length > 0) facts.stack = "django-channels";
    else facts.stack = "django-celery";
  } else if (has("fastapi") || files.some((f) => /FastAPI\(/.test(f.text))) {
    Object.assign(facts, detectFastapi(files));
    facts.stack = "fastapi-chatwoot";
  }
  return facts;
}
