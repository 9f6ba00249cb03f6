// Records what one run of the bundle reads and prints, so that a later run with the same reads can
// print the same thing without running it (src/memo/replay.ts). A run is recordable only if its
// output can depend on nothing else: it reads files through the READ_OPS alone, writes only to
// stdout, and never asks for the time, randomness, a terminal, another process or any module
// outside a small deterministic set. Anything else marks the run unrecordable (it still runs
// normally; only no memo is kept). The bundle gets its modules from the `require` made here, so
// the recording sees every call without touching Node's own modules, which Node itself also uses.
import * as realFs from "node:fs";
import { cryptoHash, digestError, digestResult, envDigest, envValue, isPlain, READ_OPS, type ReadOp } from "./digest.js";

/** One read: the operation, its arguments (JSON) and the digest of what it returned. */
export type Read = [op: ReadOp, args: string, digest: string];

export interface Recording {
  reads: Read[];
  /** Environment variables read, with a digest of each value (null: unset). */
  env: [name: string, value: string | null][];
  /** Set when the run listed the whole environment: a digest of it. */
  envAll?: string;
  stdout: Buffer[];
  /** Why the run cannot be replayed, if it cannot. */
  unrecordable?: string;
}

/**
 * Modules the bundle may load in a recordable run; fs, crypto and util get stand-ins. `process` is
 * the global process, whose members that vary between runs start() marks (YAML loads it).
 */
const PLAIN = new Set(["path", "url", "buffer", "string_decoder", "process"]);
/** crypto's deterministic part; anything else in it (randomness, keys) marks the run. */
const CRYPTO_OK = new Set(["createHash", "createHmac", "hash", "timingSafeEqual", "getHashes", "constants"]);
/** util's members that depend on the terminal or environment. */
const UTIL_MARKED = new Set(["styleText"]);
/** process members whose value a run could print or act on, and which a replay cannot check. */
const PROCESS_MARKED = [
  ...["stdout", "stderr", "stdin", "emitWarning", "pid", "ppid", "title", "umask", "chdir", "kill", "report"],
  ...["hrtime", "uptime", "memoryUsage", "cpuUsage", "resourceUsage", "availableMemory", "constrainedMemory"],
  ...["getuid", "geteuid", "getgid", "getegid", "getgroups", "getBuiltinModule"],
];
/** Globals that tell the time, draw randomness, schedule by time or print. */
const GLOBALS_MARKED = ["performance", "setTimeout", "setInterval", "setImmediate", "console", "crypto", "Intl", "fetch", "navigator"];
/** Date's methods that read the local time zone (from /etc/localtime when TZ is unset). */
const LOCAL_TIME = /^(get|set)(FullYear|Month|Date|Day|Hours|Minutes|Seconds|Milliseconds|Year)$|^getTimezoneOffset$|^to(String|DateString|TimeString|Locale\w*)$/;
/** Date's own members that tell the time or read the local time zone. */
const DATE_MARKED = new Set<PropertyKey>(["now", "parse"]);
/** Events whose listeners run after the run's promise has settled, when nothing is recorded any more. */
const LATE_EVENTS = new Set(["exit", "beforeExit"]);

const bare = (id: string) => id.replace(/^node:/, "");

/** Whether arguments survive JSON unchanged (strings, numbers, booleans, plain option objects). */
function jsonSafe(value: unknown): boolean {
  if (value === null || ["string", "boolean"].includes(typeof value)) return true;
  if (typeof value === "number") return Number.isFinite(value);
  return isPlain(value) && Object.values(value).every((v) => v !== undefined && jsonSafe(v));
}

export class Recorder {
  readonly recording: Recording = { reads: [], env: [], stdout: [] };
  private readonly restores: (() => void)[] = [];
  private readonly envSeen = new Set<string>();
  private readonly modules = new Map<string, unknown>();
  /** The `require` to give the bundle (with the real one's members: resolving a path marks the run). */
  readonly require: NodeJS.Require;

  constructor(private readonly realRequire: NodeJS.Require) {
    this.require = Object.assign((id: string): unknown => this.load(id), {
      resolve: this.marking(realRequire.resolve, "require.resolve"),
      cache: realRequire.cache,
      main: realRequire.main,
      extensions: realRequire.extensions,
    }) as NodeJS.Require;
  }

  mark(reason: string): void {
    this.recording.unrecordable ??= reason;
  }

  private load(id: string): unknown {
    const name = bare(id);
    const cached = this.modules.get(name);
    if (cached) return cached;
    const real = this.realRequire(id) as Record<string, unknown>;
    let module: unknown = real;
    if (name === "fs") module = this.fsStandIn(real as unknown as typeof realFs);
    else if (name === "crypto") module = this.standIn(real, (key) => !CRYPTO_OK.has(key), "crypto");
    else if (name === "util") module = this.standIn(real, (key) => UTIL_MARKED.has(key), "util");
    else if (!PLAIN.has(name)) this.mark(`module ${id}`);
    this.modules.set(name, module);
    return module;
  }

  /**
   * A copy of a module whose members for which `marked` holds mark the run when used: a function
   * when called, a class (or any other value) as soon as it is read, so that `instanceof` and
   * subclasses still meet the real class.
   */
  private standIn(real: Record<string, unknown>, marked: (key: string) => boolean, label: string): Record<string, unknown> {
    const copy: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(real)) {
      const d = Object.getOwnPropertyDescriptor(real, key)!;
      const isClass = /^[A-Z]/.test(key);
      if (!marked(key)) {
        Object.defineProperty(copy, key, { ...d, configurable: true });
      } else if (typeof d.value === "function" && !isClass) {
        copy[key] = this.marking(d.value as (...a: unknown[]) => unknown, `${label}.${key}`);
      } else {
        Object.defineProperty(copy, key, { enumerable: d.enumerable, configurable: true, get: () => (this.mark(`${label}.${key}`), real[key]) });
      }
    }
    return copy;
  }

  /** `fn`, marking the run when called; with fn's own members (prototype, symbols such as promisify.custom). */
  private marking<F extends (...a: never[]) => unknown>(fn: F, label: string): F {
    const self = this;
    const wrapped = function (this: unknown, ...args: Parameters<F>) {
      self.mark(label);
      return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
    };
    for (const key of Reflect.ownKeys(fn)) {
      if (key === "length" || key === "name") continue;
      const d = Object.getOwnPropertyDescriptor(fn, key)!;
      if (key === "prototype") {
        wrapped.prototype = d.value;
        continue;
      }
      if (typeof d.value === "function") d.value = this.marking(d.value as (...a: unknown[]) => unknown, `${label}.${String(key)}`);
      Object.defineProperty(wrapped, key, { ...d, configurable: true });
    }
    return wrapped as unknown as F;
  }

  private fsStandIn(fs: typeof realFs): Record<string, unknown> {
    // Stats and Dirent, what reads return, stay the real classes (instanceof); other classes mark.
    const plain = new Set<string>([...READ_OPS, "constants", "Stats", "Dirent"]);
    const copy = this.standIn(fs as unknown as Record<string, unknown>, (key) => !plain.has(key), "fs");
    for (const op of READ_OPS) copy[op] = this.reading(op, fs[op] as (...a: unknown[]) => unknown);
    copy.writeSync = this.printing(fs.writeSync);
    return copy;
  }

  private reading(op: ReadOp, fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    const self = this;
    const wrapped = function (...args: unknown[]) {
      while (args.length && args[args.length - 1] === undefined) args.pop();
      const recordable = args.every(jsonSafe);
      if (!recordable) self.mark(`fs.${op} with arguments JSON cannot hold`);
      const flag = op === "readFileSync" && typeof args[1] === "object" && args[1] !== null ? (args[1] as { flag?: unknown }).flag : undefined;
      if (flag !== undefined && flag !== "r") self.mark(`fs.readFileSync with flag ${String(flag)}`);
      try {
        const result = fn(...args);
        if (recordable) self.recording.reads.push([op, JSON.stringify(args), digestResult(op, args, result)]);
        return result;
      } catch (e) {
        if (recordable) self.recording.reads.push([op, JSON.stringify(args), digestError(e)]);
        throw e;
      }
    };
    if (op === "realpathSync") (wrapped as unknown as Record<string, unknown>).native = this.marking(realFs.realpathSync.native, "fs.realpathSync.native");
    return wrapped;
  }

  /** fs.writeSync: what goes to stdout is kept; stderr or any other file marks the run. */
  private printing(fn: typeof realFs.writeSync): typeof realFs.writeSync {
    const self = this;
    return function (fd: number, data: unknown, ...rest: unknown[]) {
      const written = (fn as (...a: unknown[]) => number)(fd, data, ...rest);
      if (fd !== 1) self.mark(fd === 2 ? "printed to stderr" : "fs.writeSync to a file");
      else if (Buffer.isBuffer(data) && (rest.length === 0 || (rest.length === 1 && typeof rest[0] === "number"))) {
        const offset = (rest[0] as number | undefined) ?? 0;
        self.recording.stdout.push(Buffer.from(data.subarray(offset, offset + written)));
      } else if (typeof data === "string" && rest.length === 0 && written === Buffer.byteLength(data)) {
        self.recording.stdout.push(Buffer.from(data));
      } else {
        self.mark("fs.writeSync to stdout in a form not kept");
      }
      return written;
    } as typeof realFs.writeSync;
  }

  /** Puts the stand-ins for time, randomness, the terminal and the environment in place until stop(). */
  start(): this {
    try {
      this.watch();
    } catch (e) {
      this.stop(); // what was replaced goes back
      throw e;
    }
    return this;
  }

  private watch(): void {
    cryptoHash(); // loaded now, while process.getBuiltinModule is still the real one
    const self = this;
    const replace = (owner: object, key: PropertyKey, descriptor: PropertyDescriptor) => {
      // An inherited member (process.on) gets an own stand-in, deleted again afterwards.
      const old = Object.getOwnPropertyDescriptor(owner, key);
      if (old && !old.configurable) throw new Error(`the memo cannot watch ${String(key)}`);
      Object.defineProperty(owner, key, { configurable: true, enumerable: old?.enumerable ?? false, ...descriptor });
      this.restores.push(() => (old ? Object.defineProperty(owner, key, old) : Reflect.deleteProperty(owner, key)));
    };
    // A value marks when read (a function when called); an assignment still takes effect.
    const markUse = (owner: object, key: string, label: string) => {
      const old = Object.getOwnPropertyDescriptor(owner, key);
      if (!old) return;
      if (typeof old.value === "function") return replace(owner, key, { value: this.marking(old.value, label), writable: true });
      replace(owner, key, {
        get: () => (this.mark(label), old.get ? old.get.call(owner) : old.value),
        set: (value: unknown) => (this.mark(label), old.set ? old.set.call(owner, value) : (old.value = value)),
      });
    };
    for (const key of PROCESS_MARKED) markUse(process, key, `process.${key}`);
    for (const key of GLOBALS_MARKED) markUse(globalThis, key, key);
    markUse(Math, "random", "Math.random");
    for (const key of ["on", "once", "addListener", "prependListener", "prependOnceListener"] as const) {
      const real = process[key];
      replace(process, key, {
        writable: true,
        value: function (this: unknown, event: string | symbol, ...rest: unknown[]) {
          if (LATE_EVENTS.has(event as string)) self.mark(`process.${key}("${String(event)}")`);
          return Reflect.apply(real, this, [event, ...rest]);
        },
      });
    }
    const RealDate = Date;
    const FakeDate: DateConstructor = new Proxy(RealDate, {
      apply: (t, thisArg, args) => (self.mark("Date()"), Reflect.apply(t, thisArg, args)),
      // Only a date from a number is neither now nor in the local time zone (a string may be local).
      construct: (t, args, newTarget) => (
        args.length === 0 ? self.mark("new Date()") : (args.length > 1 || typeof args[0] === "string") && self.mark("new Date(...) (local time)"),
        Reflect.construct(t, args, newTarget === FakeDate ? t : newTarget)
      ),
      get: (t, key, receiver) => (DATE_MARKED.has(key) && self.mark(`Date.${String(key)}`), Reflect.get(t, key, receiver)),
      getOwnPropertyDescriptor: (t, key) => (DATE_MARKED.has(key) && self.mark(`Date.${String(key)}`), Reflect.getOwnPropertyDescriptor(t, key)),
    });
    replace(globalThis, "Date", { writable: true, value: FakeDate });
    // new Date(0).constructor is the stand-in too, not a way around it.
    replace(RealDate.prototype, "constructor", { writable: true, value: FakeDate });
    for (const key of Object.getOwnPropertyNames(RealDate.prototype)) {
      if (LOCAL_TIME.test(key)) markUse(RealDate.prototype, key, `Date.prototype.${key} (local time)`);
    }
    const env = process.env;
    replace(process, "env", {
      writable: true,
      value: new Proxy(env, {
        get: (t, key) => (self.sawEnv(t, key), Reflect.get(t, key)),
        has: (t, key) => (self.sawEnv(t, key), Reflect.has(t, key)),
        getOwnPropertyDescriptor: (t, key) => (self.sawEnv(t, key), Reflect.getOwnPropertyDescriptor(t, key)),
        // (Once: a run that changes the environment is marked anyway.)
        ownKeys: (t) => ((self.recording.envAll ??= envDigest(t)), Reflect.ownKeys(t)),
        set: (t, key, value) => (self.mark("process.env set"), Reflect.set(t, key, value)),
        defineProperty: (t, key, d) => (self.mark("process.env set"), Reflect.defineProperty(t, key, d)),
        deleteProperty: (t, key) => (self.mark("process.env delete"), Reflect.deleteProperty(t, key)),
      }),
    });
  }

  private sawEnv(env: NodeJS.ProcessEnv, name: string | symbol): void {
    if (typeof name !== "string" || this.envSeen.has(name)) return;
    this.envSeen.add(name);
    // A variable is an own property; `env.constructor` and the like are not variables.
    this.recording.env.push([name, envValue(Object.hasOwn(env, name) ? env[name] : undefined)]);
  }

  /** Puts every replaced global back; returns the recording. */
  stop(): Recording {
    for (const restore of this.restores.splice(0).reverse()) restore();
    return this.recording;
  }
}
