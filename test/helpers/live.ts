// Live runs of a generated kit: every process started with the command the kit's files give it,
// against real servers, inside private mount and network namespaces (`unshare -m -n`), so the real
// ports of the files (80, 443, 5432, 6379, 8000) are free and only loopback exists. A holder
// process keeps the namespaces; every command runs in them through `nsenter`. A stand-in for
// Docker's DNS (nginx-dns.py on 127.0.0.11, named in /etc/resolv.conf) answers the service names,
// as Docker's does for containers. Every process started is a process group with a time limit;
// stop() ends them all, then anything else left in the network namespace, then the holder.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { Sandbox } from "./nginx.js";
import { postgresBinDir } from "./postgres.js";

export const HELPERS = fileURLToPath(new URL(".", import.meta.url));
/** Debian's interpreter: Django, Celery, Channels, FastAPI, Gunicorn and Uvicorn come from Debian. */
export const PYTHON = "/usr/bin/python3";
/** The image's unprivileged user (useradd app); here nobody: it may read the code, not write it. */
const APP_UID = 65534;
const APP_GID = 65534;
/** How long any process of a live run may live, whatever happens to the test. */
const PROCESS_LIMIT_S = 300;

export type Env = Record<string, string>;

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface LiveProcess {
  name: string;
  child: ChildProcess;
  log: string;
  exited: boolean;
  code: number | null;
}

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until check() is truthy; fails naming what was awaited (and the logs that explain it). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 20_000, explain?: () => string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `\n${explain()}` : ""}`);
    await sleep(100);
  }
}

/** Random letters and digits (passwords that go into URLs). */
export const alnum = (length = 32): string => {
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(length)].map((b) => chars[b % chars.length]).join("");
};
/** A URL-safe random token. */
export const token = (bytes = 48): string => randomBytes(bytes).toString("base64url");

export class LiveNamespace {
  readonly dir: string;
  private readonly box: Sandbox;
  private readonly holder: ChildProcess;
  private readonly processes: LiveProcess[] = [];
  private readonly onExit = () => this.stop();
  private stopped = false;
  private pgData?: string;

  private constructor(box: Sandbox, holder: ChildProcess) {
    this.box = box;
    this.dir = box.dir;
    this.holder = holder;
    process.once("exit", this.onExit);
  }

  /**
   * Starts the holder: mounts the sandbox (its preamble), /etc/resolv.conf naming 127.0.0.11 and a
   * private /tmp (as a container has) in which the sandbox and `keep` folders stay where they are;
   * brings loopback up and starts the DNS stand-in. `names` are the DNS names and their addresses.
   */
  static async start(box: Sandbox, names: Record<string, string[]>, keep: string[] = []): Promise<LiveNamespace> {
    mkdirSync(join(box.dir, "logs"), { recursive: true });
    writeFileSync(join(box.dir, "resolv.conf"), "nameserver 127.0.0.11\noptions ndots:0 timeout:1 attempts:2\n");
    chmodSync(join(box.dir, "resolv.conf"), 0o644);
    writeFileSync(join(box.dir, "dns-names"), "");
    chmodSync(box.dir, 0o755);
    const dirs = [box.dir, ...keep];
    // Folders are reopened by descriptor after the tmpfs covers /tmp (mount -c: the descriptor, not
    // its path name, which would now name the empty folder on the tmpfs).
    const script = `${box.preamble}
mount --bind "$T/resolv.conf" /etc/resolv.conf
${dirs.map((d, i) => `exec ${i + 3}<${q(d)}`).join("\n")}
mount -t tmpfs private-tmp /tmp
${dirs.map((d, i) => `mkdir -p ${q(d)} && mount --no-canonicalize --bind /proc/self/fd/${i + 3} ${q(d)} && exec ${i + 3}<&-`).join("\n")}
ip link set lo up
echo ready
exec sleep ${PROCESS_LIMIT_S}
`;
    writeFileSync(join(box.dir, "holder.sh"), script);
    const holder = spawn("unshare", ["-m", "-n", "bash", join(box.dir, "holder.sh")], { cwd: "/", stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    holder.stdout!.on("data", (d: Buffer) => (out += d.toString()));
    holder.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    const ns = new LiveNamespace(box, holder);
    try {
      await waitFor("the namespace holder", () => out.includes("ready") || holder.exitCode !== null, 10_000);
      if (!out.includes("ready")) throw new Error(`unshare -m -n failed:\n${out}`);
      ns.setNames(names);
      ns.start("dns", [PYTHON, join(HELPERS, "nginx-dns.py"), join(box.dir, "dns-names")], { user: "root" });
      const probe = Object.keys(names)[0]!;
      await waitFor("the DNS stand-in", () => ns.run([PYTHON, "-c", `import socket; socket.gethostbyname(${JSON.stringify(probe)})`]).status === 0, 5000);
      return ns;
    } catch (error) {
      ns.stop();
      throw error;
    }
  }

  /** The names the DNS stand-in answers, each with its addresses (read on every query). */
  setNames(names: Record<string, string[]>): void {
    writeFileSync(join(this.dir, "dns-names"), Object.entries(names).map(([name, addresses]) => `${name} ${addresses.join(" ")}\n`).join(""));
  }

  private argv(command: string[], user: "root" | "app" | "postgres", cwd: string): string[] {
    const as =
      user === "app"
        ? ["setpriv", `--reuid=${APP_UID}`, `--regid=${APP_GID}`, "--clear-groups", "--"]
        : user === "postgres"
          ? ["runuser", "-u", "postgres", "--"]
          : [];
    // --wd: entering a mount namespace resets the working directory to its root.
    return ["nsenter", "-t", String(this.holder.pid), "-m", "-n", `--wd=${cwd}`, "--", ...as, ...command];
  }

  /** Runs a command inside the namespaces and waits for it. */
  run(command: string[], opts: { env?: Env; cwd?: string; input?: string; timeoutMs?: number; user?: "root" | "app" | "postgres" } = {}): RunResult {
    const [cmd, ...args] = this.argv(command, opts.user ?? "root", opts.cwd ?? this.dir);
    const r = spawnSync(cmd!, args, {
      cwd: "/",
      env: opts.env ?? { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
      input: opts.input ?? "",
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 60_000,
      killSignal: "SIGKILL",
    });
    if (r.error) throw new Error(`${command.join(" ")}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Starts a long-running process (its own process group, output to logs/NAME.log). */
  start(name: string, command: string[], opts: { env?: Env; cwd?: string; user?: "root" | "app" | "postgres" } = {}): LiveProcess {
    const log = join(this.dir, "logs", `${name}.log`);
    const limited = ["timeout", "--kill-after=5", String(PROCESS_LIMIT_S), ...this.argv(command, opts.user ?? "app", opts.cwd ?? this.dir)];
    writeFileSync(log, "");
    const fd = openSync(log, "a");
    const child = spawn(limited[0]!, limited.slice(1), {
      cwd: "/",
      env: opts.env ?? { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8" },
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const proc: LiveProcess = { name, child, log, exited: false, code: null };
    child.on("exit", (code, signal) => {
      proc.exited = true;
      proc.code = code ?? (signal ? 128 : null);
    });
    this.processes.push(proc);
    return proc;
  }

  /** The output of a process so far. */
  log(name: string): string {
    const path = join(this.dir, "logs", `${name}.log`);
    return existsSync(path) ? readFileSync(path, "utf8") : "";
  }

  /** The last lines of every process's output, to explain a failure. */
  logs(lines = 30): string {
    return this.processes
      .map((p) => `--- ${p.name}${p.exited ? ` (exited ${p.code})` : ""}:\n${this.log(p.name).split("\n").slice(-lines).join("\n")}`)
      .join("\n");
  }

  /** Stops one process group: SIGTERM, then SIGKILL after graceMs. */
  async stopProcess(proc: LiveProcess, graceMs = 5000): Promise<void> {
    if (proc.exited) return;
    try {
      process.kill(-proc.child.pid!, "SIGTERM");
    } catch {
      return;
    }
    const end = Date.now() + graceMs;
    while (!proc.exited && Date.now() < end) await sleep(50);
    if (!proc.exited) {
      try {
        process.kill(-proc.child.pid!, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }
  }

  /**
   * A PostgreSQL cluster inside the namespace on 127.0.0.1:PORT, with SUPERUSER (password auth over
   * TCP) and DATABASE owned by it, as the postgres image makes them from POSTGRES_USER,
   * POSTGRES_PASSWORD and POSTGRES_DB.
   */
  startPostgres(opts: { port: number; user: string; password: string; database: string }): void {
    const bindir = postgresBinDir();
    const pg = join(this.dir, "pg");
    mkdirSync(pg, { recursive: true });
    writeFileSync(join(pg, "pwfile"), `${opts.password}\n`);
    const owner = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    for (const path of [pg, join(pg, "pwfile")]) chownSync(path, owner("-u"), owner("-g"));
    chmodSync(pg, 0o700);
    const data = join(pg, "data");
    const check = (what: string, r: RunResult) => {
      if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
    };
    const env = { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LC_ALL: "C" };
    check(
      "initdb",
      this.run([join(bindir, "initdb"), "-D", data, "-U", opts.user, `--pwfile=${join(pg, "pwfile")}`, "--auth-local=trust",
        "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], { user: "postgres", env, cwd: pg }),
    );
    const options = [`-c listen_addresses=127.0.0.1`, `-c port=${opts.port}`, `-c unix_socket_directories=${pg}`,
      "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"].join(" ");
    check("pg_ctl start", this.run([join(bindir, "pg_ctl"), "-D", data, "-l", join(pg, "server.log"), "-w", "-t", "30", "-o", options, "start"],
      { user: "postgres", env, cwd: pg }));
    this.pgData = data;
    this.psql(opts, "postgres", `CREATE DATABASE "${opts.database}"`);
  }

  /** psql as the given role over TCP inside the namespace; unaligned, tuples only. */
  psql(role: { port: number; user: string; password: string }, db: string, sql: string): string {
    const r = this.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-h", "127.0.0.1", "-p", String(role.port), "-U", role.user, "-d", db],
      { input: sql, env: { PATH: "/usr/bin:/bin", PGPASSWORD: role.password } });
    if (r.status !== 0) throw new Error(`psql ${db} failed:\n${r.stderr}`);
    return r.stdout.trim();
  }

  /** The command lines of every process in the network namespace. */
  commandLines(): string[][] {
    const ns = this.netns();
    if (!ns) return [];
    const out: string[][] = [];
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        if (readlinkSync(`/proc/${pid}/ns/net`) === ns) out.push(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean));
      } catch {
        // exited meanwhile
      }
    }
    return out;
  }

  private netns(): string | undefined {
    try {
      return readlinkSync(`/proc/${this.holder.pid}/ns/net`);
    } catch {
      return undefined;
    }
  }

  /** Ends everything: the started processes, PostgreSQL, whatever else is in the network namespace, the holder. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    process.removeListener("exit", this.onExit);
    for (const p of this.processes) {
      try {
        if (!p.exited) process.kill(-p.child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (this.pgData) spawnSync("runuser", ["-u", "postgres", "--", join(postgresBinDir(), "pg_ctl"), "-D", this.pgData, "-m", "immediate", "stop"], { cwd: "/" });
    // Anything left in the namespace (a daemonised child, say) shares the holder's network namespace.
    const holderNs = this.netns();
    if (holderNs) {
      for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
        try {
          if (readlinkSync(`/proc/${pid}/ns/net`) === holderNs) process.kill(Number(pid), "SIGKILL");
        } catch {
          // exited meanwhile, or not ours to read
        }
      }
    }
    try {
      this.holder.kill("SIGKILL");
    } catch {
      // already gone
    }
    this.box.cleanup();
  }
}

// --- Reading the kit's files as the tools that run them do ----------------------------------------

/** Folds Dockerfile continuation lines; returns the instructions of the last stage (the image). */
export function dockerfileRuntime(text: string): { env: Env; cmd: string[]; healthcheck: string[]; runs: string[] } {
  const lines: string[] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    // Comment lines, also those inside a continued instruction (Docker drops them too).
    if (/^\s*#/.test(raw)) continue;
    if (raw.endsWith("\\")) {
      current += `${raw.slice(0, -1)} `;
      continue;
    }
    current += raw;
    if (current.trim()) lines.push(current.trim());
    current = "";
  }
  const stage = lines.slice(lines.map((l) => /^FROM /i.test(l)).lastIndexOf(true));
  const env: Env = {};
  const runs: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  for (const line of stage) {
    const [, instruction, rest] = /^(\w+)\s+(.*)$/s.exec(line) ?? [];
    switch (instruction?.toUpperCase()) {
      case "ENV":
        for (const m of rest!.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)) env[m[1]!] = m[2]!.startsWith('"') ? JSON.parse(m[2]!) : m[2]!;
        break;
      case "RUN":
        runs.push(rest!);
        break;
      case "CMD":
        cmd = JSON.parse(rest!);
        break;
      case "HEALTHCHECK":
        healthcheck = JSON.parse(/\bCMD\s+(\[.*\])$/.exec(rest!)![1]!);
        break;
      default:
    }
  }
  return { env, cmd, healthcheck, runs };
}

/** docker compose's interpolation of ${VAR}, ${VAR:?message}, ${VAR:-default}, $VAR and $$. */
export function interpolate(value: string, vars: Env): string {
  return value.replace(/\$(\$|\{(\w+)(?::?([?-])([^}]*))?\}|(\w+))/g, (_, all: string, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (all === "$") return "$";
    const name = (braced ?? bare)!;
    const v = vars[name];
    if (op === "?" && !v) throw new Error(`compose would refuse to start: ${arg}`);
    if (op === "-" && !v) return arg ?? "";
    return v ?? "";
  });
}

export interface EnvEntry {
  name: string;
  value: string;
  secret: boolean;
}

/** The variables of .env.production.example (uncommented KEY=VALUE lines), with their [secret] mark. */
export function envExampleEntries(text: string): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let comments: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) {
      comments.push(line);
      continue;
    }
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) entries.push({ name: m[1]!, value: m[2]!, secret: comments.some((c) => c.includes("[secret]")) });
    comments = [];
  }
  return entries;
}

/** Test values for the variables an example leaves empty (or a placeholder), that are not random secrets. */
export const TEST_VALUES: Env = {
  // A DSN in Sentry's format whose host answers nothing: the SDK is set up; nothing leaves the namespace.
  SENTRY_DSN: "http://0123456789abcdef0123456789abcdef@127.0.0.1:9/1",
  EMAIL_HOST: "smtp.mail.test",
  EMAIL_HOST_USER: "apikey",
  DEFAULT_FROM_EMAIL: "no-reply@app.example.com",
};

/**
 * Every variable of the example, filled: `given` first, then the example's own value, then for an
 * empty or placeholder secret a random one, else TEST_VALUES. A variable with none of these fails.
 */
export function fillEnv(entries: EnvEntry[], given: Env): Env {
  const out: Env = {};
  for (const { name, value, secret } of entries) {
    const placeholder = value === "" || /\.\.\.$/.test(value);
    if (name in given) out[name] = given[name]!;
    else if (!placeholder) out[name] = value;
    else if (name in TEST_VALUES) out[name] = TEST_VALUES[name]!;
    else if (secret) out[name] = /PASSWORD/.test(name) ? alnum() : token();
    else throw new Error(`no test value for ${name} (empty in .env.production.example): add one to TEST_VALUES`);
  }
  return out;
}

/** A shell-like split of a command string (quotes, no expansions), as exec-form runners take it. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of command) {
    if (quote) {
      if (ch === quote) quote = null;
      else word = (word ?? "") + ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + ch;
  }
  if (quote) throw new Error(`unterminated quote in ${command}`);
  if (word !== null) words.push(word);
  return words;
}

export const readYaml11 = (text: string) => parseYaml(text, { version: "1.1" }) as Record<string, any>;

/**
 * What the image puts on PATH (/opt/venv/bin first), made of Debian's programs: python is Debian's
 * python3; gunicorn, celery, daphne are Debian's. And the one-line uvicorn_worker shim DESIGN.md
 * allows (Debian's Uvicorn 0.17 has only uvicorn.workers), on PYTHONPATH.
 */
export function imageTools(dir: string): { PATH: string; PYTHONPATH: string } {
  const bin = join(dir, "venv-bin");
  const shim = join(dir, "pythonpath");
  mkdirSync(bin, { recursive: true });
  mkdirSync(shim, { recursive: true });
  if (!existsSync(join(bin, "python"))) symlinkSync(PYTHON, join(bin, "python"));
  writeFileSync(join(shim, "uvicorn_worker.py"), "from uvicorn.workers import UvicornWorker  # noqa: F401\n");
  for (const d of [dir, bin, shim]) chmodSync(d, 0o755);
  chmodSync(join(shim, "uvicorn_worker.py"), 0o644);
  return { PATH: `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`, PYTHONPATH: shim };
}

/** The environment every container starts from (python:*-slim sets LANG), plus the image's tools. */
export function baseEnv(dir: string): Env {
  return { ...imageTools(dir), LANG: "C.UTF-8", HOME: "/nonexistent" };
}
