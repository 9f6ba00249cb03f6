// FastAPI + Chatwoot bot: Gunicorn with Uvicorn workers, proxy headers trusted only from the proxy,
// PostgreSQL, Redis, OpenAI and the Chatwoot webhook/bot settings.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Answers } from "../answers.js";
import type { RepoFacts } from "../detect/repo.js";
import type { EnvVar, Process } from "../plan.js";
import { basePlan, databaseUrl, gunicornWeb, logLevel, redisUrl, sentryDsn, webConcurrency, withIntegrations } from "./common.js";
import type { StackModule } from "./stack.js";

const user = (name: string, description: string, example: string, secret: boolean): EnvVar => ({
  name,
  description,
  secret,
  source: { kind: "user", example },
});

export const fastapiChatwoot: StackModule = {
  id: "fastapi-chatwoot",
  title: "FastAPI + Chatwoot bot",
  example: "fastapi-chatwoot",
  detect: (facts) => ({ fastapiApp: facts.fastapiApp, healthPath: facts.healthPath }),
  modules: ["fastapiApp"],
  required: (answers) =>
    answers.fastapiApp ? [] : [{ key: "fastapiApp", hint: "--set fastapiApp=pkg.module:app (no FastAPI() app was found)" }],
  plan(answers: Answers, facts: RepoFacts) {
    const app = answers.fastapiApp!;
    const processes: Process[] = [gunicornWeb(app, { asgi: true, description: "Gunicorn with Uvicorn workers serving the FastAPI app." })];
    if (facts.dependencies.has("alembic") && existsSync(join(facts.root, "alembic.ini"))) {
      processes.push({
        name: "release",
        kind: "release",
        command: ["alembic", "upgrade", "head"],
        singleton: true,
        description: "Applies Alembic migrations once per deploy, before the new web processes start.",
      });
    }
    const env: EnvVar[] = [
      {
        name: "ENVIRONMENT",
        description: "production: the app should disable /docs, /redoc and /openapi.json when it reads this.",
        secret: false,
        source: { kind: "value", value: "production" },
      },
      user("OPENAI_API_KEY", "OpenAI API key for the bot's answers (set a usage limit in the OpenAI dashboard).", "sk-...", true),
      {
        name: "OPENAI_MODEL",
        description: "OpenAI model the bot uses.",
        secret: false,
        source: { kind: "value", value: "gpt-4o-mini" },
      },
      user("CHATWOOT_URL", "Base URL of your Chatwoot (Cloud or self-hosted), no trailing slash.", "https://app.chatwoot.com", false),
      user("CHATWOOT_BOT_TOKEN", "Access token of the Agent Bot (sent as the api_access_token header).", "", true),
      user("CHATWOOT_ACCOUNT_ID", "Chatwoot account id (the number in /app/accounts/<id>/).", "1", false),
      user("CHATWOOT_INBOX_ID", "Id of the inbox the bot answers in.", "1", false),
      user("CHATWOOT_WEBHOOK_SECRET", "Secret Chatwoot signs webhooks with (X-Chatwoot-Signature, Chatwoot >= 4.11.2).", "", true),
      {
        name: "ALLOWED_ORIGINS",
        description: "Comma-separated origins allowed by CORS; never * together with credentials.",
        secret: false,
        source: { kind: "value", value: `https://${answers.domain}` },
      },
      databaseUrl,
      redisUrl,
      sentryDsn,
      webConcurrency,
      logLevel,
    ];
    return basePlan(answers, facts, {
      framework: "fastapi",
      server: { app, asgi: true },
      processes,
      datastores: ["postgres", "redis"],
      // The stack's own docs cover Chatwoot and OpenAI; an app naming their variables differently keeps its names.
      ...withIntegrations(env, facts, ["chatwoot", "openai"]),
      routes: { websockets: [], webhook: facts.webhookPath ?? "/chatwoot/webhook" },
      healthPath: answers.healthPath,
      packages: ["gunicorn", "uvicorn-worker", "uvicorn", "sentry-sdk"],
    });
  },
};
