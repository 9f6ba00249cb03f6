// Django Channels: an ASGI server (Gunicorn + Uvicorn workers) for HTTP and WebSockets, a Redis
// channel layer shared by every web process, and a `runworker` only for channels the user names.
import type { Answers } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import type { Process } from "../plan.js";
import { basePlan, gunicornWeb, withIntegrations } from "./common.js";
import { detectDjango, djangoEnv, djangoPlan, djangoRequired, migrateProcess } from "./django.js";
import type { StackModule } from "./stack.js";

export const djangoChannels: StackModule = {
  id: "django-channels",
  title: "Django Channels (ASGI + WebSockets)",
  example: "django-channels",
  detect: detectDjango,
  modules: ["settingsModule", "asgiApp"],
  required: djangoRequired,
  plan(answers: Answers, facts: RepoFacts) {
    const django = djangoPlan(answers, facts, { celery: false, channels: true });
    const asgi = answers.asgiApp ?? `${answers.settingsModule!.split(".")[0]}.asgi:application`;
    const processes: Process[] = [
      gunicornWeb(asgi, { asgi: true, description: "Gunicorn with Uvicorn workers serving the ASGI app (HTTP and WebSockets)." }),
    ];
    if (answers.channelsWorkers.length > 0) {
      processes.push({
        name: "channels",
        kind: "worker",
        command: ["python", "manage.py", "runworker", ...answers.channelsWorkers],
        singleton: false,
        description: `Channels background worker for the named channels (${answers.channelsWorkers.join(", ")}).`,
      });
    }
    processes.push(migrateProcess());
    const websockets = facts.websocketPaths.length > 0 ? facts.websocketPaths : ["/ws/"];
    return basePlan(answers, facts, {
      framework: "django",
      server: { app: asgi, asgi: true },
      processes,
      datastores: ["postgres", "redis"],
      ...withIntegrations(djangoEnv(answers, django, { redis: true }), facts),
      routes: { static: "/static/", websockets },
      healthPath: answers.healthPath,
      packages: ["gunicorn", "uvicorn-worker", "uvicorn", "whitenoise", "dj-database-url", "sentry-sdk", "psycopg", "channels-redis"],
      django,
    });
  },
};
