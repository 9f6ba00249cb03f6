// Every integration the kit detects, in the order the docs list them.
import { chatwoot } from "./chatwoot.js";
import { cloudinary } from "./cloudinary.js";
import { fernet } from "./fernet.js";
import { gemini } from "./gemini.js";
import { jwt } from "./jwt.js";
import { openai } from "./openai.js";
import { s3 } from "./s3.js";
import { sendgrid } from "./sendgrid.js";
import { sentry } from "./sentry.js";
import type { IntegrationSpec, VarSpec } from "./spec.js";
import { stripe } from "./stripe.js";
import { twilio } from "./twilio.js";
import { wompi } from "./wompi.js";

export const INTEGRATIONS: IntegrationSpec[] = [sentry, twilio, sendgrid, openai, gemini, stripe, wompi, s3, cloudinary, fernet, jwt, chatwoot];

export function integrationSpec(id: string): IntegrationSpec {
  const spec = INTEGRATIONS.find((s) => s.id === id);
  if (!spec) throw new Error(`unknown integration ${id}`);
  return spec;
}

/** One of its variables by the kit's name, whichever dependencies chose that name (Gemini, Fernet). */
export function varSpec(spec: IntegrationSpec, standard: string | undefined): VarSpec | undefined {
  const all = new Set(spec.packages.map((p) => (typeof p === "string" ? p : p.name)));
  return [...spec.vars(all), ...spec.vars(new Set())].find((v) => v.name === standard);
}
