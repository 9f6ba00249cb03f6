// Django + Celery: Gunicorn (WSGI) web, a Celery worker, exactly one Celery beat, Redis broker.
import type { Answers } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import type { Process } from "../plan.js";
import { basePlan, gunicornWeb, withIntegrations } from "./common.js";
import { detectDjango, djangoEnv, djangoPlan, djangoRequired, migrateProcess } from "./django.js";
import type { StackModule } from "./stack.js";

export const djangoCelery: StackModule = {
  id: "django-celery",
  title: "Django + Celery (worker + one beat)",
  example: "django-celery",
  detect: detectDjango,
  modules: ["settingsModule", "wsgiApp", "celeryApp"],
  required(answers) {
    const missing = djangoRequired(answers);
    if (!answers.celeryApp) missing.push({ key: "celeryApp", hint: "--set celeryApp=pkg (no Celery() app was found)" });
    return missing;
  },
  plan(answers: Answers, facts: RepoFacts) {
    const django = djangoPlan(answers, facts, { celery: true, channels: false });
    const wsgi = answers.wsgiApp ?? `${answers.settingsModule!.split(".")[0]}.wsgi:application`;
    const celery = answers.celeryApp!;
    const beatArgs = django.djangoCeleryBeat
      ? ["--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"]
      : ["--schedule", "/tmp/celerybeat-schedule"];
    const processes: Process[] = [
      gunicornWeb(wsgi, { asgi: false, description: "Gunicorn serving the Django WSGI app." }),
      {
        name: "worker",
        kind: "worker",
        command: ["celery", "--app", celery, "worker", "--loglevel", "INFO", "--concurrency", "2"],
        singleton: false,
        description: "Celery worker; scale it for throughput (never with -B: beat runs on its own).",
      },
      {
        name: "beat",
        kind: "scheduler",
        command: ["celery", "--app", celery, "beat", "--loglevel", "INFO", ...beatArgs],
        singleton: true,
        description: "Celery beat, exactly one instance: a second one would send every scheduled task twice.",
      },
      migrateProcess(),
    ];
    return basePlan(answers, facts, {
      framework: "django",
      server: { app: wsgi, asgi: false },
      processes,
      datastores: ["postgres", "redis"],
      ...withIntegrations(djangoEnv(answers, django, { redis: true }), facts),
      routes: { static: "/static/", websockets: [] },
      healthPath: answers.healthPath,
      packages: ["gunicorn", "whitenoise", "dj-database-url", "sentry-sdk", "psycopg"],
      django,
    });
  },
};
