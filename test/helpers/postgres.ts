// A throwaway PostgreSQL cluster for one test file: initdb into a temp dir, pg_ctl start on
// 127.0.0.1 with a free port (and its unix socket in the temp dir), password (scram) auth over TCP,
// with or without TLS (a throwaway self-signed certificate), as managed databases accept it.
// PostgreSQL refuses to run as root, so as root the server tools run as the `postgres` OS user.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENSURE_TOOLS } from "./tools.js";

export interface PgCluster {
  host: string;
  port: number;
  /** The cluster's superuser (password auth over TCP). */
  user: string;
  password: string;
  /** Directory of the server binaries (initdb, pg_ctl, pg_dump, ... of the same version). */
  bindir: string;
  /** postgres://USER:PASS@127.0.0.1:PORT/DB, as the superuser unless another role is given. */
  url(db: string, role?: { user: string; password: string }): string;
  /** Runs SQL (one or more statements) as the superuser; returns psql's unaligned, tuples-only output. */
  psql(db: string, sql: string): string;
  createDb(name: string, owner?: string): void;
  createRole(name: string, password: string, attributes?: string): void;
  /** Environment for client tools that must reach this cluster without a URL (PGHOST, PGPORT, ...). */
  clientEnv(): Record<string, string>;
  stop(): void;
}

/** Environment without anything that would point client tools at another server. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(PG|POSTGRES_|BACKUP_)/.test(key) || ["DATABASE_URL", "COMPOSE_FILE", "ENV_FILE"].includes(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

/** The bin directory of the newest installed PostgreSQL server, or an error naming the fix. */
export function postgresBinDir(): string {
  const hasServer = (dir: string) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"));
  const fromConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (fromConfig.status === 0 && hasServer(fromConfig.stdout.trim())) return fromConfig.stdout.trim();
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => hasServer(join(root, v, "bin")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) throw new Error(`PostgreSQL server tools (initdb, pg_ctl) not found; ${ENSURE_TOOLS}`);
  return join(root, versions[0]!, "bin");
}

/** A TCP port that was free a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function check(what: string, r: SpawnSyncReturns<string>): string {
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export async function startPostgres(): Promise<PgCluster> {
  const bindir = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
    const uid = id("-u");
    if (uid.status !== 0) throw new Error(`PostgreSQL will not run as root and there is no 'postgres' OS user; ${ENSURE_TOOLS}`);
    owner = { uid: Number(uid.stdout.trim()), gid: Number(id("-g").stdout.trim()) };
  }

  const dir = mkdtempSync(join(tmpdir(), "pg-test-"));
  const data = join(dir, "data");
  const sockets = join(dir, "sockets");
  const pwfile = join(dir, "pwfile");
  const cert = join(dir, "server.crt");
  const key = join(dir, "server.key");
  const user = "tester";
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  mkdirSync(sockets, { mode: 0o700 });
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  // Clients then connect with sslmode=require as they do to Render or Railway (libpq refuses that
  // mode without TLS, so a test passing with it used TLS).
  const openssl = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", cert], { encoding: "utf8" });
  if (openssl.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    check("openssl req (a throwaway server certificate)", openssl);
  }
  chmodSync(key, 0o600);
  if (owner) {
    for (const path of [dir, sockets, pwfile, cert, key]) chownSync(path, owner.uid, owner.gid);
    if (spawnSync("runuser", ["-u", "postgres", "--", "test", "-w", dir]).status !== 0) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the postgres OS user cannot reach ${dir}: set TMPDIR to a directory it can traverse, such as /tmp`);
    }
  }

  // Server tools run as postgres when we are root; cwd inside the temp dir so it is always readable.
  const server = (tool: string, args: string[]) => {
    const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", join(bindir, tool), ...args]] : [join(bindir, tool), args];
    return spawnSync(cmd as string, argv as string[], { cwd: dir, encoding: "utf8", env: cleanEnv({ LC_ALL: "C" }) });
  };

  const cleanupOnError = () => {
    server("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };

  let port = 0;
  try {
    check(
      "initdb",
      server("initdb", [
        "-D", data, "-U", user, `--pwfile=${pwfile}`, "--auth-local=trust", "--auth-host=scram-sha-256",
        "-E", "UTF8", "--no-locale", "--no-sync",
      ]),
    );
    // The port is free when found but could be taken before the server binds it: retry a few times.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        "-c listen_addresses=127.0.0.1", `-c port=${port}`, `-c unix_socket_directories=${sockets}`,
        "-c ssl=on", `-c ssl_cert_file=${cert}`, `-c ssl_key_file=${key}`,
        // A throwaway cluster: durability off for speed.
        "-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off",
      ].join(" ");
      const started = server("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-w", "-t", "30", "-o", options, "start"]);
      if (started.status === 0) break;
      if (attempt === 3) {
        const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
        check("pg_ctl start", { ...started, stdout: `${started.stdout}${log}` });
      }
    }
  } catch (error) {
    cleanupOnError();
    throw error;
  }

  const host = "127.0.0.1";
  const url = (db: string, role = { user, password }) =>
    `postgres://${encodeURIComponent(role.user)}:${encodeURIComponent(role.password)}@${host}:${port}/${encodeURIComponent(db)}`;
  const psql = (db: string, sql: string) =>
    check(
      `psql ${db}`,
      spawnSync(join(bindir, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-d", url(db)], {
        input: sql,
        encoding: "utf8",
        env: cleanEnv(),
      }),
    ).trim();
  const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    server("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  };
  // If the test process dies before afterAll, do not leave a server behind.
  process.once("exit", stop);

  return {
    host,
    port,
    user,
    password,
    bindir,
    url,
    psql,
    createDb: (name, dbOwner) => void psql("postgres", `CREATE DATABASE ${ident(name)}${dbOwner ? ` OWNER ${ident(dbOwner)}` : ""}`),
    createRole: (name, rolePassword, attributes = "") =>
      void psql("postgres", `CREATE ROLE ${ident(name)} LOGIN PASSWORD ${literal(rolePassword)} ${attributes}`),
    clientEnv: () => ({ PGHOST: host, PGPORT: String(port), PGUSER: user, PGPASSWORD: password }),
    stop,
  };
}
