// docs/RUNBOOK.md and docs/PRODUCTION_CHECKLIST.md: one template each, with the platform's and the
// stack's sections as partials (templates/partials/docs/<kind>/<id>.hbs).
import type { Plan } from "../plan.js";
import { commandLine } from "../plan.js";
import type { PlatformModule } from "../platforms/platform.js";
import { railwayConfigPath } from "../platforms/railway.js";
import { render } from "../templates.js";
import { file, type GeneratedFile } from "./generated-file.js";

export function docsContext(plan: Plan, platform: PlatformModule) {
  const processes = plan.processes.map((p) => ({
    ...p,
    commandLine: commandLine(p.command),
    logs: platform.logs(p.name),
    railwayConfig: railwayConfigPath(p),
  }));
  const release = processes.find((p) => p.kind === "release");
  return {
    plan,
    answers: plan.answers,
    platform,
    processes,
    release,
    web: processes.find((p) => p.kind === "web"),
    scheduler: processes.find((p) => p.kind === "scheduler"),
    workers: processes.filter((p) => p.kind === "worker"),
    secrets: plan.env.filter((v) => v.secret),
    userVars: plan.env.filter((v) => v.source.kind === "user"),
    is: {
      [plan.stack]: true,
      [platform.id]: true,
      django: plan.framework === "django",
      fastapi: plan.framework === "fastapi",
      celery: Boolean(plan.django?.celery),
      channels: Boolean(plan.django?.channels),
      managed: platform.id !== "vps",
    },
    run: {
      migrate: platform.oneOff(release ? release.commandLine : "python manage.py migrate --noinput"),
      createsuperuser: platform.oneOff("python manage.py createsuperuser"),
      shell: platform.oneOff(plan.framework === "django" ? "python manage.py shell" : "python"),
      checkDeploy: platform.oneOff("python manage.py check --deploy"),
      celeryPing: plan.answers.celeryApp ? platform.oneOff(`celery --app ${plan.answers.celeryApp} inspect ping`) : "",
    },
    platformPartial: `docs/platform/${platform.id}`,
    stackPartial: `docs/stack/${plan.stack}`,
    platformChecklist: `docs/checklist-platform/${platform.id}`,
    stackChecklist: `docs/checklist-stack/${plan.stack}`,
  };
}

export function docsFiles(plan: Plan, platform: PlatformModule): GeneratedFile[] {
  const ctx = docsContext(plan, platform);
  return [
    file("docs/RUNBOOK.md", render("common/docs/RUNBOOK.md", ctx)),
    file("docs/PRODUCTION_CHECKLIST.md", render("common/docs/PRODUCTION_CHECKLIST.md", ctx)),
  ];
}
