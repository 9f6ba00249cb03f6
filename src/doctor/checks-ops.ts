// Operations: a health endpoint for the platform's probe and the uptime monitor, and a backup
// script (a restore you have tested starts with a backup you own).
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { DoctorContext } from "./context.js";
import { finding, type Check } from "./finding.js";
import { isTestPath } from "./python-source.js";

const DJANGO_HEALTH_URL = /\b(re_)?path\(\s*r?["']\^?[^"']*health/;
const FASTAPI_HEALTH_ROUTE = /@\w+\.(get|head|api_route)\(\s*["'][^"']*health|add_api_route\(\s*["'][^"']*health/;

function hasHealth(ctx: DoctorContext): boolean {
  if (ctx.facts.healthPath) return true;
  const code = ctx.python.filter((f) => !isTestPath(f.path));
  if (ctx.isDjango) {
    return (
      code.some((f) => f.path.endsWith("prod_kit_health.py")) ||
      code.some((f) => /urls\.py$/.test(f.path) && DJANGO_HEALTH_URL.test(f.text)) ||
      ctx.facts.dependencies.has("django-health-check")
    );
  }
  return code.some((f) => FASTAPI_HEALTH_ROUTE.test(f.text));
}

export const healthEndpoint: Check = {
  id: "health-endpoint",
  level: "warning",
  what: "a health endpoint the platform and an uptime monitor can probe",
  why: "Without one, the platform cannot tell a started app from a working one: broken deploys go live and a hung process is never restarted.",
  fix: "Django: generate the kit (create-prod-kit), whose production settings add a health middleware at the health path; or add a view at /healthz. FastAPI: add @app.get(\"/healthz\") returning {\"ok\": True}.",
  skip(ctx) {
    return ctx.isDjango || ctx.isFastapi ? undefined : "neither a Django nor a FastAPI app";
  },
  run(ctx) {
    return hasHealth(ctx) ? [] : [finding(this, { title: ctx.isDjango ? "no health URL in urls.py and no kit health middleware" : "no health route (e.g. @app.get(\"/healthz\"))" })];
  },
};

const BACKUP_DIRS = ["", "scripts", "bin", "ops", "deploy", "backup", "backups"];

function backupScripts(ctx: DoctorContext): string[] {
  const found: string[] = [];
  for (const dir of BACKUP_DIRS) {
    try {
      for (const e of readdirSync(join(ctx.root, dir), { withFileTypes: true })) {
        if (e.isFile() && /backup/i.test(e.name) && /\.(sh|py|bash)$|^[^.]+$/.test(e.name)) found.push(dir ? `${dir}/${e.name}` : e.name);
      }
    } catch {
      // the folder does not exist
    }
  }
  // A compose service that runs backups counts too (e.g. a postgres-backup image).
  for (const f of ctx.processFiles) if (f.kind === "structured" && /backup/i.test(f.text)) found.push(f.path);
  return found;
}

export const backupScript: Check = {
  id: "backup-script",
  level: "warning",
  what: "a database backup script (scripts/backup-db.sh or similar) or backup service",
  why: "Platform snapshots are tied to the platform and its retention; a dump you own, kept offsite and restored once in a test, is what gets the data back after a bad migration or a deleted database.",
  fix: "Generate the kit: scripts/backup-db.sh (with --verify, retention, encryption, offsite copy) and scripts/restore-db.sh, then schedule the backup.",
  skip(ctx) {
    return ctx.facts.isPythonRepo ? undefined : "not a Python app";
  },
  run(ctx) {
    return backupScripts(ctx).length ? [] : [finding(this, { title: "no backup script found (scripts/backup-db.sh or similar)" })];
  },
};

export const opsChecks: Check[] = [healthEndpoint, backupScript];
