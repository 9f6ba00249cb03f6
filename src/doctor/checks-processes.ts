// How processes start (process-files.ts finds the files): a production server rather than a
// development one, and exactly one Celery beat, never inside a worker.
import type { DoctorContext } from "./context.js";
import { finding, type Check, type Finding } from "./finding.js";
import type { ProcessCommand } from "./process-files.js";

function noProcessFiles(ctx: DoctorContext): string | undefined {
  return ctx.processFiles.length ? undefined : "no process files (Dockerfile, Procfile, docker-compose*.yml, render.yaml, railway*.json, start scripts)";
}

const DEV_SERVERS: { re: RegExp; title: string; fix: string }[] = [
  {
    re: /\brunserver\b/,
    title: "`runserver` (Django's development server) starts a process",
    fix: "Run Gunicorn: gunicorn pkg.wsgi:application --bind 0.0.0.0:$PORT (ASGI: with -k uvicorn_worker.UvicornWorker). The kit's Dockerfile does.",
  },
  {
    re: /(^|\s)--reload(\s|=|$)/,
    title: "`--reload` (restart on file changes) in a production command",
    fix: "Remove --reload: it watches every file, doubles memory, and restarts the server whenever a file changes.",
  },
  { re: /\bfastapi\s+dev\b/, title: "`fastapi dev` (the development server, with reload) starts a process", fix: "Run Gunicorn with Uvicorn workers: gunicorn -k uvicorn_worker.UvicornWorker pkg.main:app. The kit's Dockerfile does." },
];

export const noRunserver: Check = {
  id: "no-runserver",
  level: "error",
  what: "no `runserver`, `--reload` or `fastapi dev` in the files that start production processes",
  why: "Development servers are single-process, unhardened and slow; Django's says so itself. --reload restarts the app on file changes and watches the whole tree.",
  fix: "Use a production server (Gunicorn, with Uvicorn workers for ASGI). A file used only for development can say so in its name (docker-compose.dev.yml, Dockerfile.dev): doctor skips those.",
  skip: noProcessFiles,
  run(ctx) {
    return ctx.commands.flatMap((c) =>
      DEV_SERVERS.filter((d) => d.re.test(c.command)).map((d) => finding(this, { file: c.path, line: c.line, title: `${named(c)}${d.title}`, fix: d.fix })),
    );
  },
};

/** "web: " before a title, when the file names the process. */
const named = (c: ProcessCommand) => (c.name ? `${c.name}: ` : "");
const isCelery = (c: string) => /\bcelery\b/.test(c);
/** `celery worker -B`: the scheduler inside a worker. */
const embeddedBeat = (c: string) => isCelery(c) && /(^|\s)worker(\s|$)/.test(c) && /(^|\s)(-B|--beat)(\s|=|$)/.test(c);
const standaloneBeat = (c: string) => isCelery(c) && /(^|\s)beat(\s|$)/.test(c);

export const oneBeat: Check = {
  id: "one-beat",
  level: "error",
  what: "exactly one Celery beat, as its own process: not two, not inside a worker (-B), not scaled",
  why: "Each beat sends every periodic task: two beats (or a worker with -B scaled to two) run each task twice, e.g. two reminders, two charges.",
  fix: "Run one `celery -A app beat` process with a single instance, and workers without -B. The kit's files do, on every platform.",
  skip(ctx) {
    return noProcessFiles(ctx) ?? (ctx.commands.some((c) => isCelery(c.command)) ? undefined : "no Celery process in the process files");
  },
  run(ctx) {
    const out: Finding[] = [];
    const beats = ctx.commands.filter((c) => embeddedBeat(c.command) || standaloneBeat(c.command));
    for (const c of beats.filter((b) => embeddedBeat(b.command))) {
      out.push(
        finding(this, {
          file: c.path,
          line: c.line,
          title: `${named(c)}a Celery worker that also runs beat (-B/--beat): every instance of it is a scheduler`,
        }),
      );
    }
    for (const c of beats.filter((b) => (b.replicas ?? 1) > 1)) {
      out.push(finding(this, { file: c.path, line: c.line, title: `${named(c)}Celery beat runs as ${c.replicas} instances` }));
    }
    // Files of one platform describe one deployment: two beats in one file run together.
    const byFile = new Map<string, ProcessCommand[]>();
    for (const b of beats) byFile.set(b.path, [...(byFile.get(b.path) ?? []), b]);
    for (const [path, list] of byFile) {
      if (list.length < 2) continue;
      out.push(
        finding(this, {
          file: path,
          line: list[1]!.line,
          title: `${list.length} Celery beat processes in ${path} (lines ${list.map((b) => b.line).join(", ")})`,
        }),
      );
    }
    return out;
  },
};

export const processChecks: Check[] = [noRunserver, oneBeat];
