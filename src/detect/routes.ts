// URL paths the app serves, as far as its source says them plainly: Django's path()/re_path() with
// include() prefixes followed from ROOT_URLCONF, and FastAPI/Flask route decorators. Used to name the
// webhook URLs the runbook tells you to register; a path that cannot be traced to the root is marked.
import { lineOf } from "./env-reads.js";
import type { PythonFile } from "./python-files.js";

export interface Route {
  /** URL path, starting with /. */
  path: string;
  /** file:line of its declaration. */
  at: string;
  /** False when the path is relative to a prefix the code adds elsewhere (an include or a router we did not trace). */
  complete: boolean;
}

const DJANGO_ROUTE = /\b(?:re_)?path\(\s*r?["']\^?([^"'$]*)\$?["']\s*,\s*(include\(\s*["']([\w.]+)["'])?/g;
const DECORATOR = /^[ \t]*@(\w+)\.(?:post|put|route|api_route)\(\s*["'](\/[^"']*)["']/gm;

const join = (prefix: string, path: string) => `${prefix}${path}`.replace(/\/{2,}/g, "/");

function djangoRoutes(files: PythonFile[], rootUrlconf: string | undefined): Route[] {
  const urlFiles = files.filter((f) => /\burlpatterns\b/.test(f.text));
  const byModule = new Map(urlFiles.map((f) => [f.module, f]));
  // Prefix of each URLconf module, following include("module") from the root (bounded: each module once).
  const prefixes = new Map<string, string>();
  const queue: string[] = [];
  if (rootUrlconf && byModule.has(rootUrlconf)) {
    prefixes.set(rootUrlconf, "/");
    queue.push(rootUrlconf);
  }
  while (queue.length) {
    const module = queue.shift()!;
    for (const m of byModule.get(module)!.text.matchAll(DJANGO_ROUTE)) {
      const target = m[3];
      if (target && byModule.has(target) && !prefixes.has(target)) {
        prefixes.set(target, join(prefixes.get(module)!, m[1]!));
        queue.push(target);
      }
    }
  }
  const out: Route[] = [];
  for (const f of urlFiles) {
    const prefix = prefixes.get(f.module);
    for (const m of f.text.matchAll(DJANGO_ROUTE)) {
      if (m[2]) continue;
      out.push({ path: join(prefix ?? "/", m[1]!), at: `${f.path}:${lineOf(f.text, m.index!)}`, complete: prefix !== undefined });
    }
  }
  return out;
}

function decoratorRoutes(files: PythonFile[]): Route[] {
  const out: Route[] = [];
  for (const f of files) {
    for (const m of f.text.matchAll(DECORATOR)) {
      // On the app object itself the path is complete; on a router it may get a prefix where it is included.
      const onApp = new RegExp(`^${m[1]}\\s*(?::\\s*\\w+\\s*)?=\\s*(?:FastAPI|Flask)\\(`, "m").test(f.text);
      out.push({ path: m[2]!, at: `${f.path}:${lineOf(f.text, m.index!)}`, complete: onApp });
    }
  }
  return out;
}

export function routes(files: PythonFile[], settingsText?: string): Route[] {
  const rootUrlconf = settingsText ? /^ROOT_URLCONF\s*=\s*["']([\w.]+)["']/m.exec(settingsText)?.[1] : undefined;
  return [...djangoRoutes(files, rootUrlconf), ...decoratorRoutes(files)];
}
