// Which third-party services the app uses (src/integrations/), from its declared dependencies and
// its code, and the names its code gives their variables: a name the code reads wins over the kit's.
import { INTEGRATIONS } from "../integrations/index.js";
import type { IntegrationSpec, VarSpec } from "../integrations/spec.js";
import { codeOf, isGenerated, lineOf, type EnvRead } from "./env-reads.js";
import type { PythonFile } from "./python-files.js";
import type { Route } from "./routes.js";

export interface DetectedEnvVar {
  name: string;
  /** The kit's name for this value; absent for another variable of the integration the code reads. */
  standard?: string;
  /** file:line where the code reads it; absent when the code reads none and the kit's name is used. */
  readAt?: string;
}

export interface DetectedIntegration {
  id: string;
  /** The dependency that brought it, if any. */
  package?: string;
  /** file:line where the code shows it: an import, or the first read of one of its variables. */
  at?: string;
  envVars: DetectedEnvVar[];
  /** The route that receives its webhook, when the code has one. */
  webhook?: Route;
}

/** First place in the code matching `re`, as file:line. */
function findIn(files: PythonFile[], re: RegExp): string | undefined {
  const global = new RegExp(re.source, re.flags.replace("g", ""));
  for (const f of files) {
    const m = global.exec(f.text);
    if (m) return `${f.path}:${lineOf(f.text, m.index)}`;
  }
  return undefined;
}

const named = (v: VarSpec, name: string) => name === v.name || Boolean(v.aliases?.test(name));

/** The variables to list: the code's names where it reads them, the kit's otherwise (see VarSpec). */
function resolveVars(vars: VarSpec[], prefixes: string[], reads: EnvRead[]): DetectedEnvVar[] {
  const own = reads.filter((r) => vars.some((v) => named(v, r.name)) || prefixes.some((p) => r.name.startsWith(p)));
  const out: DetectedEnvVar[] = [];
  const claimed = new Set<string>();
  for (const v of vars) {
    const matches = own.filter((r) => !claimed.has(r.name) && named(v, r.name));
    for (const m of matches) {
      claimed.add(m.name);
      out.push({ name: m.name, standard: v.name, readAt: m.at });
    }
    if (matches.length || v.optional) continue;
    if (v.replacedBy && reads.some((r) => v.replacedBy!.test(r.name))) continue;
    // Once the code reads any of the integration's variables, its names are the truth; only what the
    // library reads by itself is still needed under the kit's name.
    if (own.length && !v.libraryReads) continue;
    out.push({ name: v.name, standard: v.name });
  }
  for (const r of own) if (!claimed.has(r.name)) out.push({ name: r.name, readAt: r.at });
  return out;
}

function detectOne(spec: IntegrationSpec, files: PythonFile[], deps: ReadonlySet<string>, reads: EnvRead[], routes: Route[]): DetectedIntegration | undefined {
  const vars = spec.vars(deps);
  const ownReads = reads.filter((r) => vars.some((v) => named(v, r.name)) || spec.prefixes.some((p) => r.name.startsWith(p)));
  let pkg: string | undefined;
  for (const rule of spec.packages) {
    const name = typeof rule === "string" ? rule : rule.name;
    if (!deps.has(name)) continue;
    if (typeof rule !== "string" && !ownReads.length && !findIn(files, rule.usedWhen)) continue;
    pkg = name;
    break;
  }
  if (!pkg) {
    const prefixed = reads.some((r) => spec.prefixes.some((p) => r.name.startsWith(p)));
    if (!spec.markers || !(prefixed || findIn(files, spec.markers))) return undefined;
  }
  const webhook = spec.webhook
    ? routes
        .filter((r) => spec.webhook!.words.test(r.path))
        .sort((a, b) => Number(/hook|event|notif|callback|incoming|inbound/i.test(b.path)) - Number(/hook|event|notif|callback|incoming|inbound/i.test(a.path)))[0]
    : undefined;
  return {
    id: spec.id,
    package: pkg,
    // With a package, where the code imports it; without, where the code reads its first variable.
    at: pkg ? (findIn(files, spec.imports) ?? ownReads[0]?.at) : (ownReads[0]?.at ?? findIn(files, spec.imports)),
    envVars: resolveVars(vars, spec.prefixes, reads),
    webhook,
  };
}

export function detectIntegrations(allFiles: PythonFile[], deps: ReadonlySet<string>, reads: EnvRead[], routes: Route[]): DetectedIntegration[] {
  // The app's own code, comments blanked: a name in a comment is not a use.
  const files = allFiles.filter((f) => !isGenerated(f)).map((f) => ({ ...f, text: codeOf(f) }));
  return INTEGRATIONS.flatMap((spec) => detectOne(spec, files, deps, reads, routes) ?? []);
}
