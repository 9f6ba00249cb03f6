// SendGrid, through its own library or django-anymail: the API key, domain authentication, and the
// signed event webhook when the app receives one. SMTP relay uses the kit's EMAIL_* instead.
import { user, type IntegrationSpec } from "./spec.js";

export const sendgrid: IntegrationSpec = {
  id: "sendgrid",
  title: "SendGrid",
  packages: ["sendgrid", { name: "django-anymail", usedWhen: /sendgrid/i }],
  prefixes: ["SENDGRID_"],
  imports: /^\s*(?:from sendgrid\b|import sendgrid\b)|anymail\.backends\.sendgrid/m,
  vars: () => [
    {
      name: "SENDGRID_API_KEY",
      aliases: /^(?:SENDGRID_(?:API_)?KEY|SENDGRID_TOKEN|ANYMAIL_SENDGRID_API_KEY)$/,
      description: "SendGrid API key (SG....) with only the Mail Send permission.",
      secret: true,
      source: user(),
      where: "SendGrid → **Settings** → **API Keys** → **Create API Key**, **Restricted Access** with only **Mail Send** (it is shown once).",
    },
  ],
  webhook: {
    words: /sendgrid/i,
    optional: true,
    register: (url) => `SendGrid → **Settings** → **Mail Settings** → **Event Webhook**: **Post URL** ${url}, with **Signed Event Webhook** on.`,
    verify: () =>
      "Check `X-Twilio-Email-Event-Webhook-Signature` over `X-Twilio-Email-Event-Webhook-Timestamp` and the raw body with the verification key SendGrid shows (ECDSA; `sendgrid.helpers.eventwebhook.EventWebhook`).",
  },
  notes: () => [
    "Through SMTP instead of the API (Django's `EMAIL_*`): `EMAIL_HOST=smtp.sendgrid.net`, `EMAIL_HOST_USER=apikey` and the API key as `EMAIL_HOST_PASSWORD`.",
  ],
  rotation: (n) => `Create a new key, deploy it as \`${n.of("SENDGRID_API_KEY")}\`, then delete the old one under **API Keys** (deleting revokes it at once).`,
  checklist: () => [
    "SendGrid: the sending domain is authenticated (**Settings** → **Sender Authentication**: its DKIM and SPF records verified), the key has only **Mail Send**, and sandbox mode is off.",
  ],
};
