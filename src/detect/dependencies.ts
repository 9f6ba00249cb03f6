// How the app declares its dependencies: which manager installs them (pip, Poetry, uv), the files
// the image must copy to install them, the names declared (to add only what is missing), the
// project's name, its Python range, and whether its Django predates 4.2 (which decides the pins).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { parse as parseToml } from "smol-toml";
import type { PackageManager } from "../answers.js";
import { compare, parseVersion, specifierPredicate } from "./specifier.js";

export interface DependencyInfo {
  manager?: PackageManager;
  /** poetry.lock or uv.lock exists (reproducible installs). */
  lockfile: boolean;
  /** Normalised names (lowercase, dashes) of the declared dependencies. */
  deps: Set<string>;
  /** pip: the requirements file installed (first) and every file it includes (-r / -c). */
  requirementFiles: string[];
  /** The requirements install the project itself (`.` or `-e .`): the builder needs the source. */
  installsProject: boolean;
  projectName?: string;
  /** requires-python, or Poetry's python dependency. */
  pythonRange?: { source: string; range: string };
  /** An exact Python from the dependency file (Pipfile's python_version). */
  pythonPin?: { source: string; pin: string };
  /** The app's Django cannot be 4.2 or newer (a lock or a cap says so). */
  djangoBefore42: boolean;
  /** Things the user should know (an include outside the repository). */
  notes: string[];
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

const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const table = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** Name and version specifier of a PEP 508 line ("Django[argon2]>=3.2,<4 ; python_version>'3.8'"). */
function requirement(line: string): { name: string; spec: string } | undefined {
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;#]*)/.exec(line);
  return m?.[1] ? { name: normaliseName(m[1]), spec: (m[3] ?? "").trim().replace(/^\(|\)$/g, "") } : undefined;
}

/** False only when the specifier excludes every Django from 4.2 on. */
function allowsDjango42(spec: string): boolean {
  const allows = specifierPredicate(spec);
  if (!allows) return true;
  // Releases from 4.2 on, and any version the specifier itself names (an exact pin like ==5.1.4).
  const named = [...spec.matchAll(/\d+(?:\.\d+)*/g)].map((m) => parseVersion(m[0])!);
  const candidates = [...["4.2", "5.0", "5.1", "5.2", "6.0", "6.1", "7.0", "99.0"].map((v) => parseVersion(v)!), ...named];
  return candidates.some((v) => compare(v, [4, 2]) >= 0 && allows(v));
}

/** The Django version a lock file pins, if any. */
function lockedDjango(lockText: string | undefined): string | undefined {
  if (!lockText) return undefined;
  try {
    const lock = parseToml(lockText) as { package?: unknown };
    const packages = Array.isArray(lock.package) ? lock.package : [];
    const django = packages.map(table).find((p) => p && typeof p.name === "string" && normaliseName(p.name) === "django");
    return str(django?.version);
  } catch {
    return undefined;
  }
}

/** The file a deploy installs from, when there is no plain requirements.txt: the production one first. */
const REQUIREMENTS_ENTRIES = [
  "requirements.txt",
  "requirements/production.txt",
  "requirements/prod.txt",
  "requirements-prod.txt",
  "requirements/base.txt",
];

/** Pipenv: [packages] of the Pipfile, its Python, and Django's version from Pipfile.lock (JSON). */
function readPipfile(root: string, info: DependencyInfo, djangoSpecs: string[]): void {
  let pipfile: Record<string, unknown> = {};
  try {
    pipfile = parseToml(readIf(join(root, "Pipfile")) ?? "") as Record<string, unknown>;
  } catch {
    // Pipenv reports a broken Pipfile itself at build time.
  }
  for (const [name, value] of Object.entries(table(pipfile.packages) ?? {})) {
    info.deps.add(normaliseName(name));
    if (normaliseName(name) === "django") djangoSpecs.push(str(value) ?? str(table(value)?.version) ?? "");
  }
  const requires = table(pipfile.requires);
  const python = str(requires?.python_full_version) ?? str(requires?.python_version);
  if (python) info.pythonPin = { source: "Pipfile ([requires] python_version)", pin: python };
  const lockText = readIf(join(root, "Pipfile.lock"));
  info.lockfile = lockText !== undefined;
  try {
    const locked = lockText ? (JSON.parse(lockText) as { default?: Record<string, { version?: unknown }> }).default?.django?.version : undefined;
    if (typeof locked === "string") djangoSpecs.splice(0, djangoSpecs.length, locked);
  } catch {
    // An unreadable lock says nothing about the version.
  }
}

/** pip requirement files, following -r/-c includes, relative to the root; never outside it. */
function readRequirements(root: string, entry: string, info: DependencyInfo, djangoSpecs: string[]): void {
  const seen = new Set<string>();
  const visit = (rel: string, constraintsOnly: boolean): void => {
    if (seen.has(rel)) return;
    const text = readIf(join(root, rel));
    if (text === undefined) {
      info.notes.push(`${rel} is named in the requirements but does not exist.`);
      return;
    }
    seen.add(rel);
    info.requirementFiles.push(rel);
    for (const raw of text.replace(/\\\r?\n/g, " ").split(/\r?\n/)) {
      const line = raw.replace(/(^|\s)#.*$/, "").trim();
      if (!line) continue;
      const include = /^(-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+)(\S+)/.exec(line);
      if (include) {
        const target = normalize(join(dirname(rel), include[2]!)).split(sep).join("/");
        if (target.startsWith("../") || relative(root, join(root, target)).startsWith("..")) {
          info.notes.push(`${rel} includes ${include[2]}, outside the repository: the image cannot install it.`);
        } else {
          visit(target, constraintsOnly || include[1]!.startsWith("-c") || include[1] === "--constraint");
        }
        continue;
      }
      if (/^(-e\s+|--editable\s+)?(\.|\.\/|file:\.)(\[.*\])?$/.test(line)) {
        info.installsProject = true;
        continue;
      }
      if (line.startsWith("-")) continue;
      const req = requirement(line);
      if (!req) continue;
      if (!constraintsOnly) info.deps.add(req.name);
      if (req.name === "django") djangoSpecs.push(req.spec);
    }
  };
  visit(entry, false);
}

export function readDependencies(root: string): DependencyInfo {
  const info: DependencyInfo = { lockfile: false, deps: new Set(), requirementFiles: [], installsProject: false, djangoBefore42: false, notes: [] };
  const djangoSpecs: string[] = [];
  let pyproject: Record<string, unknown> = {};
  const pyprojectText = readIf(join(root, "pyproject.toml"));
  if (pyprojectText !== undefined) {
    try {
      pyproject = parseToml(pyprojectText) as Record<string, unknown>;
    } catch {
      // A pyproject that does not parse is reported by the dependency manager itself at build time.
    }
  }
  const project = table(pyproject.project);
  const poetry = table(table(pyproject.tool)?.poetry);
  const backend = str(table(pyproject["build-system"])?.["build-backend"]) ?? "";
  const hasPoetryLock = existsSync(join(root, "poetry.lock"));
  const hasUvLock = existsSync(join(root, "uv.lock"));
  const requirementsEntry = REQUIREMENTS_ENTRIES.find((f) => existsSync(join(root, f)));
  const hasRequirements = requirementsEntry !== undefined;
  info.projectName = str(project?.name) ?? str(poetry?.name);

  // PEP 621 dependencies, whoever installs them.
  const pep621 = Array.isArray(project?.dependencies) ? project.dependencies : [];
  const addPep621 = () => {
    for (const entry of pep621) {
      const req = typeof entry === "string" ? requirement(entry) : undefined;
      if (!req) continue;
      info.deps.add(req.name);
      if (req.name === "django") djangoSpecs.push(req.spec);
    }
  };
  if (typeof project?.["requires-python"] === "string") info.pythonRange = { source: "pyproject.toml (requires-python)", range: project["requires-python"] };

  if (hasPoetryLock || poetry || backend.startsWith("poetry")) {
    // Poetry 1 declares dependencies under [tool.poetry]; Poetry 2 may use [project] (PEP 621).
    info.manager = "poetry";
    info.lockfile = hasPoetryLock;
    addPep621();
    const poetryDeps = table(poetry?.dependencies) ?? {};
    for (const [name, value] of Object.entries(poetryDeps)) {
      const spec = str(value) ?? str(table(value)?.version) ?? "";
      if (name === "python") {
        info.pythonRange ??= { source: "pyproject.toml ([tool.poetry.dependencies] python)", range: spec };
        continue;
      }
      info.deps.add(normaliseName(name));
      if (normaliseName(name) === "django") djangoSpecs.push(spec);
    }
    const locked = hasPoetryLock ? lockedDjango(readIf(join(root, "poetry.lock"))) : undefined;
    if (locked) djangoSpecs.splice(0, djangoSpecs.length, `==${locked}`);
  } else if (hasUvLock || (project && !hasRequirements)) {
    info.manager = "uv";
    info.lockfile = hasUvLock;
    addPep621();
    const locked = hasUvLock ? lockedDjango(readIf(join(root, "uv.lock"))) : undefined;
    if (locked) djangoSpecs.splice(0, djangoSpecs.length, `==${locked}`);
  } else if (requirementsEntry) {
    // A requirements file is what installs the app, even beside a PEP 621 pyproject without uv.lock.
    info.manager = "pip";
    readRequirements(root, requirementsEntry, info, djangoSpecs);
  } else if (existsSync(join(root, "Pipfile"))) {
    info.manager = "pipenv";
    readPipfile(root, info, djangoSpecs);
  }
  info.djangoBefore42 = djangoSpecs.length > 0 && djangoSpecs.every((spec) => !allowsDjango42(spec));
  return info;
}
