// Settings that read the environment: which variable a settings expression reads and with what
// default, and what a boolean setting (DEBUG) ends up as when the variable is not set. Covers the
// idioms the seeds and common tutorials use: os.environ.get / os.getenv / os.environ[...],
// django-environ (env, env.bool), python-decouple (config(..., cast=bool)), then == / in / int / bool.

/** A Python literal as doctor understands it. */
export type PyValue = { kind: "str"; value: string } | { kind: "bool"; value: boolean } | { kind: "num"; value: number } | { kind: "none" };

export interface EnvRead {
  variable: string;
  /** The default when the variable is unset; undefined when there is none. */
  fallback?: PyValue;
  /** The read parses booleans itself (env.bool, cast=bool). */
  parsesBool: boolean;
  /** The read returns the raw string (os.environ.get, os.getenv, env(), config() without cast). */
  rawString: boolean;
  /** Code before and after the call, for the conversions around it. */
  before: string;
  after: string;
}

const READERS =
  /(?<![\w.])(os\.environ\.get|os\.getenv|environ\.get|getenv|os\.environ\.setdefault|env\.bool|env\.str|env\.int|env|config)\(\s*(?=["'])/;

/** The arguments of the call whose "(" is at `open`, split at top-level commas, and the index after ")". */
export function callArgs(text: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let current = "";
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      const stop = close < 0 ? text.length - 1 : close;
      current += text.slice(i, stop + 1);
      i = stop;
      continue;
    }
    if ("([{".includes(c)) {
      depth++;
      if (depth === 1) continue;
    }
    if (")]}".includes(c)) {
      depth--;
      if (depth === 0) {
        if (current.trim()) args.push(current.trim());
        return { args, end: i + 1 };
      }
    }
    if (c === "," && depth === 1) {
      args.push(current.trim());
      current = "";
      continue;
    }
    current += c;
  }
  return { args, end: text.length };
}

export function pyLiteral(text: string): PyValue | undefined {
  const t = text.trim();
  const str = /^[rRuU]?("|')(.*)\1$/.exec(t);
  if (str) return { kind: "str", value: str[2]! };
  if (t === "True" || t === "False") return { kind: "bool", value: t === "True" };
  if (t === "None") return { kind: "none" };
  if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: "num", value: Number(t) };
  return undefined;
}

/** The first environment read in an expression, if any. */
export function envRead(expr: string): EnvRead | undefined {
  const subscript = /(?<![\w.])os\.environ\[\s*["'](\w+)["']\s*\]/.exec(expr);
  const call = READERS.exec(expr);
  if (subscript && (!call || subscript.index < call.index)) {
    return { variable: subscript[1]!, parsesBool: false, rawString: true, before: expr.slice(0, subscript.index), after: expr.slice(subscript.index + subscript[0].length) };
  }
  if (!call) return undefined;
  const reader = call[1]!;
  const { args, end } = callArgs(expr, call.index + reader.length);
  const variable = pyLiteral(args[0] ?? "");
  if (variable?.kind !== "str") return undefined;
  const kw = (name: string) => args.find((a) => new RegExp(`^${name}\\s*=`).test(a))?.replace(/^\w+\s*=\s*/, "");
  const positional = args.slice(1).filter((a) => !/^\w+\s*=/.test(a));
  const fallbackText = kw("default") ?? positional[0];
  const cast = kw("cast");
  const parsesBool = reader === "env.bool" || cast === "bool" || /strtobool|str2bool|to_bool/.test(cast ?? "");
  return {
    variable: variable.value,
    ...(fallbackText !== undefined ? { fallback: pyLiteral(fallbackText) ?? { kind: "str", value: "<expression>" } } : {}),
    parsesBool,
    rawString: !parsesBool && cast === undefined && !["env.int"].includes(reader),
    before: expr.slice(0, call.index),
    after: expr.slice(end),
  };
}

const TRUE_WORDS = new Set(["true", "1", "yes", "on", "y", "t"]);

/** What django-environ, decouple and strtobool make of a value. */
function parsedBool(v: PyValue | undefined): boolean {
  if (!v || v.kind === "none") return false;
  if (v.kind === "bool") return v.value;
  if (v.kind === "num") return v.value !== 0;
  return TRUE_WORDS.has(v.value.trim().toLowerCase());
}

/** Python's truthiness of the raw value. */
function truthy(v: PyValue | undefined): boolean {
  if (!v || v.kind === "none") return false;
  if (v.kind === "str") return v.value !== "";
  return v.kind === "bool" ? v.value : v.value !== 0;
}

function applyMethods(v: PyValue | undefined, methods: string): PyValue | undefined {
  if (v?.kind !== "str") return v;
  let s = v.value;
  for (const m of methods.matchAll(/\.(\w+)\(\)/g)) {
    if (m[1] === "lower" || m[1] === "casefold") s = s.toLowerCase();
    else if (m[1] === "upper") s = s.toUpperCase();
    else if (m[1] === "strip") s = s.trim();
    else return undefined;
  }
  return { kind: "str", value: s };
}

const same = (a: PyValue | undefined, b: PyValue | undefined): boolean =>
  a !== undefined && b !== undefined && a.kind === b.kind && ("value" in a ? a.value === (b as typeof a).value : true);

export type Flag =
  | { kind: "literal"; on: boolean }
  /** Read from the environment; `on` is its value when the variable is unset. */
  | { kind: "env"; read: EnvRead; on: boolean }
  /** The raw string from the environment: any non-empty value, "False" and "0" included, is true. */
  | { kind: "raw-string"; read: EnvRead; on: boolean }
  | { kind: "unknown" };

/** What a boolean setting evaluates to when its environment variable is unset. */
export function evalFlag(expr: string): Flag {
  const e = expr.trim();
  if (e === "True" || e === "1") return { kind: "literal", on: true };
  if (e === "False" || e === "0" || e === "None") return { kind: "literal", on: false };
  const read = envRead(e);
  if (!read) return { kind: "unknown" };
  const before = read.before.replace(/\s+/g, "");
  const after = read.after.trim();
  const wrap = /(\w+)\($/.exec(before)?.[1];
  if (read.parsesBool || (wrap && /strtobool|str2bool|to_bool|as_bool/.test(wrap))) {
    return before && !/(bool|strtobool|str2bool|to_bool|as_bool)\($/.test(before) ? { kind: "unknown" } : { kind: "env", read, on: parsedBool(read.fallback) };
  }
  if (wrap === "int" && !after.replace(/^\)/, "").trim()) {
    const v = read.fallback;
    const n = v?.kind === "str" ? Number(v.value) : v?.kind === "num" ? v.value : v?.kind === "bool" ? Number(v.value) : 0;
    return { kind: "env", read, on: Number.isFinite(n) && n !== 0 };
  }
  if (wrap === "bool" && !after.replace(/^\)/, "").trim()) return { kind: "raw-string", read, on: truthy(read.fallback) };
  if (before) return { kind: "unknown" };
  const cmp = /^((?:\.\w+\(\))*)\s*(==|!=)\s*(.+)$/.exec(after);
  if (cmp) {
    const value = applyMethods(read.fallback ?? { kind: "none" }, cmp[1]!);
    const other = pyLiteral(cmp[3]!);
    if (other === undefined) return { kind: "unknown" };
    const equal = same(value, other);
    return { kind: "env", read, on: cmp[2] === "==" ? equal : !equal };
  }
  const member = /^((?:\.\w+\(\))*)\s*(not\s+)?in\s*[([{]([^)\]}]*)[)\]}]$/.exec(after);
  if (member) {
    const value = applyMethods(read.fallback ?? { kind: "none" }, member[1]!);
    const options = member[3]!.split(",").map((o) => pyLiteral(o)).filter((o) => o !== undefined);
    const found = options.some((o) => same(value, o));
    return { kind: "env", read, on: member[2] ? !found : found };
  }
  if (!after && read.rawString) return { kind: "raw-string", read, on: truthy(read.fallback) };
  return { kind: "unknown" };
}
