// Minimal detection: just enough facts about the repo for the generated commands to be right
// without extra flags (settings, WSGI/ASGI, Celery app, FastAPI app, dependency manager, Python).
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { PackageManager, StackId } from "../answers.js";
import { normaliseName, readDependencies, type DependencyInfo } from "./dependencies.js";
import { envReads } from "./env-reads.js";
import { detectIntegrations, type DetectedIntegration } from "./integrations.js";
import { listPythonFiles, type PythonFile } from "./python-files.js";
import { detectPythonVersion, type PythonDetection } from "./python-version.js";
import { routes } from "./routes.js";

export { normaliseName };

export interface RepoFacts {
  /** The Python project: the repository, or its folder holding the app (backend/ in a monorepo). */
  root: string;
  /** That folder relative to the repository ("" when the app is at its top). */
  appDir: string;
  /** A JavaScript front end with a build script beside the app (monorepo), which the kit leaves to you. */
  frontend?: { dir: string; build: string };
  /** False when the folder holds no Python project (the built-in example is used instead). */
  isPythonRepo: boolean;
  packageManager?: PackageManager;
  /** poetry.lock or uv.lock exists (reproducible installs). */
  lockfile: boolean;
  /** Normalised names (lowercase, dashes) of the app's declared dependencies. */
  dependencies: Set<string>;
  /** pip: requirements.txt and the files it includes, for the image to copy. */
  requirementFiles: string[];
  /** The requirements install the project itself (`-e .`): the builder needs the whole source. */
  installsProject: boolean;
  /** The app's Django is older than 4.2 (pins that still support it are chosen). */
  djangoBefore42: boolean;
  projectName?: string;
  /** Python minor to build for, and where it was read. */
  python?: string;
  pythonSource?: string;
  /** Set when the app asks for a Python the kit cannot build (e.g. 3.9). */
  unsupportedPython?: { wanted: string; source: string };
  /** What detection noticed that the user should hear about. */
  notes: string[];
  /** Where each detected answer was read, for messages about it. */
  sources: Partial<Record<string, string>>;
  stack?: StackId;
  /** More than one stack fits (Django and FastAPI in one repository): the user must choose. */
  stackChoices?: { stack: StackId; evidence: string }[];
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
  /** The checked-out branch (.git/HEAD), which such platforms build from. */
  gitBranch?: string;
  /** Web-socket URL prefixes found in Channels routing, e.g. /ws/. */
  websocketPaths: string[];
  /** Third-party services the app uses (Twilio, Stripe, S3, ...), with the env names its code reads. */
  integrations: DetectedIntegration[];
}

function readIf(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function detectPython(root: string, deps: DependencyInfo): PythonDetection | undefined {
  return detectPythonVersion([
    { source: ".python-version", pin: readIf(join(root, ".python-version"))?.split("\n")[0] },
    { source: "runtime.txt", pin: readIf(join(root, "runtime.txt")) },
    ...(deps.pythonPin ? [deps.pythonPin] : []),
    ...(deps.pythonRange ? [{ source: deps.pythonRange.source, range: deps.pythonRange.range }] : []),
  ]);
}

const SETTINGS_ENV = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([A-Za-z0-9_.]+)["']/;

function findModuleFile(files: PythonFile[], module: string): PythonFile | undefined {
  return files.find((f) => f.module === module && !f.path.endsWith("__init__.py")) ?? files.find((f) => f.module === module);
}

const DEVELOPMENT = new Set(["local", "dev", "develop", "development", "test", "testing"]);
const SHARED_SETTINGS = ["production", "prod", "base", "common", "defaults"];

/**
 * The settings production should build on. manage.py usually names the developer's module
 * (settings/local.py, DEBUG on, hosts "*"); in a settings package the app's own production module,
 * or else the shared base, is what the generated settings must import instead.
 */
function productionBase(files: PythonFile[], named: string): string {
  const parts = named.split(".");
  if (parts.length < 2 || !DEVELOPMENT.has(parts[parts.length - 1]!)) return named;
  const pkg = parts.slice(0, -1).join(".");
  return SHARED_SETTINGS.map((name) => `${pkg}.${name}`).find((m) => findModuleFile(files, m)) ?? named;
}

function detectDjango(files: PythonFile[]): Partial<RepoFacts> {
  const out: Partial<RepoFacts> = {};
  const manage = files.find((f) => f.path === "manage.py");
  const named = manage && SETTINGS_ENV.exec(manage.text)?.[1];
  const sources: Partial<Record<string, string>> = {};
  out.sources = sources;
  if (named) {
    const settingsModule = productionBase(files, named);
    out.settingsModule = settingsModule;
    out.settingsPath = findModuleFile(files, settingsModule)?.path;
    sources.settingsModule =
      settingsModule === named
        ? "DJANGO_SETTINGS_MODULE in manage.py"
        : `the settings package (manage.py names the development module ${named})`;
  }
  const settings = out.settingsPath ? files.find((f) => f.path === out.settingsPath) : undefined;
  const fromSetting = (key: "wsgiApp" | "asgiApp", setting: string): string | undefined => {
    const m = new RegExp(`${setting}\\s*=\\s*["']([A-Za-z0-9_.]+)\\.([A-Za-z_][A-Za-z0-9_]*)["']`).exec(settings?.text ?? "");
    if (m) sources[key] = `${setting} in ${settings!.path}`;
    return m ? `${m[1]}:${m[2]}` : undefined;
  };
  const fromFile = (key: "wsgiApp" | "asgiApp", test: (f: PythonFile) => boolean): string | undefined => {
    const f = files.find(test);
    if (f) sources[key] = f.path;
    return f ? `${f.module}:application` : undefined;
  };
  out.wsgiApp =
    fromSetting("wsgiApp", "WSGI_APPLICATION") ??
    fromFile("wsgiApp", (x) => x.path.endsWith("wsgi.py") && x.text.includes("get_wsgi_application"));
  out.asgiApp =
    fromSetting("asgiApp", "ASGI_APPLICATION") ?? fromFile("asgiApp", (x) => x.path.endsWith("asgi.py") && /\bapplication\s*=/.test(x.text));
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

function detectCelery(files: PythonFile[]): { app: string; source: string } | undefined {
  const f = files.find((x) => /\bCelery\(/.test(x.text) && /from celery import|import celery/.test(x.text));
  if (!f) return undefined;
  // `-A shop` finds shop.celery:app on its own; any other module is named in full.
  return { app: f.path.endsWith("/celery.py") ? f.module.replace(/\.celery$/, "") : f.module, source: f.path };
}

function detectFastapi(files: PythonFile[]): Partial<RepoFacts> {
  for (const f of files) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*FastAPI\s*)?=\s*FastAPI\(/m.exec(f.text);
    if (!m?.[1]) continue;
    const attr = m[1];
    const health = new RegExp(`@${attr}\\.get\\(\\s*["'](/[A-Za-z0-9._/-]*health[A-Za-z0-9._/-]*)["']`).exec(f.text);
    const webhook = new RegExp(`@${attr}\\.post\\(\\s*["'](/[A-Za-z0-9._/-]*webhook[A-Za-z0-9._/-]*)["']`).exec(f.text);
    return { fastapiApp: `${f.module}:${attr}`, healthPath: health?.[1], webhookPath: webhook?.[1], sources: { fastapiApp: f.path } };
  }
  return {};
}

/** The origin remote as a URL a platform can build from: ssh:// → git@host:path, credentials dropped. */
export function normaliseGitRemote(url: string): string {
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/.exec(url);
  if (ssh) return `git@${ssh[1]}:${ssh[2]}`;
  return url.replace(/^(https?:\/\/)[^@/]+@/, "$1");
}

function detectGitRemote(root: string): string | undefined {
  const config = readIf(join(root, ".git", "config"));
  const m = config && /\[remote "origin"\][^[]*?url\s*=\s*(\S+)/.exec(config);
  return m?.[1] ? normaliseGitRemote(m[1]) : undefined;
}

const MARKERS = ["manage.py", "pyproject.toml", "requirements.txt", "requirements", "requirements-prod.txt", "Pipfile", "setup.py"];

const isPythonProject = (dir: string) => MARKERS.some((m) => existsSync(join(dir, m)));
const NOT_APPS = new Set(["node_modules", "docs", "scripts", "nginx", "railway", "easypanel", "examples", "tests", "test"]);

/** Folders one level down that hold a Python project (a monorepo's backend/), and a JS front end. */
function subprojects(repo: string): { python: string[]; frontend?: { dir: string; build: string } } {
  let entries: string[] = [];
  try {
    entries = readdirSync(repo, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !NOT_APPS.has(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return { python: [] };
  }
  let frontend: { dir: string; build: string } | undefined;
  for (const dir of entries) {
    const pkg = readIf(join(repo, dir, "package.json"));
    if (!pkg || frontend) continue;
    try {
      const build = (JSON.parse(pkg) as { scripts?: Record<string, unknown> }).scripts?.build;
      if (typeof build === "string") frontend = { dir, build };
    } catch {
      // not a package we can read: not a front end we can describe
    }
  }
  return { python: entries.filter((dir) => isPythonProject(join(repo, dir))), frontend };
}

/**
 * What the repository shows. A repository with no Python project at its top but exactly one in a
 * folder (backend/ beside frontend/) is a monorepo: the app is that folder.
 */
export function detectRepo(repo: string): RepoFacts {
  if (!isPythonProject(repo)) {
    const sub = subprojects(repo);
    if (sub.python.length === 1) {
      const facts = detectApp(repo, sub.python[0]!);
      return { ...facts, frontend: sub.frontend ?? facts.frontend };
    }
  }
  const facts = detectApp(repo, "");
  return facts.isPythonRepo ? { ...facts, frontend: facts.frontend ?? subprojects(repo).frontend } : facts;
}

function detectApp(repo: string, appDir: string): RepoFacts {
  const root = appDir ? join(repo, appDir) : repo;
  const isPythonRepo = isPythonProject(root);
  const deps = readDependencies(root);
  const python = detectPython(root, deps);
  const facts: RepoFacts = {
    root,
    appDir,
    isPythonRepo,
    packageManager: deps.manager,
    lockfile: deps.lockfile,
    dependencies: deps.deps,
    requirementFiles: deps.requirementFiles,
    installsProject: deps.installsProject,
    djangoBefore42: deps.djangoBefore42,
    projectName: deps.projectName ?? basename(root),
    sources: {
      name: deps.projectName ? "the project name in pyproject.toml" : "the folder name",
      gitRepo: "the origin remote in .git/config",
      python: python?.source,
    },
    python: python?.kind === "ok" ? python.minor : undefined,
    pythonSource: python?.source,
    unsupportedPython: python?.kind === "unsupported" ? { wanted: python.wanted, source: python.source } : undefined,
    notes: deps.notes,
    usesDjangoCeleryBeat: deps.deps.has("django-celery-beat"),
    websocketPaths: [],
    integrations: [],
    gitRepo: detectGitRemote(repo),
    gitBranch: /^ref: refs\/heads\/(\S+)\s*$/.exec(readIf(join(repo, ".git", "HEAD")) ?? "")?.[1],
  };
  if (!isPythonRepo) return facts;
  const files = listPythonFiles(root);
  const has = (n: string) => deps.deps.has(n);
  const found = (more: Partial<RepoFacts>) => Object.assign(facts, more, { sources: { ...facts.sources, ...more.sources } });
  const manage = files.find((f) => f.path === "manage.py");
  const fastapiFile = files.find((f) => /\bFastAPI\(/.test(f.text));
  const django = has("django") || manage !== undefined;
  const fastapi = has("fastapi") || fastapiFile !== undefined;
  // Both are detected in full, so whichever stack is chosen finds its paths.
  if (django) {
    found(detectDjango(files));
    const celery = detectCelery(files);
    if (celery) found({ celeryApp: celery.app, sources: { celeryApp: celery.source } });
  }
  if (fastapi) found(detectFastapi(files));
  const djangoStack = has("channels") || facts.websocketPaths.length > 0 ? "django-channels" : "django-celery";
  if (django && fastapi) {
    // Two web frameworks in one repository: which one to deploy is the user's call, not a guess.
    facts.stackChoices = [
      { stack: djangoStack, evidence: manage ? "manage.py" : "django in the dependencies" },
      { stack: "fastapi-chatwoot", evidence: fastapiFile ? `FastAPI() in ${fastapiFile.path}` : "fastapi in the dependencies" },
    ];
  } else if (django) facts.stack = djangoStack;
  else if (fastapi) facts.stack = "fastapi-chatwoot";
  const settingsText = facts.settingsPath ? files.find((f) => f.path === facts.settingsPath)?.text : undefined;
  facts.integrations = detectIntegrations(files, deps.deps, envReads(files), routes(files, settingsText));
  return facts;
}

/** The file that defines a dotted module, relative to the root (what `import` finds from /app). */
export function moduleFile(root: string, module: string): string | undefined {
  const base = module.replace(/\./g, "/");
  return [`${base}.py`, `${base}/__init__.py`].find((rel) => existsSync(join(root, rel)));
}
