// Integrations (src/integrations/): detected from an app's dependencies and code, with the names
// its code gives their variables. A name the code reads wins over the kit's; a library that is
// absent adds nothing.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { detectRepo } from "../src/detect/repo.js";
import { FIXTURES } from "./helpers/kit.js";

const INTEGRATIONS = join(FIXTURES, "integrations");
const app = (name: string) => join(INTEGRATIONS, name);
const DOMAIN = "https://app.example.com";

type Kind = "user" | "generated" | "asked" | "value";
interface Case {
  app: string;
  ids: string[];
  /** Each variable the integration adds: whether it is secret, and how render.yaml sets it. */
  vars: Record<string, { secret: boolean; render: Kind }>;
  /** The webhook URL the runbook tells you to register. */
  webhook?: string;
}

const u = (secret: boolean) => ({ secret, render: "user" as const });
const CASES: Case[] = [
  {
    app: "twilio",
    ids: ["twilio"],
    vars: { TWILIO_ACCOUNT_SID: u(false), TWILIO_AUTH_TOKEN: u(true), TWILIO_PHONE_NUMBER: u(false), TWILIO_WHATSAPP_NUMBER: u(false) },
    webhook: `${DOMAIN}/hooks/twilio/whatsapp/`,
  },
  { app: "sendgrid", ids: ["sendgrid"], vars: { SENDGRID_API_KEY: u(true) } },
  { app: "openai", ids: ["openai"], vars: { OPENAI_API_KEY: u(true), OPENAI_MODEL: { secret: false, render: "value" } } },
  { app: "gemini", ids: ["gemini"], vars: { GEMINI_API_KEY: u(true) } },
  {
    app: "stripe",
    ids: ["stripe"],
    vars: { STRIPE_SECRET_KEY: u(true), STRIPE_PUBLISHABLE_KEY: u(false), STRIPE_WEBHOOK_SECRET: u(true) },
    webhook: `${DOMAIN}/payments/stripe/webhook`,
  },
  {
    app: "wompi",
    ids: ["wompi"],
    // The code's WOMPI_EVENT_SECRET (seed 001's name) stands for the kit's WOMPI_EVENTS_SECRET; the payout key is read too.
    vars: { WOMPI_PUBLIC_KEY: u(false), WOMPI_PRIVATE_KEY: u(true), WOMPI_EVENT_SECRET: u(true), WOMPI_INTEGRITY_SECRET: u(true), WOMPI_PAYOUT_PRIVATE_KEY: u(true) },
    webhook: `${DOMAIN}/api/finances/webhooks/wompi/`,
  },
  {
    app: "s3",
    ids: ["s3"],
    vars: { AWS_ACCESS_KEY_ID: u(true), AWS_SECRET_ACCESS_KEY: u(true), AWS_STORAGE_BUCKET_NAME: u(false), AWS_S3_REGION_NAME: u(false), AWS_S3_ENDPOINT_URL: u(false) },
  },
  { app: "cloudinary", ids: ["cloudinary"], vars: { CLOUDINARY_URL: u(true) } },
  // A Fernet key is never Render's generateValue: asked for (sync: false), generated with Fernet itself.
  { app: "fernet", ids: ["fernet"], vars: { FIELD_ENCRYPTION_KEY: { secret: true, render: "asked" } } },
  { app: "jwt", ids: ["jwt"], vars: { JWT_SIGNING_KEY: { secret: true, render: "generated" } } },
  {
    app: "chatwoot",
    ids: ["chatwoot"],
    // The code reads no inbox id: it is not listed.
    vars: { CHATWOOT_URL: u(false), CHATWOOT_BOT_TOKEN: u(true), CHATWOOT_ACCOUNT_ID: u(false), CHATWOOT_WEBHOOK_SECRET: u(true) },
    webhook: `${DOMAIN}/chatwoot/webhook/`,
  },
  // SENTRY_DSN is every stack's already: still once.
  { app: "sentry", ids: ["sentry"], vars: { SENTRY_DSN: u(true) } },
];

describe.each(CASES)("$app", (c) => {
  it("is detected from the dependency and the code", () => {
    const facts = detectRepo(app(c.app));
    expect(facts.integrations.map((i) => i.id)).toEqual(c.ids);
    expect(facts.integrations[0]!.at).toMatch(/^[\w/.-]+\.py:\d+$/);
    expect(facts.integrations.flatMap((i) => i.envVars.map((v) => v.name))).toEqual(Object.keys(c.vars));
    expect(facts.integrations[0]!.webhook?.path).toBe(c.webhook?.slice(DOMAIN.length));
  });
});

describe("names the app's code reads win", () => {
  it("takes the code's names (os.environ, django-environ, python-decouple) and other prefixed variables it reads", () => {
    const found = detectRepo(app("nonstandard")).integrations;
    expect(found.map((i) => i.id)).toEqual(["twilio", "openai", "stripe"]);
    const vars = Object.fromEntries(found.map((i) => [i.id, i.envVars.map((v) => [v.name, v.standard ?? null, v.readAt])]));
    expect(vars.twilio).toEqual([
      ["TWILIO_SID", "TWILIO_ACCOUNT_SID", "clinic/settings.py:19"],
      ["TWILIO_TOKEN", "TWILIO_AUTH_TOKEN", "clinic/settings.py:20"],
      ["TWILIO_FROM", "TWILIO_PHONE_NUMBER", "clinic/settings.py:21"],
      ["TWILIO_VERIFY_SERVICE_SID", null, "clinic/settings.py:22"],
    ]);
    // The publishable key is not read by the code: not listed.
    expect(vars.stripe).toEqual([
      ["STRIPE_API_KEY", "STRIPE_SECRET_KEY", "clinic/settings.py:23"],
      ["STRIPE_ENDPOINT_SECRET", "STRIPE_WEBHOOK_SECRET", "clinic/settings.py:24"],
    ]);
    expect(vars.openai).toEqual([
      ["OPENAI_KEY", "OPENAI_API_KEY", "booking/ai.py:4"],
      ["OPENAI_CHAT_MODEL", "OPENAI_MODEL", "booking/ai.py:5"],
    ]);
    expect(found.find((i) => i.id === "stripe")!.webhook).toEqual({ path: "/api/stripe/events/", at: "booking/urls.py:6", complete: true });
  });
});

describe("without the library", () => {
  it("finds nothing: names read without twilio/stripe/openai, boto3 not used for S3, cryptography not for Fernet", () => {
    expect(detectRepo(app("negative")).integrations).toEqual([]);
  });
});

describe("detection rules", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  /** A copy of a fixture with files replaced. */
  const variant = (name: string, files: Record<string, string>) => {
    const dir = mkdtempSync(join(tmpdir(), `integration-${name}-`));
    dirs.push(dir);
    cpSync(app(name), dir, { recursive: true });
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    return dir;
  };

  it("names the Gemini key after the library: GOOGLE_API_KEY for google-generativeai", () => {
    const dir = variant("gemini", { "requirements.txt": "fastapi==0.115.6\ngoogle-generativeai==0.8.3\n" });
    expect(detectRepo(dir).integrations[0]!.envVars.map((v) => v.name)).toEqual(["GOOGLE_API_KEY"]);
  });

  it("drops CLOUDINARY_URL when the code configures Cloudinary from its three settings", () => {
    const dir = variant("cloudinary", {
      "gallery/cloudinary_conf.py":
        'import os\n\nCLOUDINARY_STORAGE = {\n    "CLOUD_NAME": os.environ["CLOUDINARY_CLOUD_NAME"],\n    "API_KEY": os.environ["CLOUDINARY_API_KEY"],\n    "API_SECRET": os.environ["CLOUDINARY_API_SECRET"],\n}\n',
    });
    const vars = detectRepo(dir).integrations[0]!.envVars;
    expect(vars.map((v) => v.name)).toEqual(["CLOUDINARY_CLOUD_NAME", "CLOUDINARY_API_KEY", "CLOUDINARY_API_SECRET"]);
  });

  it("ignores names in comments and in the kit's own generated files", () => {
    const dir = variant("negative", {
      "plain/notes.py": '# os.environ["WOMPI_PRIVATE_KEY"] and Chatwoot: planned, not used yet\n',
      "plain/settings_production.py": '"""Production settings for x, generated by create-prod-kit."""\nimport os\nJWT = os.environ["WOMPI_PUBLIC_KEY"]\n',
    });
    expect(detectRepo(dir).integrations).toEqual([]);
  });

  it("reads pydantic settings fields with their env_prefix", () => {
    const dir = variant("stripe", {
      "shop/config.py":
        'from pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Settings(BaseSettings):\n    model_config = SettingsConfigDict(env_prefix="SHOP_")\n\n    stripe_key: str\n\n    def key(self):\n        return self.stripe_key\n',
    });
    const stripe = detectRepo(dir).integrations[0]!;
    // SHOP_STRIPE_KEY has no STRIPE_ prefix and no alias: the kit's names stay, as the code reads none of them.
    expect(stripe.envVars.map((v) => v.name)).toEqual(["STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"]);
    const plain = variant("stripe", {
      "shop/config.py": 'from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    stripe_api_key: str\n\n    class Config:\n        env_file = ".env"\n',
    });
    expect(detectRepo(plain).integrations[0]!.envVars.map((v) => [v.name, v.standard])).toEqual([["STRIPE_API_KEY", "STRIPE_SECRET_KEY"]]);
  });
});
