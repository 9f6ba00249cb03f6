// The generated shell scripts, proven with the real tools: shellcheck on every script of every
// combination, then backup-db.sh / restore-db.sh run for real against a throwaway PostgreSQL cluster
// (and, for the vps kit without DATABASE_URL, through a fake `docker compose exec -T db`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatformId, StackId } from "../src/answers.js";
import { COMBOS, FIXED, REPO_ROOT, generateKit, type Kit } from "./helpers/kit.js";
import { cleanEnv, startPostgres, type PgCluster } from "./helpers/postgres.js";
import { requireTools } from "./helpers/tools.js";

const NAME = FIXED.name; // acme-app: backups are acme-app-YYYYMMDDTHHMMSSZ.dump
const DB_NAME = NAME.replace(/-/g, "_"); // the compose db service's database and user on vps
const BACKUP_RE = new RegExp(`^${NAME}-(\\d{8}T\\d{6}Z)\\.dump(\\.age|\\.gpg)?$`);
/** The UTC timestamp of a backup's name (YYYYMMDDTHHMMSSZ) for a time in milliseconds. */
const stampOf = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

const kits = new Map<string, Kit>();
const temps: string[] = [];
const kit = (platform: PlatformId, stack: StackId) => kits.get(`${platform}/${stack}`)!;
const scriptsOf = (platform: PlatformId) =>
  platform === "vps" ? ["backup-db.sh", "restore-db.sh", "deploy.sh", "init-letsencrypt.sh"] : ["backup-db.sh", "restore-db.sh"];

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

beforeAll(() => {
  for (const { platform, stack } of COMBOS) kits.set(`${platform}/${stack}`, generateKit(platform, stack));
});
afterAll(() => {
  for (const k of kits.values()) k.cleanup();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe("shellcheck and script basics, every script of every combination", () => {
  // Optional checks that fit these scripts; left out: require-variable-braces (pure style),
  // check-extra-masked-returns / check-set-e-suppressed (they flag the deliberate `cmd || die` idiom).
  const OPTIONAL = [
    "add-default-case", "avoid-nullary-conditions", "check-unassigned-uppercase", "deprecate-which",
    "quote-safe-variables", "require-double-brackets",
  ];

  it("shellcheck --severity=style (plus optional checks) finds nothing", () => {
    requireTools(["shellcheck"]);
    const paths = COMBOS.flatMap(({ platform, stack }) => scriptsOf(platform).map((s) => join(kit(platform, stack).dir, "scripts", s)));
    expect(paths).toHaveLength(12 * 2 + 3 * 2);
    const r = spawnSync("shellcheck", ["--norc", "--shell=bash", "--severity=style", "--format=gcc", `--enable=${OPTIONAL.join(",")}`, ...paths], {
      encoding: "utf8",
    });
    expect(r.error).toBeUndefined();
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
    console.log(`shellcheck: ${paths.length} scripts checked (12 combinations), 0 findings`);
  });

  it.each(COMBOS)("$platform/$stack: mode 0755, bash shebang, strict mode, --help prints the header only", ({ platform, stack }) => {
    const k = kit(platform, stack);
    for (const script of scriptsOf(platform)) {
      const path = join(k.dir, "scripts", script);
      expect(statSync(path).mode & 0o777, script).toBe(0o755);
      const lines = readFileSync(path, "utf8").split("\n");
      expect(lines[0], script).toBe("#!/usr/bin/env bash");
      expect(lines.find((l) => !l.startsWith("#")), script).toBe("set -Eeuo pipefail");
      // --help needs no database or docker: it prints the header comment and nothing of the code,
      // also when started by a relative path from another directory (the scripts cd to the repo).
      const help = spawnSync(`../scripts/${script}`, ["--help"], { cwd: join(k.dir, "docs"), encoding: "utf8", env: cleanEnv() });
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: scripts/${script}`, "m"));
      expect(help.stdout).not.toMatch(/^#|set -E|^cd |umask|COMPOSE=/m);
      const bad = spawnSync(path, ["--no-such-option"], { cwd: tmpdir(), encoding: "utf8", env: cleanEnv() });
      expect(bad.status, script).not.toBe(0);
      expect(bad.stderr).toMatch(/unknown (argument|option)/);
    }
  });
});

describe("backup and restore against a real PostgreSQL", () => {
  let pg: PgCluster;
  // A non-superuser owner with CREATEDB, like the database user of Render, Railway or Easypanel.
  const APP = { user: "app_owner", password: "owner pw/with:odd@chars" };

  beforeAll(async () => {
    requireTools(["pg_dump", "pg_restore", "psql", "age", "age-keygen", "sha256sum", "openssl"]);
    pg = await startPostgres();
    pg.createRole(APP.user, APP.password, "CREATEDB");
  });
  afterAll(() => pg?.stop());

  const SEED = `
    CREATE TABLE customers (
      id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT '2024-01-01T00:00:00Z');
    INSERT INTO customers (name, email) SELECT 'Customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 1000) g;
    CREATE TABLE orders (
      id serial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
      total numeric(10, 2) NOT NULL);
    INSERT INTO orders (customer_id, total) SELECT 1 + (g * 7) % 1000, g * 1.25 FROM generate_series(1, 300) g;
    CREATE INDEX orders_customer_idx ON orders (customer_id);
    CREATE TABLE notes (id int PRIMARY KEY, body text, data jsonb);
    INSERT INTO notes VALUES (1, 'it''s "quoted"', '{"a": 1}'), (2, E'two\\nlines\\ttab', NULL), (3, 'ünïcödé ✓', '[1, 2]');
    CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100;
    CREATE SEQUENCE invoice_number START 1000;
    SELECT nextval('invoice_number') FROM generate_series(1, 5);`;

  const MUTATE = `
    DELETE FROM customers WHERE id > 400;
    INSERT INTO customers (name, email) VALUES ('Newcomer', 'new@example.com');
    DROP VIEW big_orders;
    DROP TABLE notes;
    SELECT nextval('invoice_number') FROM generate_series(1, 10);`;

  /** The schemas a restore must make equal: every one but PostgreSQL's own. */
  const USER_NS = "NOT IN ('pg_catalog', 'information_schema', 'pg_toast')";
  /** Not part of an extension (those come and go with it). */
  const notInExtension = (cls: string, oid: string) =>
    `NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = '${cls}'::regclass AND d.objid = ${oid} AND d.deptype = 'e')`;

  /**
   * Row counts and a content checksum of every table, and every object a migration can add: the
   * database as a restore must leave it (public's tables keyed by bare name, others' qualified).
   */
  function state(db: string): Record<string, string> {
    const queries: [string, string][] = [];
    // Comma-joined values of a one-column query.
    const joined = (column: string, from: string) => `SELECT string_agg(${column}, ',' ORDER BY ${column}) ${from}`;
    for (const row of pg.psql(db, `SELECT schemaname || '|' || tablename FROM pg_tables WHERE schemaname ${USER_NS} ORDER BY 1`).split("\n").filter(Boolean)) {
      const [schema, table] = row.split("|") as [string, string];
      const key = schema === "public" ? table : `${schema}.${table}`;
      const ref = `"${schema}"."${table}"`;
      queries.push([`rows ${key}`, `SELECT count(*)::text FROM ${ref}`]);
      queries.push([`md5 ${key}`, `SELECT md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) FROM ${ref} t`]);
    }
    queries.push(
      ["views", joined("viewname::text", "FROM pg_views WHERE schemaname = 'public'")],
      ["sequences", joined("sequencename || '=' || coalesce(last_value::text, '-')", "FROM pg_sequences WHERE schemaname = 'public'")],
      ["indexes", joined("indexname::text", "FROM pg_indexes WHERE schemaname = 'public'")],
      // Owner, privileges and comment of each schema: a restore that recreates public must keep them.
      [
        "schemas",
        joined(
          "nspname || ' ' || nspowner::regrole || ' ' || coalesce(nspacl::text, '-') || ' ' || coalesce(obj_description(oid, 'pg_namespace'), '-')",
          `FROM pg_namespace WHERE nspname ${USER_NS} AND nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%'`,
        ),
      ],
      [
        "relations",
        joined("n.nspname || '.' || c.relname || ':' || c.relkind::text", `FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname ${USER_NS}`),
      ],
      [
        "columns",
        joined(
          "a.attrelid::regclass || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')",
          `FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE n.nspname ${USER_NS} AND c.relkind IN ('r', 'v', 'm') AND a.attnum > 0 AND NOT a.attisdropped`,
        ),
      ],
      [
        "constraints",
        joined(
          "c.conrelid::regclass || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)",
          `FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname ${USER_NS}`,
        ),
      ],
      [
        "routines",
        joined(
          "p.oid::regprocedure::text",
          `FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname ${USER_NS} AND ${notInExtension("pg_proc", "p.oid")}`,
        ),
      ],
      [
        "types",
        joined(
          "t.oid::regtype || ':' || t.typtype::text",
          `FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname ${USER_NS} AND t.typtype IN ('d', 'e', 'r') AND ${notInExtension("pg_type", "t.oid")}`,
        ),
      ],
      ["extensions", joined("extname || ' in ' || extnamespace::regnamespace", "FROM pg_extension")],
      ["largeObjects", joined("oid || ':' || md5(lo_get(oid))", "FROM pg_largeobject_metadata")],
    );
    // One query for all of it: each psql start costs a connection (and a TLS handshake).
    const sql = queries.map(([key, query]) => `SELECT '${key.replace(/'/g, "''")}' AS k, coalesce((${query}), '') AS v`).join("\nUNION ALL\n");
    return JSON.parse(pg.psql(db, `SELECT json_object_agg(k, v) FROM (${sql}) q`)) as Record<string, string>;
  }

  function seededDb(name: string, owner = APP.user): Record<string, string> {
    pg.createDb(name, owner);
    pg.psql(name, `SET ROLE ${owner}; ${SEED}`);
    const original = state(name);
    expect(original["rows customers"]).toBe("1000");
    expect(original["rows orders"]).toBe("300");
    expect(original["rows notes"]).toBe("3");
    expect(original.sequences).toBe("customers_id_seq=1000,invoice_number=1004,orders_id_seq=300");
    return original;
  }

  function mutate(db: string, original: Record<string, string>): Record<string, string> {
    pg.psql(db, MUTATE);
    const changed = state(db);
    expect(changed).not.toEqual(original);
    expect(changed["rows notes"]).toBeUndefined();
    return changed;
  }

  function run(k: Kit, script: string, args: string[], opts: { env?: Record<string, string>; cwd?: string; input?: string } = {}) {
    const r = spawnSync(join(k.dir, "scripts", script), args, {
      cwd: opts.cwd ?? k.dir,
      env: cleanEnv(opts.env),
      input: opts.input ?? "",
      encoding: "utf8",
      timeout: 60_000,
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, log: `exit ${r.status}\n${r.stdout}\n${r.stderr}` };
  }

  const dbEnv = (db: string, extra: Record<string, string> = {}) => ({ DATABASE_URL: pg.url(db, APP), ...extra });
  const ls = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : []);
  const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
  const databases = () => pg.psql("postgres", "SELECT datname FROM pg_database ORDER BY 1").split("\n");

  /** Runs backup-db.sh and checks the file it reports: name, UTC timestamp, checksum, nothing partial. */
  let lastBackupLog = "";
  function backup(k: Kit, env: Record<string, string>, args: string[] = []): string {
    const before = Date.now();
    const r = run(k, "backup-db.sh", args, { env });
    expect(r.status, r.log).toBe(0);
    lastBackupLog = r.stderr;
    const reported = r.stdout.trim().split("\n").pop()!;
    const path = reported.startsWith("/") ? reported : join(k.dir, reported);
    const file = path.split("/").pop()!;
    const match = BACKUP_RE.exec(file);
    expect(match, file).not.toBeNull();
    // The name carries the UTC time of the backup.
    const [, stamp] = match!;
    const time = Date.parse(stamp!.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, "$1-$2-$3T$4:$5:$6Z"));
    expect(time).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 - 1000);
    expect(time).toBeLessThanOrEqual(Date.now() + 1000);
    // The checksum file beside it is valid for sha256sum -c, and nothing partial is left behind.
    expect(readFileSync(`${path}.sha256`, "utf8")).toBe(`${sha256(path)}  ${file}\n`);
    const dir = path.slice(0, -file.length - 1);
    const check = spawnSync("sha256sum", ["--check", "--status", `${file}.sha256`], { cwd: dir });
    expect(check.status).toBe(0);
    expect(ls(dir).filter((f) => f.startsWith(file.replace(/\.dump.*/, "")) && f.endsWith(".partial"))).toEqual([]);
    return path;
  }

  function listArchive(path: string): string {
    const r = spawnSync("pg_restore", ["--list", path], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  }

  const ROUND_TRIPS: [PlatformId, StackId][] = [
    ["render", "django-celery"],
    ["railway", "django-channels"],
    ["easypanel", "fastapi-chatwoot"],
    ["vps", "django-celery"],
  ];

  it.each(ROUND_TRIPS)("%s/%s: backup, damage the data, restore --yes: every table equal again", (platform, stack) => {
    const k = kit(platform, stack);
    const db = `roundtrip_${platform}`;
    const original = seededDb(db);
    const env = dbEnv(db);

    // The default BACKUP_DIR is backups/ in the repository.
    const file = backup(k, env);
    expect(relative(k.dir, file)).toMatch(/^backups\//);
    const contents = listArchive(file);
    for (const entry of ["TABLE public customers", "TABLE DATA public customers", "SEQUENCE SET public invoice_number", "VIEW public big_orders"]) {
      expect(contents).toContain(entry);
    }
    expect(contents).not.toMatch(/OWNER TO|ACL/); // --no-owner --no-acl
    const fileHash = sha256(file);

    mutate(db, original);
    // A relative path is taken from where the script is run, like any command-line tool.
    const r = run(k, "restore-db.sh", ["--yes", relative(join(k.dir, "backups"), file)], { env, cwd: join(k.dir, "backups") });
    expect(r.status, r.log).toBe(0);
    expect(state(db)).toEqual(original);
    // Sequences continue where they were, not where the damaged data left them.
    expect(pg.psql(db, "SELECT nextval('customers_id_seq')")).toBe("1001");

    // A safety backup of the replaced data was taken first, beside the restored one (which is intact).
    const dumps = ls(join(k.dir, "backups")).filter((f) => BACKUP_RE.test(f));
    expect(dumps).toHaveLength(2);
    const safety = join(k.dir, "backups", dumps.find((f) => join(k.dir, "backups", f) !== file)!);
    expect(r.stderr).toContain(relative(k.dir, safety));
    expect(listArchive(safety)).not.toContain("TABLE public notes"); // it holds the damaged state
    expect(sha256(file)).toBe(fileHash);
  });

  it("restores into a fresh, empty database (the old one is gone): row counts and checksums equal the backed-up one", () => {
    const k = kit("railway", "django-celery");
    const original = seededDb("lost_server");
    const backups = tempDir("backups-");
    const file = backup(k, dbEnv("lost_server", { BACKUP_DIR: backups }));
    // A new server: an empty database owned by the app's user, the old one dropped.
    pg.psql("postgres", "DROP DATABASE lost_server");
    pg.createDb("new_server", APP.user);
    expect(state("new_server")["rows customers"]).toBeUndefined();
    const r = run(k, "restore-db.sh", ["--yes", file], { env: dbEnv("new_server", { BACKUP_DIR: backups }) });
    expect(r.status, r.log).toBe(0);
    const restored = state("new_server");
    expect(restored).toEqual(original);
    expect([restored["rows customers"], restored["rows orders"], restored["rows notes"]]).toEqual(["1000", "300", "3"]);
    // The safety backup, of the empty database, was still taken first.
    expect(ls(backups).filter((f) => BACKUP_RE.test(f))).toHaveLength(2);
    const tables = Object.keys(restored).filter((key) => key.startsWith("rows ")).length;
    console.log(`backups: restored into a fresh, empty database: ${tables} tables, row counts and checksums equal the original's`);
  });

  it("backup --verify restores into a scratch database, checks it and drops it", () => {
    const k = kit("railway", "django-celery");
    const db = "verify_me";
    seededDb(db);
    const before = databases();
    const backups = tempDir("backups-");
    // URL options are kept for the scratch database's connection.
    const file = backup(k, { DATABASE_URL: `${pg.url(db, APP)}?sslmode=disable`, BACKUP_DIR: backups }, ["--verify"]);
    expect(ls(backups)).toEqual([file.split("/").pop(), `${file.split("/").pop()}.sha256`]);
    // The scratch copy held the three tables and the view, and is gone again.
    expect(lastBackupLog).toMatch(/verified: restored 4 tables/);
    expect(databases()).toEqual(before);
  });

  it("backup --verify works for the longest service name (its scratch database name fits in 63 bytes)", () => {
    const longName = `long-${"n".repeat(35)}`;
    expect(longName).toHaveLength(40); // the longest name the answers accept
    const k = generateKit("railway", "django-celery", { answers: { name: longName } });
    try {
      const db = "verify_long_name";
      seededDb(db);
      const before = databases();
      const backups = tempDir("backups-");
      const r = run(k, "backup-db.sh", ["--verify"], { env: dbEnv(db, { BACKUP_DIR: backups }) });
      expect(r.status, r.log).toBe(0);
      expect(r.stderr).toMatch(/verified: restored 4 tables/);
      const scratch = /scratch database (\S+)/.exec(r.stderr)![1]!;
      expect(Buffer.byteLength(scratch)).toBeLessThanOrEqual(63);
      expect(databases()).toEqual(before);
    } finally {
      k.cleanup();
    }
  });

  it("restore without --yes and without a terminal refuses and changes nothing", () => {
    const k = kit("render", "fastapi-chatwoot");
    const db = "no_tty";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups });
    const file = backup(k, env);
    const changed = mutate(db, original);
    // Even the right answer on a pipe is not a confirmation.
    const r = run(k, "restore-db.sh", [file], { env, input: `${db}\n` });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/refusing to restore without confirmation.*--yes/);
    expect(state(db)).toEqual(changed);
    expect(ls(backups)).toHaveLength(2); // no safety backup either
  });

  it("restore in a terminal asks for the database name: a wrong answer refuses, the right one restores", () => {
    requireTools(["script"]);
    const k = kit("easypanel", "django-channels");
    const db = "with_tty";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    // The name to type is the database's, also when the URL's options contain slashes.
    const env = { DATABASE_URL: `${pg.url(db, APP)}?sslmode=disable&application_name=ops/restore`, BACKUP_DIR: backups };
    const file = backup(k, env);
    const changed = mutate(db, original);
    // util-linux script(1) gives the restore a pseudo-terminal and types our input into it.
    const inTerminal = (answer: string) =>
      spawnSync("script", ["--quiet", "--return", "--command", `${join(k.dir, "scripts", "restore-db.sh")} ${file}`, "/dev/null"], {
        cwd: k.dir,
        env: cleanEnv(env),
        input: `${answer}\n`,
        encoding: "utf8",
        timeout: 60_000,
      });
    const wrong = inTerminal("not-the-name");
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toContain(`Type the database name to continue`);
    expect(wrong.stdout).toContain("not confirmed; nothing was changed");
    expect(state(db)).toEqual(changed);
    const right = inTerminal(db);
    expect(right.status, right.stdout).toBe(0);
    expect(state(db)).toEqual(original);
  });

  it("a corrupt or truncated backup, or a checksum mismatch, is refused before anything is touched", () => {
    const k = kit("vps", "fastapi-chatwoot");
    const db = "corrupt";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups });
    const good = backup(k, env);
    const changed = mutate(db, original);
    const size = statSync(good).size;
    expect(size).toBeGreaterThan(10_000);

    const cases: { file: string; make: (path: string) => void; error: RegExp }[] = [
      {
        // Cut after the table of contents: pg_restore --list alone would still accept it.
        file: `${NAME}-20200101T000000Z.dump`,
        make: (path) => (copyFileSync(good, path), truncateSync(path, Math.floor(size * 0.7))),
        error: /not a complete, readable pg_dump archive/,
      },
      {
        file: `${NAME}-20200102T000000Z.dump`,
        make: (path) => writeFileSync(path, createHash("sha512").update("random").digest()),
        error: /not a complete, readable pg_dump archive/,
      },
      {
        file: `${NAME}-20200103T000000Z.dump`,
        make: (path) => {
          copyFileSync(good, path);
          const bytes = readFileSync(path);
          const at = bytes.length - 100;
          bytes.writeUInt8(bytes.readUInt8(at) ^ 0xff, at); // flipped bits, caught by the checksum
          writeFileSync(path, bytes);
          const line = readFileSync(`${good}.sha256`, "utf8").replace(good.split("/").pop()!, path.split("/").pop()!);
          writeFileSync(`${path}.sha256`, line);
        },
        error: /checksum mismatch.*nothing was changed/,
      },
    ];
    for (const c of cases) {
      const path = join(backups, c.file);
      c.make(path);
      const files = ls(backups);
      const r = run(k, "restore-db.sh", ["--yes", path], { env });
      expect(r.status, c.file).not.toBe(0);
      expect(r.stderr, c.file).toMatch(c.error);
      expect(state(db), c.file).toEqual(changed);
      expect(ls(backups), c.file).toEqual(files); // not even a safety backup was needed
    }
  });

  it("closes other sessions of the database before restoring (those it may close)", async () => {
    const k = kit("render", "django-channels");
    const db = "busy";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups });
    const file = backup(k, env);
    mutate(db, original);

    // The app's session holds a lock on a table the restore must drop; a superuser (say, the
    // platform's monitoring) sits idle in the same database and must not make the restore fail.
    const session = (url: string, name: string, sql: string): { child: ChildProcess; done: Promise<number | null> } => {
      const child = spawn("psql", ["-X", "-q", "-d", url], { env: cleanEnv({ PGAPPNAME: name }), stdio: ["pipe", "ignore", "ignore"] });
      child.stdin!.end(sql);
      return { child, done: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
    };
    const app = session(pg.url(db, APP), "app-session", "BEGIN;\nSELECT count(*) FROM customers;\nSELECT pg_sleep(60);\n");
    const admin = session(pg.url(db), "admin-session", "SELECT pg_sleep(60);\n");
    try {
      for (let i = 0; pg.psql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '%-session' AND state = 'active'") !== "2"; i++) {
        expect(i).toBeLessThan(100);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const started = Date.now();
      const r = run(k, "restore-db.sh", ["--yes", file], { env });
      expect(r.status, r.log).toBe(0);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(state(db)).toEqual(original);
      // The app's session was closed; the superuser's is not ours to close and is still there.
      const sessions = pg.psql(db, "SELECT application_name FROM pg_stat_activity WHERE application_name LIKE '%-session'");
      expect(sessions).toBe("admin-session");
      expect(await app.done).not.toBe(0);
    } finally {
      app.child.kill();
      admin.child.kill();
    }
  });

  it("restoring an old backup never lets the safety backup's retention delete it", () => {
    const k = kit("railway", "fastapi-chatwoot");
    const db = "old_one";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups, BACKUP_RETENTION_DAYS: "7", BACKUP_KEEP: "1" });
    const fresh = backup(k, env);
    // Rename it as if it were 30 days old: it is beyond the retention policy and not the newest.
    const old = join(backups, `${NAME}-${stampOf(Date.now() - 30 * 86_400_000)}.dump`);
    copyFileSync(fresh, old);
    writeFileSync(`${old}.sha256`, `${sha256(old)}  ${old.split("/").pop()}\n`);
    mutate(db, original);
    const r = run(k, "restore-db.sh", ["--yes", old], { env });
    expect(r.status, r.log).toBe(0);
    expect(state(db)).toEqual(original);
    expect(existsSync(old)).toBe(true);
  });

  it("a backup never replaces an existing one, even one taken within the same second", () => {
    const k = kit("railway", "django-celery");
    const db = "same_second";
    seededDb(db);
    const backups = tempDir("backups-");
    // Backups already named for this second and the next (say, one taken a moment ago).
    const now = Date.now();
    const taken = [0, 1000].map((offset) => `${NAME}-${stampOf(now + offset)}.dump`);
    for (const f of taken) writeFileSync(join(backups, f), `existing ${f}`);
    const file = backup(k, dbEnv(db, { BACKUP_DIR: backups }));
    expect(taken).not.toContain(file.split("/").pop());
    for (const f of taken) expect(readFileSync(join(backups, f), "utf8")).toBe(`existing ${f}`);
  });

  it("retention deletes only this app's backups older than BACKUP_RETENTION_DAYS and beyond the newest BACKUP_KEEP", () => {
    const k = kit("render", "django-celery");
    const db = "retention";
    seededDb(db);
    const stampDaysAgo = (days: number) => stampOf(Date.now() - days * 86_400_000);
    const make = (dir: string, file: string) => {
      writeFileSync(join(dir, file), "x");
      if (BACKUP_RE.test(file)) writeFileSync(join(dir, `${file}.sha256`), `0  ${file}\n`);
    };
    // Never touched, whatever their age: other apps' backups (one whose name starts with ours),
    // unfinished files, other extensions, names without a full timestamp.
    const foreign = [
      "other-app-20200101T000000Z.dump",
      `${NAME}-old-20200101T000000Z.dump`,
      `${NAME}-20200101T000000Z.dump.partial`,
      `${NAME}-20200101T000000Z.sql`,
      `${NAME}-20200101.dump`,
      `${NAME}X20200101T000000Z.dump`,
      "README.txt",
    ];

    // 1. Newest KEEP=2 kept; beyond them, only what is older than 14 days goes (recent ones stay).
    const a = tempDir("retention-a-");
    const recent = [1, 5, 10, 13].map((d) => `${NAME}-${stampDaysAgo(d)}.dump`);
    const old = [`${NAME}-${stampDaysAgo(15)}.dump`, `${NAME}-${stampDaysAgo(30)}.dump.age`, `${NAME}-${stampDaysAgo(400)}.dump.gpg`];
    for (const f of [...recent, ...old, ...foreign]) make(a, f);
    const newA = backup(k, dbEnv(db, { BACKUP_DIR: a, BACKUP_RETENTION_DAYS: "14", BACKUP_KEEP: "2" })).split("/").pop()!;
    const expectedA = [newA, ...recent].flatMap((f) => [f, `${f}.sha256`]).concat(foreign).sort();
    expect(ls(a)).toEqual(expectedA);

    // 2. KEEP protects the newest ones even when all of them are older than the retention period.
    const b = tempDir("retention-b-");
    const aged = [20, 30, 40, 50, 60].map((d) => `${NAME}-${stampDaysAgo(d)}.dump`);
    for (const f of [...aged, ...foreign]) make(b, f);
    const r = run(k, "backup-db.sh", [], { env: dbEnv(db, { BACKUP_DIR: b, BACKUP_RETENTION_DAYS: "14", BACKUP_KEEP: "4" }) });
    expect(r.status, r.log).toBe(0);
    const newB = r.stdout.trim().split("/").pop()!;
    expect(r.stderr).toContain("2 old backup(s) removed");
    const expectedB = [newB, ...aged.slice(0, 3)].flatMap((f) => [f, `${f}.sha256`]).concat(foreign).sort();
    expect(ls(b)).toEqual(expectedB);

    // Bad settings are refused before anything is dumped or deleted.
    for (const bad of [{ BACKUP_KEEP: "0" }, { BACKUP_RETENTION_DAYS: "two weeks" }] as Record<string, string>[]) {
      const before = ls(b);
      const refused = run(k, "backup-db.sh", [], { env: dbEnv(db, { BACKUP_DIR: b, ...bad }) });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/BACKUP_(KEEP|RETENTION_DAYS) must be/);
      expect(ls(b)).toEqual(before);
    }
  });

  it("encrypts with age (no plaintext left) and restores with BACKUP_AGE_IDENTITY", () => {
    const k = kit("easypanel", "django-celery");
    const db = "encrypted";
    const original = seededDb(db);
    const keys = tempDir("age-");
    const identity = join(keys, "key.txt");
    expect(spawnSync("age-keygen", ["-o", identity]).status).toBe(0);
    const recipient = spawnSync("age-keygen", ["-y", identity], { encoding: "utf8" }).stdout.trim();
    expect(recipient).toMatch(/^age1/);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups, BACKUP_AGE_RECIPIENT: recipient });

    const file = backup(k, env);
    expect(file.endsWith(".dump.age")).toBe(true);
    expect(readFileSync(file, "utf8").slice(0, 21)).toBe("age-encryption.org/v1");
    expect(ls(backups)).toEqual([file.split("/").pop(), `${file.split("/").pop()}.sha256`]);
    mutate(db, original);

    // Without the key it cannot be read: refused, nothing changed.
    const changed = state(db);
    const noKey = run(k, "restore-db.sh", ["--yes", file], { env });
    expect(noKey.status).not.toBe(0);
    expect(noKey.stderr).toMatch(/BACKUP_AGE_IDENTITY/);
    expect(state(db)).toEqual(changed);
    const wrongKey = join(keys, "other.txt");
    spawnSync("age-keygen", ["-o", wrongKey]);
    const wrong = run(k, "restore-db.sh", ["--yes", file], { env: { ...env, BACKUP_AGE_IDENTITY: wrongKey } });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/could not decrypt.*nothing was changed/);
    expect(state(db)).toEqual(changed);

    // The key file's path, like the backup's, may be relative to where the script is run.
    const r = run(k, "restore-db.sh", ["--yes", file], { env: { ...env, BACKUP_AGE_IDENTITY: "key.txt" }, cwd: keys });
    expect(r.status, r.log).toBe(0);
    expect(state(db)).toEqual(original);
    // The safety backup was encrypted too: no plaintext dump anywhere in the backup directory.
    expect(ls(backups).filter((f) => f.endsWith(".dump"))).toEqual([]);
    expect(ls(backups).filter((f) => f.endsWith(".dump.age"))).toHaveLength(2);
  });

  it("encrypts with gpg to an imported key and restores with the keyring", () => {
    requireTools(["gpg"]);
    const k = kit("render", "django-celery");
    const db = "gpg_encrypted";
    const original = seededDb(db);
    // The key pair lives with whoever restores; the server that backs up only imported the public key.
    const owner = tempDir("gnupg-owner-");
    const server = tempDir("gnupg-server-");
    for (const home of [owner, server]) chmodSync(home, 0o700);
    const gpg = (home: string, args: string[]) => spawnSync("gpg", ["--batch", ...args], { env: { ...process.env, GNUPGHOME: home }, encoding: "utf8" });
    const gen = gpg(owner, ["--passphrase", "", "--quick-gen-key", "Backups <backups@example.com>", "default", "default", "never"]);
    expect(gen.status, gen.stderr).toBe(0);
    const exported = gpg(owner, ["--armor", "--export", "backups@example.com"]);
    const imported = spawnSync("gpg", ["--batch", "--import"], { env: { ...process.env, GNUPGHOME: server }, input: exported.stdout, encoding: "utf8" });
    expect(imported.status, imported.stderr).toBe(0);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups, BACKUP_GPG_RECIPIENT: "backups@example.com", GNUPGHOME: server });

    const file = backup(k, env);
    expect(file.endsWith(".dump.gpg")).toBe(true);
    expect(ls(backups).filter((f) => f.endsWith(".dump"))).toEqual([]);
    mutate(db, original);
    const r = run(k, "restore-db.sh", ["--yes", file], { env: { ...env, GNUPGHOME: owner } });
    expect(r.status, r.log).toBe(0);
    expect(state(db)).toEqual(original);
  });

  // What a Django app's database holds besides its tables when the backup is taken: the migrations
  // it recorded, an extension it created, a second schema, a large object.
  const APP_EXTRAS = `
    CREATE TABLE django_migrations (
      id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL,
      applied timestamptz NOT NULL DEFAULT '2024-01-01T00:00:00Z');
    INSERT INTO django_migrations (app, name) VALUES ('contenttypes', '0001_initial'), ('shop', '0001_initial'), ('shop', '0002_orders');
    CREATE EXTENSION citext;
    ALTER TABLE customers ADD COLUMN nickname citext;
    UPDATE customers SET nickname = 'Nick ' || id WHERE id % 10 = 0;
    CREATE SCHEMA reports;
    CREATE TABLE reports.daily (day date PRIMARY KEY, total numeric NOT NULL);
    INSERT INTO reports.daily VALUES ('2024-01-01', 10), ('2024-01-02', 20);
    SELECT lo_from_bytea(0, 'attachment one'::bytea);`;

  // What the migrations deployed after that backup did: a table with a foreign key to a table in the
  // backup (pg_restore --clean then cannot drop customers' primary key), one in the second schema,
  // a new column, type, function, view and extension, and their django_migrations rows.
  const NEWER_MIGRATIONS = `
    CREATE TABLE invoices (
      id serial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id), amount numeric(10, 2) NOT NULL);
    INSERT INTO invoices (customer_id, amount) VALUES (1, 9.99), (2, 19.99);
    CREATE TABLE reports.monthly (month date PRIMARY KEY, first_day date REFERENCES reports.daily (day));
    ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
    CREATE TYPE invoice_state AS ENUM ('open', 'paid');
    CREATE FUNCTION invoice_total(c bigint) RETURNS numeric LANGUAGE sql AS 'SELECT sum(amount) FROM public.invoices WHERE customer_id = c';
    CREATE VIEW open_invoices AS SELECT * FROM invoices;
    CREATE EXTENSION pg_trgm;
    INSERT INTO django_migrations (app, name) VALUES ('billing', '0001_initial'), ('shop', '0003_order_status');`;

  it.each([
    ["PostgreSQL 15+, public owned by pg_database_owner", false],
    ["PostgreSQL 14 and older, public owned by the superuser", true],
  ])("an older backup restored over newer migrations leaves exactly the backup (%s)", (_, superuserPublic) => {
    const k = kit("render", "django-celery");
    const db = superuserPublic ? "migrated_legacy" : "migrated";
    seededDb(db);
    // How PostgreSQL 14 and older create public: the bootstrap superuser owns it, everyone may create in it.
    if (superuserPublic) pg.psql(db, `ALTER SCHEMA public OWNER TO ${pg.user}; GRANT ALL ON SCHEMA public TO PUBLIC;`);
    pg.psql(db, `SET ROLE ${APP.user}; ${APP_EXTRAS}`);
    const original = state(db);
    expect(original.extensions).toBe("citext in public,plpgsql in pg_catalog");
    expect(original["rows reports.daily"]).toBe("2");
    expect(original.largeObjects!.split(",")).toHaveLength(1);
    expect(original.schemas).toMatch(superuserPublic ? /^public tester \{tester=UC\/tester,=UC\/tester\}/m : /public pg_database_owner/);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups });
    const file = backup(k, env);

    pg.psql(db, `SET ROLE ${APP.user}; ${NEWER_MIGRATIONS}; SELECT lo_from_bytea(0, 'attachment two'::bytea);`);
    expect(state(db)["rows invoices"]).toBe("2");
    const r = run(k, "restore-db.sh", ["--yes", file], { env });
    expect(r.status, r.log).toBe(0);
    // Every table, row, column, constraint, function, type, extension, large object and schema
    // (with its owner and privileges) is the backup's; nothing of the newer migrations is left.
    expect(state(db)).toEqual(original);
    // So the next deploy's migrations apply again instead of failing with "already exists".
    pg.psql(db, `SET ROLE ${APP.user}; ${NEWER_MIGRATIONS}`);
  });

  /** A database whose dump reads back but does not restore: a CHECK calls a function that relies on
   *  the search path, which pg_dump's SQL empties (a classic pg_restore failure, found at COPY time). */
  function unrestorable(db: string): void {
    pg.psql(
      db,
      `SET ROLE ${APP.user};
       CREATE FUNCTION known_customer(c bigint) RETURNS boolean LANGUAGE sql AS 'SELECT EXISTS (SELECT 1 FROM customers WHERE id = c)';
       CREATE TABLE flagged (customer_id bigint CHECK (known_customer(customer_id)));
       INSERT INTO flagged VALUES (1);`,
    );
  }

  /** A bin directory whose `name` runs `script` (bash) in front of the real one, found as $real. */
  function shim(name: string, script: string): string {
    const bin = tempDir(`shim-${name}-`);
    writeFileSync(
      join(bin, name),
      `#!/usr/bin/env bash\nset -euo pipefail\nreal=$(PATH=\${PATH#*:} command -v ${name})\n${script}\nexec "$real" "$@"\n`,
      { mode: 0o755 },
    );
    return bin;
  }
  const withBin = (bin: string) => ({ PATH: `${bin}:${process.env.PATH}` });

  it("a restore that fails halfway changes nothing: an error in the backup's SQL, or pg_restore dying mid-stream", () => {
    const k = kit("railway", "django-celery");
    const db = "halfway";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups });
    unrestorable(db);
    const broken = backup(k, env);
    pg.psql(db, "DROP TABLE flagged; DROP FUNCTION known_customer");
    const good = backup(k, env);
    mutate(db, original);
    pg.psql(db, `SET ROLE ${APP.user}; CREATE TABLE invoices (id int PRIMARY KEY, customer_id bigint REFERENCES customers (id))`);
    const changed = state(db);

    // The schemas are emptied and half the tables restored when the error comes: all rolled back.
    const failed = run(k, "restore-db.sh", ["--yes", broken], { env });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/relation "customers" does not exist/);
    expect(failed.stderr).toMatch(/restore failed and was rolled back; the data is as before/);
    expect(state(db)).toEqual(changed);

    // pg_restore writes every CREATE TABLE, then dies before the data: the SQL that reached psql is
    // complete statements, and still nothing of it may stay.
    const dying = shim("pg_restore", `if [[ " $* " == *" --file=- "* ]]; then "$real" "$@" | awk '/^COPY /{exit} {print}'; echo "pg_restore: error: could not read input file" >&2; exit 1; fi`);
    const died = run(k, "restore-db.sh", ["--yes", good], { env: { ...env, ...withBin(dying) } });
    expect(died.status).not.toBe(0);
    expect(died.stderr).toMatch(/restore failed and was rolled back/);
    expect(state(db)).toEqual(changed);

    const restored = run(k, "restore-db.sh", ["--yes", good], { env });
    expect(restored.status, restored.log).toBe(0);
    expect(state(db)).toEqual(original);
  });

  it("backup --verify that fails drops its scratch database and keeps nothing", () => {
    const k = kit("render", "django-channels");
    const db = "verify_fails";
    seededDb(db);
    unrestorable(db);
    const before = databases();
    const backups = tempDir("backups-");
    const r = run(k, "backup-db.sh", ["--verify"], { env: dbEnv(db, { BACKUP_DIR: backups }) });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/verification failed: the backup did not restore cleanly.*nothing was kept/);
    expect(r.stderr).toMatch(/verifying: restoring into scratch database acme_app_verify_/);
    expect(databases()).toEqual(before);
    expect(ls(backups)).toEqual([]);
  });

  it.each(["SIGTERM", "SIGINT"] as const)("backup --verify interrupted by %s drops its scratch database", async (signal) => {
    const k = kit("easypanel", "django-celery");
    const db = `verify_${signal.toLowerCase()}`;
    seededDb(db);
    const before = databases();
    const backups = tempDir("backups-");
    const marker = join(tempDir("marker-"), "restoring");
    // The restore into the scratch database hangs (a slow, big restore) until the signal comes.
    const slow = shim("pg_restore", `if [[ " $* " == *" --dbname="* ]]; then touch ${JSON.stringify(marker)}; exec sleep 300; fi`);
    // Its own process group, as a terminal or a service manager signals it (Ctrl-C, systemctl stop).
    const child = spawn(join(k.dir, "scripts", "backup-db.sh"), ["--verify"], {
      cwd: k.dir,
      env: cleanEnv(dbEnv(db, { BACKUP_DIR: backups, ...withBin(slow) })),
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      for (let i = 0; !existsSync(marker); i++) {
        expect(i, stderr).toBeLessThan(300);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const scratch = databases().filter((d) => !before.includes(d));
      expect(scratch).toHaveLength(1);
      expect(scratch[0]).toMatch(/^acme_app_verify_\d{8}t\d{6}z_\d+$/);
      process.kill(-child.pid!, signal);
      expect(await exited).toBe(signal === "SIGINT" ? 130 : 143);
      expect(databases()).toEqual(before);
      expect(ls(backups)).toEqual([]);
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("pg_dump or pg_restore older than the server, or a backup from a newer pg_dump: refused with the reason, nothing changed", () => {
    const k = kit("railway", "fastapi-chatwoot");
    const db = "versions";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const env = dbEnv(db, { BACKUP_DIR: backups });
    const server = pg.psql(db, "SELECT current_setting('server_version_num')::int / 10000");
    const file = backup(k, env);
    const changed = mutate(db, original);
    const files = ls(backups);
    const answering = (tool: string, version: string) => shim(tool, `if [[ \${1:-} == --version ]]; then echo "${tool} (PostgreSQL) ${version}"; exit 0; fi`);

    for (const tool of ["pg_dump", "pg_restore"]) {
      const old = withBin(answering(tool, "13.16"));
      const refused = run(k, "backup-db.sh", [], { env: { ...env, ...old } });
      expect(refused.status, tool).not.toBe(0);
      expect(refused.stderr).toContain(`${tool} is version 13 but the server runs PostgreSQL ${server}`);
      expect(refused.stderr).toContain(`install the PostgreSQL ${server} client tools (or newer)`);
      const notRestored = run(k, "restore-db.sh", ["--yes", file], { env: { ...env, ...old } });
      expect(notRestored.status, tool).not.toBe(0);
      expect(notRestored.stderr).toContain(`${tool} is version 13 but the server runs PostgreSQL ${server}`);
      expect(state(db)).toEqual(changed);
      expect(ls(backups)).toEqual(files); // no backup, no safety backup
    }
    // Newer client tools are what PostgreSQL recommends: accepted.
    const newer = run(k, "backup-db.sh", [], { env: { ...env, ...withBin(answering("pg_dump", "17.2 (Homebrew)")) } });
    expect(newer.status, newer.log).toBe(0);
    rmSync(newer.stdout.trim().split("\n").pop()!);
    rmSync(`${newer.stdout.trim().split("\n").pop()!}.sha256`);

    // A dump whose header says a newer archive format (as a newer pg_dump writes): the reason, not "corrupt".
    const future = join(tempDir("future-"), `${NAME}-20300101T000000Z.dump`);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 5).toString()).toBe("PGDMP");
    bytes.writeUInt8(99, 6); // archive format 1.99
    writeFileSync(future, bytes);
    const unreadable = run(k, "restore-db.sh", ["--yes", future], { env });
    expect(unreadable.status).not.toBe(0);
    expect(unreadable.stderr).toMatch(/was made by a newer pg_dump than this pg_restore can read .*unsupported version \(1\.99\).*nothing was changed/);
    expect(state(db)).toEqual(changed);
    expect(ls(backups)).toEqual(files);
  });

  it("DATABASE_URL as platforms and apps write it: sslmode=require, postgresql://, a driver suffix, dj-database-url's aliases", () => {
    const k = kit("render", "django-channels");
    const db = "url_forms";
    const original = seededDb(db);
    const backups = tempDir("backups-");
    const [, rest] = pg.url(db, APP).split("://") as [string, string];
    // The cluster speaks TLS, as managed databases do, and every URL requires it.
    expect(pg.psql(db, "SHOW ssl")).toBe("on");
    const forms = [
      `postgres://${rest}?sslmode=require`,
      // The password only in the query: a script that dropped the URL's options (for the scratch
      // database of --verify, say) could not log in.
      `postgresql://${APP.user}@${pg.host}:${pg.port}/${db}?sslmode=require&password=${encodeURIComponent(APP.password)}&application_name=nightly/backup`,
      `postgresql+psycopg://${rest}?sslmode=require`,
      `postgis://${rest}?sslmode=require`,
      `pgsql://${rest}?sslmode=require`,
    ];
    let file = "";
    for (const url of forms) {
      file = backup(k, { DATABASE_URL: url, BACKUP_DIR: backups }, ["--verify"]);
      expect(lastBackupLog, url).toMatch(/verified: restored 4 tables/);
    }
    mutate(db, original);
    const r = run(k, "restore-db.sh", ["--yes", file], { env: { DATABASE_URL: forms[1]!, BACKUP_DIR: backups } });
    expect(r.status, r.log).toBe(0);
    expect(state(db)).toEqual(original);
    // Anything else is a clear error, not libpq's guess at a database named after the URL.
    const mysql = run(k, "backup-db.sh", [], { env: { DATABASE_URL: `mysql://${rest}`, BACKUP_DIR: backups } });
    expect(mysql.status).not.toBe(0);
    expect(mysql.stderr).toMatch(/DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it("on the platforms without a compose db, a missing DATABASE_URL is a clear error and writes nothing", () => {
    for (const platform of ["render", "railway", "easypanel"] as const) {
      const k = kit(platform, "django-celery");
      const backups = tempDir("backups-");
      const r = run(k, "backup-db.sh", [], { env: { BACKUP_DIR: backups } });
      expect(r.status, platform).not.toBe(0);
      expect(r.stderr).toMatch(/DATABASE_URL is not set/);
      expect(ls(backups)).toEqual([]);
    }
  });

  it("vps without DATABASE_URL: backup --verify and restore run through `docker compose exec -T db`", () => {
    const k = kit("vps", "django-channels");
    // The compose db service: database and user named after the app, a superuser in the image.
    const password = "compose-db-pw";
    pg.createRole(DB_NAME, password, "SUPERUSER");
    const original = seededDb(DB_NAME, DB_NAME);
    writeFileSync(join(k.dir, ".env.production"), `POSTGRES_PASSWORD=${password}\n`);

    const bin = tempDir("fake-docker-");
    copyFileSync(join(REPO_ROOT, "test/helpers/fake-docker/docker"), join(bin, "docker"));
    chmodSync(join(bin, "docker"), 0o755);
    const container = join(bin, "container-cwd");
    mkdirSync(container);
    const log = join(bin, "calls.log");
    const env = {
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_DOCKER_LOG: log,
      FAKE_CONTAINER_DIR: container,
      FAKE_PG_BINDIR: pg.bindir,
      FAKE_PG_HOST: pg.host,
      FAKE_PG_PORT: String(pg.port),
      FAKE_PG_PASSWORD: password,
    };

    const before = databases();
    const file = backup(k, env, ["--verify"]);
    expect(relative(k.dir, file)).toMatch(/^backups\//);
    expect(databases()).toEqual(before);
    mutate(DB_NAME, original);
    const r = run(k, "restore-db.sh", ["--yes", file], { env });
    expect(r.status, r.log).toBe(0);
    expect(state(DB_NAME)).toEqual(original);
    // The app was stopped so nothing wrote during the restore, and stays stopped until a deploy
    // applies the migrations the backup may lack.
    expect(r.stderr).toMatch(/stopping the app's processes \(web\) so nothing writes to the database/);
    expect(r.stderr).toMatch(/the app's processes \(web\) stay stopped: start the app with scripts\/deploy\.sh/);

    // Every call is what docker compose gets on the server: the kit's compose and env files, no TTY,
    // the db service, a client tool with the database user; data only through stdin/stdout.
    const calls = readFileSync(log, "utf8").trim().split("\n");
    const compose = `docker compose -p ${k.plan.name} --env-file .env.production -f docker-compose.prod.yml `;
    const prefix = `${compose}exec -T db `;
    const stop = `${compose}stop web`;
    expect(calls.filter((c) => c === stop)).toHaveLength(1);
    for (const call of calls.filter((c) => c !== stop)) {
      expect(call.startsWith(prefix), call).toBe(true);
      expect(call.slice(prefix.length), call).toMatch(new RegExp(`^(pg_dump|pg_restore|psql) --username=${DB_NAME} `));
    }
    const tools = calls.map((c) => c.slice(prefix.length).split(" ")[0]);
    expect(tools.filter((t) => t === "pg_dump")).toHaveLength(2); // the backup and the safety backup
    // Stopped after the backup, before the safety backup: that one holds every write.
    const dumps = calls.flatMap((c, i) => (c.includes(" pg_dump ") ? [i] : []));
    expect(calls.indexOf(stop)).toBeGreaterThan(dumps[0]!);
    expect(calls.indexOf(stop)).toBeLessThan(dumps[1]!);
    expect(calls.find((c) => c.includes(" pg_dump "))).toContain(`--format=custom --no-owner --no-acl --dbname=${DB_NAME}`);
    expect(calls.some((c) => / pg_restore .*--no-owner --no-acl --single-transaction --file=-$/.test(c))).toBe(true);
    expect(calls.some((c) => / psql .*--set=ON_ERROR_STOP=1 --dbname=/.test(c))).toBe(true);
    expect(calls.some((c) => /CREATE\\? DATABASE/.test(c))).toBe(true); // --verify's scratch database

    // When something fails after the stop, the data is as before and the script says how to start
    // the app again (here the safety backup refuses its settings).
    const changed = mutate(DB_NAME, original);
    const failed = run(k, "restore-db.sh", ["--yes", file], { env: { ...env, BACKUP_KEEP: "0" } });
    expect(failed.status).not.toBe(0);
    expect(failed.stderr).toMatch(/the safety backup failed; nothing was changed/);
    expect(failed.stderr).toContain(`the data is as before; the app's processes (web) are stopped: start them again with: ${compose}start`);
    expect(state(DB_NAME)).toEqual(changed);
  });
});
