// The files that say how processes start in production, found by name (no walk): Dockerfiles,
// Procfiles, compose files, render.yaml, Railway and Easypanel configs, and start scripts. Each
// yields its commands with the line they are on and, where the format has one, the replica count.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from "yaml";

export type ProcessFileKind = "dockerfile" | "procfile" | "structured" | "toml" | "script";

export interface ProcessFile {
  path: string;
  kind: ProcessFileKind;
  text: string;
}

export interface ProcessCommand {
  path: string;
  line: number;
  command: string;
  /** The service or process name, when the file names it. */
  name?: string;
  /** Instances the file asks for (replicas, numReplicas, numInstances), when it says. */
  replicas?: number;
}

const SCRIPT_NAME = /(start|entrypoint|run|boot|serve)/i;
/** Files named for development or tests are not production's (`docker-compose.dev.yml`, `Dockerfile.local`). */
export const DEV_NAME = /(^|[._/-])(dev|develop|development|local|test|tests|testing|ci)([._/-]|$)/i;

function kindOf(dir: string, name: string): ProcessFileKind | undefined {
  if (/^(Dockerfile|Containerfile)(\..+)?$|\.Dockerfile$/.test(name)) return "dockerfile";
  if (dir === "" && /^Procfile(\..+)?$/.test(name)) return "procfile";
  if (dir === "" && /^(docker-)?compose(\..+)?\.ya?ml$|^render\.ya?ml$|^railway.*\.json$/.test(name)) return "structured";
  if ((dir === "railway" || dir === "easypanel") && name.endsWith(".json")) return "structured";
  if (dir === "" && /^(railway|nixpacks).*\.toml$/.test(name)) return "toml";
  if ((dir === "" ? /\.sh$/.test(name) : /(\.sh|^[^.]+)$/.test(name)) && SCRIPT_NAME.test(name)) return "script";
  return undefined;
}

/** Production's process files, with the reason each dev-named one was left out. */
export function findProcessFiles(root: string, read: (rel: string) => string | undefined): { files: ProcessFile[]; skipped: string[] } {
  const files: ProcessFile[] = [];
  const skipped: string[] = [];
  for (const dir of ["", "railway", "easypanel", "scripts", "bin", "docker", "deploy"]) {
    let names: string[];
    try {
      names = readdirSync(join(root, dir), { withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const kind = kindOf(dir, name);
      if (!kind) continue;
      const path = dir ? `${dir}/${name}` : name;
      if (DEV_NAME.test(name)) {
        skipped.push(path);
        continue;
      }
      const text = read(path);
      if (text !== undefined) files.push({ path, kind, text });
    }
  }
  return { files, skipped };
}

/** Physical lines joined where a backslash continues them, each with the line it starts on. */
export function joinedLines(text: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let t = lines[i]!;
    while (/\\\s*$/.test(t) && i + 1 < lines.length) t = t.replace(/\\\s*$/, " ") + lines[++i]!;
    out.push({ line: start + 1, text: t });
  }
  return out;
}

/** An exec-form JSON array as a command line; shell form as written. */
function dockerArgs(args: string): string {
  const t = args.trim();
  if (t.startsWith("[")) {
    try {
      const arr: unknown = JSON.parse(t);
      if (Array.isArray(arr)) return arr.map(String).join(" ");
    } catch {
      // not valid JSON: Docker runs it as a shell command, and so do we
    }
  }
  return t;
}

const COMMAND_KEYS = new Set(["command", "startCommand", "dockerCommand", "entrypoint", "cmd"]);
const REPLICA_KEYS = ["replicas", "numReplicas", "numInstances"];

function commandText(node: unknown): string | undefined {
  if (isScalar(node) && typeof node.value === "string") return node.value;
  if (isSeq(node) && node.items.every((i) => isScalar(i))) return node.items.map((i) => String((i as { value: unknown }).value)).join(" ");
  return undefined;
}

function replicasIn(map: YAMLMap | undefined): number | undefined {
  if (!map) return undefined;
  for (const key of REPLICA_KEYS) {
    const v = map.get(key);
    if (typeof v === "number") return v;
  }
  const deploy = map.get("deploy", true);
  return isMap(deploy) ? replicasIn(deploy) : undefined;
}

function structuredCommands(file: ProcessFile): ProcessCommand[] {
  const counter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: counter });
  if (doc.errors.length) return [];
  const out: ProcessCommand[] = [];
  const walk = (node: unknown, key: string | undefined, parents: YAMLMap[]) => {
    if (isSeq(node)) {
      for (const item of node.items) walk(item, key, parents);
      return;
    }
    if (!isMap(node)) return;
    const map = node as YAMLMap;
    for (const pair of map.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : "";
      if (COMMAND_KEYS.has(k)) {
        const command = commandText(pair.value);
        const range = (pair.value as Node | null)?.range;
        if (command && range) {
          const named = [map, ...parents.slice(0, 1)].map((m) => m.get("name") ?? m.get("serviceName")).find((n) => typeof n === "string") as string | undefined;
          out.push({
            path: file.path,
            line: counter.linePos(range[0]).line,
            command,
            name: named ?? key,
            replicas: [map, ...parents.slice(0, 2)].map(replicasIn).find((n) => n !== undefined),
          });
        }
        continue;
      }
      walk(pair.value, k, [map, ...parents]);
    }
  };
  walk(doc.contents, undefined, []);
  return out;
}

export function processCommands(file: ProcessFile): ProcessCommand[] {
  const at = (line: number, command: string, name?: string): ProcessCommand => ({ path: file.path, line, command, ...(name ? { name } : {}) });
  const code = joinedLines(file.text).filter((l) => l.text.trim() && !l.text.trim().startsWith("#"));
  switch (file.kind) {
    case "structured":
      return structuredCommands(file);
    case "dockerfile":
      return code.flatMap((l) => {
        const m = /^\s*(CMD|ENTRYPOINT)\s+(.*)$/i.exec(l.text);
        return m ? [at(l.line, dockerArgs(m[2]!))] : [];
      });
    case "procfile":
      return code.flatMap((l) => {
        const m = /^([\w-]+)\s*:\s*(.+)$/.exec(l.text);
        return m ? [at(l.line, m[2]!.trim(), m[1])] : [];
      });
    case "toml":
      return code.flatMap((l) => {
        const m = /^\s*(startCommand|cmd)\s*=\s*["'](.*)["']\s*$/.exec(l.text);
        return m ? [at(l.line, m[2]!)] : [];
      });
    case "script":
      return code.map((l) => at(l.line, l.text.trim()));
  }
}
