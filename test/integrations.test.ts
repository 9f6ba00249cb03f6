// Integrations (src/integrations/): detected from an app's dependencies and code, each adds its
// variables once to every platform's files (the env example with [secret] marks, render.yaml's shared
// group, the Railway and Easypanel variable lists) and its sections to the runbook and checklist.
// A name the app's code reads wins over the kit's; a library that is absent adds nothing.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLATFORMS, type PlatformId } from "../src/answers.js";
import { detectRepo } from "../src/detect/repo.js";
import type { GeneratedFile } from "../src/files/generated-file.js";
import { integrationSteps } from "../src/integrations/next-steps.js";
import { FIXTURES, generateKit, renderFiles } from "./helpers/kit.js";

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

const RENDER_ENTRY: Record<Kind, (name: string) => object | undefined> = {
  user: (key) => ({ key, sync: false }),
  asked: (key) => ({ key, sync: false }),
  generated: (key) => ({ key, generateValue: true }),
  value: () => undefined,
};

function kitFor(name: string, platform: PlatformId) {
  const facts = detectRepo(app(name));
  return { facts, ...renderFiles(platform, facts.stack!, { app: app(name) }) };
}

const fileOf = (files: GeneratedFile[], path: string) => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path}`);
  return f.content;
};

/** The env example's entries: each `NAME=` line (set or commented out) with the comments above it. */
function envEntries(example: string): { name: string; comments: string; value: string; commented: boolean }[] {
  return example.split(/\n\n+/).flatMap((block) => {
    const lines = block.split("\n");
    const m = /^(# )?([A-Z][A-Z0-9_]*)=(.*)$/.exec(lines[lines.length - 1]!);
    return m ? [{ name: m[2]!, comments: lines.slice(0, -1).join("\n"), value: m[3]!, commented: Boolean(m[1]) }] : [];
  });
}

const section = (markdown: string, heading: string) => {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) return "";
  const level = heading.split(" ")[0]!;
  const next = markdown.slice(start + heading.length + 2).search(new RegExp(`^#{1,${level.length}} `, "m"));
  return next < 0 ? markdown.slice(start) : markdown.slice(start, start + heading.length + 2 + next);
};

describe.each(CASES)("$app", (c) => {
  it("is detected from the dependency and the code", () => {
    const facts = detectRepo(app(c.app));
    expect(facts.integrations.map((i) => i.id)).toEqual(c.ids);
    expect(facts.integrations[0]!.at).toMatch(/^[\w/.-]+\.py:\d+$/);
    expect(facts.integrations.flatMap((i) => i.envVars.map((v) => v.name))).toEqual(Object.keys(c.vars));
    expect(facts.integrations[0]!.webhook?.path).toBe(c.webhook?.slice(DOMAIN.length));
  });

  describe.each(PLATFORMS.map((platform) => ({ platform })))("on $platform", ({ platform }) => {
    const { plan, files } = kitFor(c.app, platform);
    const names = Object.keys(c.vars);

    it("lists each variable once in .env.production.example, [secret] where secret, no value for a secret", () => {
      const entries = envEntries(fileOf(files, ".env.production.example"));
      for (const name of names) {
        const found = entries.filter((e) => e.name === name);
        expect(found, name).toHaveLength(1);
        expect(found[0]!.commented, name).toBe(false);
        expect(/\[secret\]/.test(found[0]!.comments), `${name} [secret]`).toBe(c.vars[name]!.secret);
        // A secret's value is empty or a visible placeholder (sk_live_...), never a real-looking value.
        if (c.vars[name]!.secret) expect(found[0]!.value, name).toMatch(/^$|^[a-z_-]*\.\.\.$/);
      }
    });

    it("puts each variable once in the platform's own variable list", () => {
      for (const name of names) {
        const spec = c.vars[name]!;
        if (platform === "render") {
          const blueprint = parse(fileOf(files, "render.yaml"));
          const all = [...blueprint.services, ...blueprint.envVarGroups].flatMap((s: { envVars?: { key?: string }[] }) => s.envVars ?? []);
          expect(all.filter((e) => e.key === name), name).toHaveLength(1);
          const shared = blueprint.envVarGroups[0].envVars.find((e: { key: string }) => e.key === name);
          const expected = RENDER_ENTRY[spec.render](name);
          if (expected) expect(shared, name).toEqual(expected);
          else expect(shared, name).toMatchObject({ key: name, value: expect.any(String) });
        }
        if (platform === "railway") {
          const runbook = fileOf(files, "docs/RUNBOOK.md");
          expect(runbook.match(new RegExp(`^ {3}${name}=.*$`, "gm")), name).toHaveLength(1);
          expect(runbook.split(`${name}=\${{shared.${name}}}`).length - 1, name).toBe(1);
        }
        if (platform === "easypanel") {
          const template = JSON.parse(fileOf(files, "easypanel/template.json"));
          for (const service of template.services.filter((s: { type: string }) => s.type === "app")) {
            const lines = (service.data.env as string).split("\n").filter((l) => l.startsWith(`${name}=`));
            expect(lines, `${service.data.serviceName}: ${name}`).toHaveLength(1);
            if (spec.secret) expect(lines[0], name).toBe(`${name}=`);
          }
        }
      }
      expect(plan.env.filter((v) => names.includes(v.name))).toHaveLength(names.length);
    });

    it("gives the runbook an Integrations section and the checklist its checks", () => {
      const runbook = section(fileOf(files, "docs/RUNBOOK.md"), "## Integrations");
      const checklist = section(fileOf(files, "docs/PRODUCTION_CHECKLIST.md"), "## Integrations");
      for (const integration of plan.integrations) {
        expect(runbook).toContain(`### ${integration.title}`);
        expect(checklist).toMatch(new RegExp(`^- \\[ \\] ${integration.title.split(" ")[0]}`, "m"));
      }
      for (const name of names) expect(runbook, name).toContain(`- \`${name}\`: `);
      expect(runbook).toMatch(/^- Rotation: /m);
      if (c.webhook) {
        expect(runbook).toContain(`Webhook: `);
        expect(runbook).toContain(`\`${c.webhook}\``);
        expect(runbook).toMatch(/^- Verify each delivery: /m);
        expect(checklist).toMatch(/registered with its `https:\/\/app\.example\.com` URL, verifies its signature/);
      }
    });

    it("writes prettier-formatted docs and platform files whose links resolve", async () => {
      for (const f of files.filter((x) => /\.(ya?ml|json|md)$/.test(x.path))) {
        expect(f.content, f.path).toBe(await prettier.format(f.content, { filepath: f.path }));
      }
      const docs = ["RUNBOOK.md", "PRODUCTION_CHECKLIST.md"].map((n) => ({ n, text: fileOf(files, `docs/${n}`) }));
      const slug = (h: string) => h.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/ /g, "-");
      const anchors = Object.fromEntries(docs.map((d) => [d.n, [...d.text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!))]));
      for (const d of docs) {
        for (const m of d.text.matchAll(/\]\(([A-Z_]+\.md)?#([^)]+)\)/g)) expect(anchors[m[1] ?? d.n], m[0]).toContain(m[2]);
      }
    });
  });
});

describe("names the app's code reads win", () => {
  const facts = detectRepo(app("nonstandard"));
  const { plan, files } = renderFiles("render", "django-celery", { app: app("nonstandard") });
  const envNames = plan.env.map((v) => v.name);

  it("takes the code's names (os.environ, django-environ, python-decouple) and other prefixed variables it reads", () => {
    const found = facts.integrations;
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

  it("lists the code's names in the Plan, once each, and no kit name they replace", () => {
    for (const name of ["TWILIO_SID", "TWILIO_TOKEN", "TWILIO_FROM", "TWILIO_VERIFY_SERVICE_SID", "OPENAI_KEY", "OPENAI_CHAT_MODEL", "STRIPE_API_KEY", "STRIPE_ENDPOINT_SECRET"]) {
      expect(envNames.filter((n) => n === name), name).toHaveLength(1);
    }
    // Replaced by the code's names, or not read by the code at all (the publishable key).
    for (const name of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_PHONE_NUMBER", "OPENAI_API_KEY", "OPENAI_MODEL", "STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET"]) {
      expect(envNames, name).not.toContain(name);
    }
    const secret = Object.fromEntries(plan.env.map((v) => [v.name, v.secret]));
    expect([secret.TWILIO_TOKEN, secret.STRIPE_API_KEY, secret.STRIPE_ENDPOINT_SECRET, secret.OPENAI_KEY]).toEqual([true, true, true, true]);
    expect([secret.TWILIO_SID, secret.TWILIO_FROM, secret.TWILIO_VERIFY_SERVICE_SID, secret.OPENAI_CHAT_MODEL]).toEqual([false, false, false, false]);
  });

  it("says where each name was read, in the env example, the runbook and the next steps", () => {
    const twilioSid = envEntries(fileOf(files, ".env.production.example")).find((e) => e.name === "TWILIO_SID")!;
    expect(twilioSid.comments).toContain("Read in clinic/settings.py:19.");
    const runbook = section(fileOf(files, "docs/RUNBOOK.md"), "## Integrations");
    expect(runbook).toContain("`STRIPE_ENDPOINT_SECRET`: The webhook endpoint's **Signing secret**");
    expect(runbook).toContain("`https://app.example.com/api/stripe/events/`");
    expect(runbook).toContain('request.headers["Stripe-Signature"], STRIPE_ENDPOINT_SECRET)');
    const steps = integrationSteps(plan).join("\n");
    expect(steps).toContain("TWILIO_SID (clinic/settings.py:19) instead of TWILIO_ACCOUNT_SID");
    expect(steps).toContain("STRIPE_API_KEY (clinic/settings.py:23) instead of STRIPE_SECRET_KEY");
    expect(steps).toContain("OPENAI_KEY (booking/ai.py:4) instead of OPENAI_API_KEY");
    expect(steps).toContain("TWILIO_VERIFY_SERVICE_SID (clinic/settings.py:22), which your code also reads");
  });

  it("renames the fastapi-chatwoot stack's own variables too, and its runbook follows", () => {
    const { plan: bot, files: botFiles } = renderFiles("railway", "fastapi-chatwoot", { app: app("fastapi-names") });
    const names = bot.env.map((v) => v.name);
    expect(names).toContain("CHATWOOT_ACCESS_TOKEN");
    expect(names).toContain("OPENAI_KEY");
    expect(names).not.toContain("CHATWOOT_BOT_TOKEN");
    expect(names).not.toContain("OPENAI_API_KEY");
    expect(new Set(names).size).toBe(names.length);
    const runbook = fileOf(botFiles, "docs/RUNBOOK.md");
    expect(runbook).toContain('BOT_TOKEN = os.environ["CHATWOOT_ACCESS_TOKEN"]');
    expect(runbook).toContain('AsyncOpenAI(api_key=os.environ["OPENAI_KEY"]');
    expect(runbook).not.toContain("CHATWOOT_BOT_TOKEN");
    // The stack's own sections cover Chatwoot and OpenAI: no second Integrations section for them.
    expect(runbook).not.toContain("## Integrations");
  });
});

describe("without the library", () => {
  const facts = detectRepo(app("negative"));
  const { plan, files } = renderFiles("render", "django-celery", { app: app("negative") });

  it("adds nothing: names read without twilio/stripe/openai, boto3 not used for S3, cryptography not for Fernet", () => {
    expect(facts.integrations).toEqual([]);
    expect(plan.integrations).toEqual([]);
    const example = fileOf(files, ".env.production.example");
    expect(example).not.toMatch(/^(?:# )?(?:TWILIO|STRIPE|OPENAI|AWS|FERNET|FIELD_ENCRYPTION)_?[A-Z_]*=/m);
    expect(fileOf(files, "render.yaml")).not.toMatch(/TWILIO|STRIPE|OPENAI|AWS_|FERNET/);
    expect(fileOf(files, "docs/RUNBOOK.md")).not.toContain("## Integrations");
    expect(fileOf(files, "docs/PRODUCTION_CHECKLIST.md")).not.toContain("## Integrations");
    expect(integrationSteps(plan)).toEqual([]);
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

describe("JWT signing key in the production settings", () => {
  const kits: ReturnType<typeof generateKit>[] = [];
  afterAll(() => kits.forEach((k) => k.cleanup()));
  const run = (dir: string, module: string, env: Record<string, string>) =>
    spawnSync("/usr/bin/python3", ["-c", `import ${module} as s; print(s.SIMPLE_JWT.get("SIGNING_KEY"), s.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"])`], {
      cwd: dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        SECRET_KEY: "k3y-".repeat(15) + "Zq9!",
        DATABASE_URL: "postgres://app:pw@127.0.0.1:5432/app",
        REDIS_URL: "redis://127.0.0.1:6379/0",
        ALLOWED_HOSTS: "app.example.com",
        ...env,
      },
    });

  it("is wired into SIMPLE_JWT from JWT_SIGNING_KEY when the app's settings read none, keeping their other keys", () => {
    const k = generateKit("vps", "django-celery", { app: app("jwt") });
    kits.push(k);
    expect(k.plan.django?.jwtSigningKey).toBe("JWT_SIGNING_KEY");
    const ok = run(k.dir, "api_site.settings_production", { JWT_SIGNING_KEY: "jwt-key-for-production" });
    expect(ok.stderr).toBe("");
    expect(ok.stdout.trim()).toBe("jwt-key-for-production 0:15:00");
    const missing = run(k.dir, "api_site.settings_production", {});
    expect(missing.stderr).toContain("JWT_SIGNING_KEY is not set");
  });

  it("is left to the app when its settings read their own name", () => {
    const dir = mkdtempSync(join(tmpdir(), "jwt-own-"));
    cpSync(app("jwt"), dir, { recursive: true });
    const settings = join(dir, "api_site", "settings.py");
    writeFileSync(settings, readFileSync(settings, "utf8").replace('"ACCESS_TOKEN_LIFETIME"', '"SIGNING_KEY": os.environ["JWT_SECRET"], "ACCESS_TOKEN_LIFETIME"'));
    const k = generateKit("render", "django-celery", { app: dir });
    kits.push(k);
    rmSync(dir, { recursive: true, force: true });
    expect(k.plan.django?.jwtSigningKey).toBeUndefined();
    expect(k.plan.env.map((v) => v.name)).toContain("JWT_SECRET");
    expect(k.plan.env.map((v) => v.name)).not.toContain("JWT_SIGNING_KEY");
    expect(k.read("api_site/settings_production.py")).not.toContain("SIMPLE_JWT");
    expect(run(k.dir, "api_site.settings_production", { JWT_SECRET: "own" }).stdout.trim()).toBe("own 0:15:00");
  });
});
