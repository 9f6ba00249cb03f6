// docs/RUNBOOK.md and docs/PRODUCTION_CHECKLIST.md: one template each, with the platform's and the
// stack's sections as partials (templates/partials/docs/<kind>/<id>.hbs).
import type { Plan, Process } from "../plan.js";
import { commandLine } from "../plan.js";
import type { PlatformModule } from "../platforms/platform.js";
import { railwayConfigPath } from "../platforms/railway.js";
import { render } from "../templates.js";
import { file, type GeneratedFile } from "./generated-file.js";
import { integrationDocs } from "./integration-docs.js";

const INSTANCES: Record<Process["kind"], string> = {
  web: "1 or more",
  worker: "1 or more",
  scheduler: "exactly 1",
  release: "once per deploy",
};

/** A Markdown table padded the way prettier pads it, so the generated docs need no reformatting. */
export function markdownTable(header: string[], rows: string[][]): string {
  const [head, ...body] = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\|/g, "\\|")));
  const widths = header.map((_, i) => Math.max(3, ...[head!, ...body].map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) => `| ${widths.map((w, i) => (row[i] ?? "").padEnd(w)).join(" | ")} |`;
  return [line(head!), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...body.map(line)].join("\n");
}

function envNames(plan: Plan): Record<string, string> {
  const names = Object.fromEntries(plan.env.map((v) => [v.name, v.name]));
  for (const i of plan.integrations) for (const v of i.env) if (v.standard) names[v.standard] = v.name;
  return names;
}

export function docsContext(plan: Plan, platform: PlatformModule) {
  const processes = plan.processes.map((p) => ({
    ...p,
    commandLine: commandLine(p.command),
    logs: platform.logs(p.name, plan),
    railwayConfig: railwayConfigPath(plan, p),
    instances: INSTANCES[p.kind],
  }));
  const release = processes.find((p) => p.kind === "release");
  // module:attribute of the web app, e.g. bot.api:api → bot/api.py and api.
  const [serverModule = "", serverAttr = ""] = plan.server.app.split(":");
  return {
    plan,
    answers: plan.answers,
    platform,
    processes,
    release,
    web: processes.find((p) => p.kind === "web"),
    scheduler: processes.find((p) => p.kind === "scheduler"),
    workers: processes.filter((p) => p.kind === "worker"),
    /** Processes that run all the time (not the one-off release step). */
    services: processes.filter((p) => p.kind !== "release"),
    /** Processes that may run as several instances. */
    scalable: processes.filter((p) => !p.singleton && p.kind !== "release"),
    processTable: markdownTable(
      ["Process", "Kind", "Command", "Instances"],
      processes.map((p) => [`\`${p.name}\``, p.kind, `\`${p.commandLine}\``, p.instances]),
    ),
    server: { module: serverModule, attr: serverAttr, file: `${serverModule.replace(/\./g, "/")}.py` },
    webhookUrl: plan.routes.webhook ? `https://${plan.domain}${plan.routes.webhook}` : "",
    secrets: plan.env.filter((v) => v.secret),
    userVars: plan.env.filter((v) => v.source.kind === "user"),
    /** What Render asks for (sync: false): user values and the secrets a person must generate. */
    askedVars: plan.env.filter((v) => v.source.kind === "user" || (v.source.kind === "generated" && v.source.manual)),
    /** Random secrets besides SECRET_KEY (which the docs name on their own), each with how to generate it. */
    generatedVars: plan.env.filter((v) => v.source.kind === "generated" && v.name !== "SECRET_KEY"),
    /** Third-party services the app uses, for their sections (the stack's own docs cover the built-in ones). */
    integrations: integrationDocs(plan),
    /** Each variable's name in this app, by the kit's name: the code's own name where it reads another (CHATWOOT_ACCESS_TOKEN for CHATWOOT_BOT_TOKEN). */
    names: envNames(plan),
    integrationWebhooks: integrationDocs(plan).some((i) => i.webhook),
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
      migrate:
        release && platform.runRelease
          ? platform.runRelease(release.name, plan)
          : platform.oneOff(release ? release.commandLine : "python manage.py migrate --noinput", plan),
      createsuperuser: platform.oneOff("python manage.py createsuperuser", plan),
      shell: platform.oneOff(plan.framework === "django" ? "python manage.py shell" : "python", plan),
      checkDeploy: platform.oneOff("python manage.py check --deploy", plan),
      celeryPing: plan.answers.celeryApp ? platform.oneOff(`celery --app ${plan.answers.celeryApp} inspect ping`, plan) : "",
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
