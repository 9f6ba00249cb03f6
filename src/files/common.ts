// Files every platform gets: Dockerfile, .dockerignore, .gitignore block, env example, Gunicorn
// config, Django production settings, backup/restore scripts.
import type { EnvVar, Plan } from "../plan.js";
import { webProcess } from "../plan.js";
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
      return "Generate a random value; never reuse one from another environment.";
    case "datastore":
      return `Provided by the ${v.source.store === "postgres" ? "PostgreSQL" : "Redis"} service (see docs/RUNBOOK.md).`;
    default:
      return v.only ? `Read by: ${v.only.join(", ")}.` : undefined;
  }
}

export function envExample(plan: Plan, platform: PlatformModule): GeneratedFile {
  const vars = plan.env.map((v) => ({ ...v, value: envValue(v, plan, platform), note: envNote(v) }));
  return file(".env.production.example", render("common/env.production.example", { plan, platform, vars }));
}

export function commonFiles(plan: Plan, platform: PlatformModule): GeneratedFile[] {
  const web = webProcess(plan);
  const otherProcesses = plan.processes.filter((p) => p.kind !== "web").map((p) => p.name);
  const ctx = { plan, answers: plan.answers, platform, web, otherProcesses, vps: platform.id === "vps", dbName: plan.dbName };
  const files = [
    file(
      "Dockerfile",
      render("common/Dockerfile", { ...ctx, uvImage: UV_IMAGE, build: builderSteps(plan) }),
    ),
    file(".dockerignore", render("common/dockerignore", ctx)),
    file(".gitignore", render("common/gitignore-block", ctx), { owner: "managed-block" }),
    envExample(plan, platform),
    file("gunicorn.conf.py", render("common/gunicorn.conf.py", ctx)),
    file("scripts/backup-db.sh", render("common/scripts/backup-db.sh", ctx), { mode: 0o755 }),
    file("scripts/restore-db.sh", render("common/scripts/restore-db.sh", ctx), { mode: 0o755 }),
  ];
  const django = plan.django;
  if (django) {
    const appRootDepth = django.productionSettingsPath.split("/").length - 1;
    files.push(
      file(
        django.productionSettingsPath,
        render("common/django/settings_production.py", { ...ctx, django, appRootDepth, connMaxAge: plan.server.asgi ? 0 : 600 }),
      ),
      file(django.healthMiddlewarePath, render("common/django/prod_kit_health.py", ctx)),
    );
  }
  return files;
}
