// What both Django stacks share: where the production settings go, migrations as a release step,
// the env every Django deployment reads, and detection of the Django module paths.
import type { Answers, AnswersInput } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import { JWT_SIGNING_KEY } from "../integrations/jwt.js";
import type { DjangoPlan, EnvVar, Process } from "../plan.js";
import { databaseUrl, logLevel, redisUrl, sentryDsn, webConcurrency } from "./common.js";

export function detectDjango(facts: RepoFacts): Partial<AnswersInput> {
  return {
    settingsModule: facts.settingsModule,
    wsgiApp: facts.wsgiApp,
    asgiApp: facts.asgiApp,
    celeryApp: facts.celeryApp,
    healthPath: facts.healthPath,
  };
}

/** The generated modules sit beside the user's settings and import them. */
export function djangoPlan(answers: Answers, facts: RepoFacts, opts: { celery: boolean; channels: boolean }): DjangoPlan {
  const base = answers.settingsModule!;
  const basePath = facts.settingsModule === base && facts.settingsPath ? facts.settingsPath : `${base.replace(/\./g, "/")}.py`;
  const parts = base.split(".");
  const dirParts = basePath.split("/").slice(0, -1);
  const inPackage = basePath.endsWith("/__init__.py") || parts.length > 2 || /\/settings\/[^/]+\.py$/.test(basePath);
  // settings package (config/settings/base.py) → config/settings/production.py;
  // settings file (shop/settings.py) → shop/settings_production.py.
  const prodName = inPackage ? "production" : `${parts[parts.length - 1]}_production`;
  const pkgDir = basePath.endsWith("/__init__.py") ? basePath.split("/").slice(0, -1) : dirParts;
  const pkgModule = basePath.endsWith("/__init__.py") ? parts : parts.slice(0, -1);
  const join = (dir: string[], file: string) => [...dir, file].join("/");
  const mod = (name: string) => [...pkgModule, name].join(".");
  return {
    baseSettings: base,
    productionSettings: mod(prodName),
    productionSettingsPath: join(pkgDir, `${prodName}.py`),
    healthMiddleware: mod("prod_kit_health"),
    healthMiddlewarePath: join(pkgDir, "prod_kit_health.py"),
    celery: opts.celery,
    channels: opts.channels,
    djangoCeleryBeat: facts.usesDjangoCeleryBeat,
    jwtSigningKey: jwtToWire(facts),
  };
}

/** Simple JWT signs with SECRET_KEY unless told otherwise: when the app's code reads no signing key, the production settings wire the kit's. */
function jwtToWire(facts: RepoFacts): string | undefined {
  return facts.integrations.find((i) => i.id === "jwt")?.envVars.find((v) => v.standard === JWT_SIGNING_KEY && !v.readAt)?.name;
}

export function djangoRequired(answers: Answers): { key: keyof Answers; hint: string }[] {
  return answers.settingsModule
    ? []
    : [{ key: "settingsModule", hint: "--set settingsModule=pkg.settings (no manage.py with DJANGO_SETTINGS_MODULE was found)" }];
}

export function migrateProcess(): Process {
  return {
    name: "release",
    kind: "release",
    command: ["python", "manage.py", "migrate", "--noinput"],
    singleton: true,
    description: "Applies database migrations once per deploy, before the new web processes start.",
  };
}

export function djangoEnv(answers: Answers, django: DjangoPlan, opts: { redis: boolean }): EnvVar[] {
  const env: EnvVar[] = [
    {
      name: "DJANGO_SETTINGS_MODULE",
      description: "The generated production settings (they import your settings and override them from env).",
      secret: false,
      source: { kind: "value", value: django.productionSettings },
    },
    {
      name: "SECRET_KEY",
      description: "Django secret key: 50+ random characters (a generated 32+ character key is stretched); the app refuses to start without it.",
      secret: true,
      source: { kind: "generated" },
    },
    {
      name: "ALLOWED_HOSTS",
      description: "Comma-separated host names the site answers to (the health path is exempt).",
      secret: false,
      source: { kind: "value", value: answers.domain },
    },
    {
      name: "CSRF_TRUSTED_ORIGINS",
      description: "Comma-separated origins with their scheme, e.g. https://app.example.com.",
      secret: false,
      source: { kind: "value", value: `https://${answers.domain}` },
    },
    databaseUrl,
  ];
  if (opts.redis) env.push(redisUrl);
  env.push(sentryDsn, ...djangoEmail(answers), webConcurrency, logLevel);
  return env;
}

/** SMTP for Django's mail (password resets, error reports); unset keeps the app's own backend. */
function djangoEmail(answers: Answers): EnvVar[] {
  const user = (name: string, description: string, example: string, secret = false): EnvVar => ({
    name,
    description,
    secret,
    source: { kind: "user", example },
  });
  return [
    user("EMAIL_HOST", "SMTP server for outgoing mail (e.g. smtp.sendgrid.net); leave empty to keep your settings' email backend.", ""),
    user("EMAIL_HOST_USER", "SMTP user name (SendGrid: apikey).", ""),
    user("EMAIL_HOST_PASSWORD", "SMTP password or API key.", "", true),
    user("DEFAULT_FROM_EMAIL", "Sender of the site's mail; its domain needs SPF and DKIM records.", `no-reply@${answers.domain}`),
  ];
}
