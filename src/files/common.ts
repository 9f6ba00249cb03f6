// Files every platform gets: Dockerfile, .dockerignore, .gitignore block, env example, Gunicorn
// config, Django production settings, backup/restore scripts.
import type { EnvVar, Plan } from "../plan.js";
import { inApp, webProcess } from "../plan.js";
import type { PlatformModule } from "../platforms/platform.js";
import { UV_IMAGE } from "../stacks/runtime-pins.js";
import { builderSteps } from "./dockerfile-build.js";
import { render } from "../templates.js";
import { file, type GeneratedFile } from "./generated-file.js";

function envValue(v: EnvVar, plan: Plan, platform: PlatformModule): string {
  switch (v.source.kind) {
    case "generated":
      return "";
    case "user":
      return v.source.example;
    case "datastore":
      return platform.datastoreExample(v.source.store, plan);
    case "value":
      return v.source.value;
  }
}

function envNote(v: EnvVar): string | undefined {
  switch (v.source.kind) {
    case "generated":
      return v.source.command
        ? `Generate it with: ${v.source.command}${v.source.manual ? " (keep a copy outside the platform)" : ""}`
        : "Generate a random value; never reuse one from another environment.";
    case "datastore":
      return `Provided by the ${v.source.store === "postgres" ? "PostgreSQL" : "Redis"} service (see docs/RUNBOOK.md).`;
    default:
      return v.only ? `Read by: ${v.only.join(", ")}.` : undefined;
  }
}

interface OptionalVar {
  name: string;
  value: string;
  description: string;
}

/** Variables the kit's files read that have a sensible default: listed commented out, with it. */
function optionalVars(plan: Plan): { app: OptionalVar[]; scripts: OptionalVar[] } {
  const o = (name: string, value: string, description: string): OptionalVar => ({ name, value, description });
  const app: OptionalVar[] = [
    o("GUNICORN_TIMEOUT", "30", "Seconds a request may take before Gunicorn restarts its worker."),
    o("GUNICORN_GRACEFUL_TIMEOUT", "30", "Seconds running requests get to finish on shutdown."),
    o("GUNICORN_KEEPALIVE", "5", "Seconds an idle keep-alive connection stays open."),
    o("GUNICORN_MAX_REQUESTS", plan.routes.websockets.length ? "0" : "1000", "Requests after which a worker is recycled (0: never)."),
    o("GUNICORN_MAX_REQUESTS_JITTER", "100", "Random spread of that number, so workers do not recycle together."),
    ...(plan.server.asgi ? [] : [o("GUNICORN_THREADS", "1", "Threads per Gunicorn worker.")]),
    o("GUNICORN_BIND", `0.0.0.0:${plan.port}`, "Address Gunicorn listens on (default: all interfaces, $PORT)."),
  ];
  if (plan.django) {
    app.push(
      o("SECURE_SSL_REDIRECT", "1", "Redirect plain HTTP to HTTPS (the health path is exempt)."),
      o("SECURE_HSTS_SECONDS", "31536000", "HSTS max-age; start lower (3600) until every subdomain serves HTTPS."),
      o("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1", "HSTS for every subdomain too."),
      o("SECURE_HSTS_PRELOAD", "1", "Mark the site for browsers' HSTS preload lists (submit it at hstspreload.org)."),
      o("CONN_MAX_AGE", plan.server.asgi ? "0" : "600", "Seconds a database connection is kept for reuse."),
      o("HEALTH_CHECK_DATABASE", "0", "1: the health check also queries the database (503 when it fails)."),
      o("HEALTH_CHECK_PATH", plan.healthPath, "Path the health check answers."),
      o("REDIS_SSL_CERT_REQS", "required", "none: accept a rediss:// certificate that cannot be verified (only if the provider says so)."),
      o("SENTRY_ENVIRONMENT", "production", "Environment name in Sentry."),
      o("SENTRY_TRACES_SAMPLE_RATE", "0", "Share of requests traced in Sentry (0 to 1)."),
      o("EMAIL_PORT", "587", "SMTP port: 587 (STARTTLS) or 465 (TLS)."),
      o("MEDIA_ROOT", "/app/media", "Where uploads are stored."),
      o("WHITENOISE_MANIFEST_STRICT", "1", "0: a static file missing from the manifest is served unhashed instead of failing."),
    );
    if (plan.django.celery) {
      app.push(
        o("CELERY_VISIBILITY_TIMEOUT", "3600", "Seconds before an unacknowledged task is delivered again; above your longest task."),
        o("CELERY_RESULT_BACKEND", "", "Where task results go (default: REDIS_URL)."),
      );
    }
  }
  const scripts: OptionalVar[] = [
    o("BACKUP_DIR", "backups", "Where backups go (relative to the repository)."),
    o("BACKUP_RETENTION_DAYS", String(plan.answers.backupRetentionDays), "Backups older than this are deleted..."),
    o("BACKUP_KEEP", String(plan.answers.backupKeep), "...but the newest this many are always kept."),
    o("BACKUP_AGE_RECIPIENT", "", "Encrypt backups with age to this public key (age1...)."),
    o("BACKUP_AGE_IDENTITY", "", "restore-db.sh: the age identity file that decrypts them."),
    o("BACKUP_GPG_RECIPIENT", "", "Or encrypt with gpg to this key id."),
    o("BACKUP_RCLONE_REMOTE", "", "Also copy each backup there (e.g. s3:bucket/path); the local copy stays."),
  ];
  return { app, scripts };
}

export function envExample(plan: Plan, platform: PlatformModule): GeneratedFile {
  const vars = plan.env.map((v) => ({ ...v, value: envValue(v, plan, platform), note: envNote(v) }));
  return file(".env.production.example", render("common/env.production.example", { plan, platform, vars, optional: optionalVars(plan) }));
}

export function commonFiles(plan: Plan, platform: PlatformModule): GeneratedFile[] {
  const web = webProcess(plan);
  const otherProcesses = plan.processes.filter((p) => p.kind !== "web").map((p) => p.name);
  const ctx = { plan, answers: plan.answers, platform, web, otherProcesses, vps: platform.id === "vps", dbName: plan.dbName };
  const files = [
    file(inApp(plan, "Dockerfile"), render("common/Dockerfile", { ...ctx, uvImage: UV_IMAGE, build: builderSteps(plan) })),
    file(inApp(plan, ".dockerignore"), render("common/dockerignore", ctx)),
    file(".gitignore", render("common/gitignore-block", ctx), { owner: "managed-block" }),
    envExample(plan, platform),
    file(inApp(plan, "gunicorn.conf.py"), render("common/gunicorn.conf.py", ctx)),
    file("scripts/backup-db.sh", render("common/scripts/backup-db.sh", ctx), { mode: 0o755 }),
    file("scripts/restore-db.sh", render("common/scripts/restore-db.sh", ctx), { mode: 0o755 }),
  ];
  const django = plan.django;
  if (django) {
    const appRootDepth = django.productionSettingsPath.split("/").length - 1;
    files.push(
      file(
        inApp(plan, django.productionSettingsPath),
        render("common/django/settings_production.py", { ...ctx, django, appRootDepth, connMaxAge: plan.server.asgi ? 0 : 600 }),
      ),
      file(inApp(plan, django.healthMiddlewarePath), render("common/django/prod_kit_health.py", ctx)),
    );
  }
  return files;
}
