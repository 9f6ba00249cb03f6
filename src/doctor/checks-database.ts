// The database: PostgreSQL from DATABASE_URL rather than a SQLite file, and migrations in step
// with the models (doctor runs no Python: it points at the command that knows).
import { djangoSkip } from "./checks-django.js";
import { finding, type Check, type Finding } from "./finding.js";
import { envRead } from "./python-env.js";
import { isTestPath, logicalLines } from "./python-source.js";

/** The settings read a database URL from the environment (dj-database-url, django-environ). */
const READS_DATABASE_URL = /DATABASE_URL|dj_database_url|\benv\.db(_url)?\(|\bdb_url\(/;
const SQLITE_URL = /["']sqlite(\+\w+)?:\/\//;

export const noSqlite: Check = {
  id: "no-sqlite",
  level: "error",
  what: "the production database is not SQLite (PostgreSQL from DATABASE_URL)",
  why: "A SQLite file lives on the container's disk: it is lost on every deploy, cannot be shared by several instances or the worker, and locks under concurrent writes.",
  fix: 'Read the database from DATABASE_URL: DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])} (Django; the kit\'s production settings do), or create_engine(os.environ["DATABASE_URL"]) (SQLAlchemy), with a managed PostgreSQL.',
  skip(ctx) {
    return ctx.isDjango || ctx.isFastapi ? undefined : "neither a Django nor a FastAPI app";
  },
  run(ctx) {
    if (ctx.isDjango) {
      const s = ctx.django;
      const v = s?.value("DATABASES");
      if (!s || !v?.expr || !/sqlite3/.test(v.expr) || READS_DATABASE_URL.test(s.text)) return [];
      return [finding(this, { file: v.path, line: v.line, title: `DATABASES uses SQLite in ${v.path} and the settings production runs never read DATABASE_URL` })];
    }
    const out: Finding[] = [];
    for (const f of ctx.python.filter((p) => !isTestPath(p.path) && SQLITE_URL.test(p.text))) {
      const hit = logicalLines(f.text).find((l) => SQLITE_URL.test(l.code) && !envRead(l.code));
      if (hit) out.push(finding(this, { file: f.path, line: hit.line, title: "a SQLite URL is the database, not read from the environment" }));
    }
    return out;
  },
};

const MODEL_CLASS = /^class\s+\w+\s*\([^)]*\bmodels\.Model\b/m;

export const migrationsCheck: Check = {
  id: "migrations-check",
  level: "info",
  what: "migrations match the models (a reminder to run makemigrations --check; apps with models but no migrations folder)",
  why: "A model change without its migration deploys code that queries columns the database does not have: errors at run time, not at deploy.",
  fix: "Run python manage.py makemigrations --check --dry-run in CI before every deploy (it exits 1 when a migration is missing).",
  skip: djangoSkip,
  run(ctx) {
    const out: Finding[] = [];
    const packages = new Set(ctx.python.filter((f) => f.path.endsWith("/migrations/__init__.py")).map((f) => f.path.replace(/\/migrations\/__init__\.py$/, "")));
    for (const f of ctx.python.filter((p) => /(^|\/)models(\.py|\/__init__\.py)$/.test(p.path) && !isTestPath(p.path))) {
      const app = f.path.replace(/\/models(\.py|\/__init__\.py)$/, "");
      const m = MODEL_CLASS.exec(f.text);
      if (!m || packages.has(app)) continue;
      out.push(
        finding(this, {
          file: f.path,
          line: f.text.slice(0, m.index).split("\n").length,
          level: "warning",
          title: `the app ${app} has models but no migrations folder: its tables are never created`,
          fix: `Run python manage.py makemigrations ${app.split("/").pop()} and commit ${app}/migrations/.`,
        }),
      );
    }
    out.push(finding(this, { title: "doctor does not run Python: check that no migration is missing with python manage.py makemigrations --check --dry-run" }));
    return out;
  },
};

export const databaseChecks: Check[] = [noSqlite, migrationsCheck];
