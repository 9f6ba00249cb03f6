// Twilio (SMS, WhatsApp, Verify): account credentials, the sender, and signed webhooks.
import { user, type IntegrationSpec } from "./spec.js";

export const twilio: IntegrationSpec = {
  id: "twilio",
  title: "Twilio",
  packages: ["twilio"],
  prefixes: ["TWILIO_"],
  imports: /^\s*(?:from twilio\b|import twilio\b)/m,
  vars: () => [
    {
      name: "TWILIO_ACCOUNT_SID",
      aliases: /^TWILIO_(?:ACCOUNT_?SID|SID|ACCOUNT|ACCOUNT_ID)$/,
      description: "Twilio Account SID (AC...).",
      secret: false,
      source: user("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
      where: "Twilio Console → **Account Info** on the home page: **Account SID** (`AC…`).",
      libraryReads: true,
    },
    {
      name: "TWILIO_AUTH_TOKEN",
      aliases: /^TWILIO_(?:AUTH_?TOKEN|TOKEN|AUTH|SECRET)$/,
      description: "Twilio Auth Token: authenticates API calls and signs webhooks (X-Twilio-Signature).",
      secret: true,
      source: user(),
      where: "Twilio Console → **Account Info**: **Auth Token** (the live one, not the test credentials).",
      libraryReads: true,
    },
    {
      name: "TWILIO_PHONE_NUMBER",
      aliases: /^TWILIO_(?:PHONE_NUMBER|PHONE|NUMBER|FROM_NUMBER|FROM|SMS_FROM|SMS_NUMBER|SENDER|CALLER_ID)$/,
      description: "Twilio number messages are sent from, in E.164 form (+14155550100).",
      secret: false,
      source: user("+14155550100"),
      where: "Twilio Console → **Phone Numbers** → **Manage** → **Active numbers**.",
    },
    {
      name: "TWILIO_WHATSAPP_NUMBER",
      aliases: /^(?:TWILIO_WHATSAPP_(?:NUMBER|FROM|SENDER|PHONE|PHONE_NUMBER)|WHATSAPP_(?:FROM|NUMBER|SENDER))$/,
      description: "WhatsApp sender, as whatsapp:+E.164: your approved WhatsApp Business number, not the sandbox's.",
      secret: false,
      source: user("whatsapp:+14155550100"),
      where: "Twilio Console → **Messaging** → **Senders** → **WhatsApp senders** (an approved sender, not the sandbox).",
      optional: true,
    },
  ],
  webhook: {
    words: /twilio|whatsapp|sms/i,
    register: (url) =>
      `Twilio Console → **Phone Numbers** → **Active numbers** → the number → **Messaging**: “A message comes in” → **Webhook** ${url}, **HTTP POST** (a WhatsApp sender has the same setting under **Messaging** → **Senders**).`,
    verify: (n) =>
      `Validate \`X-Twilio-Signature\` with \`twilio.request_validator.RequestValidator\` and \`${n.of("TWILIO_AUTH_TOKEN")}\`, against the exact public URL Twilio called (\`https://\`, with its query string) and the POST parameters; answer \`403\` when it does not match.`,
  },
  rotation: (n) =>
    `Console → **Account** → **API keys & tokens** → **Request a secondary token**, deploy it as \`${n.of("TWILIO_AUTH_TOKEN")}\`, then **Promote** it to primary: the old token stops working at once, for API calls and webhook signatures alike.`,
  checklist: (n) => [
    `Twilio: the account is upgraded (a trial reaches only verified numbers and prefixes every message) and \`${n.of("TWILIO_AUTH_TOKEN")}\` is the live token, not the test credentials.`,
    "Twilio: every webhook rejects requests whose `X-Twilio-Signature` does not validate.",
    ...(n.has("TWILIO_WHATSAPP_NUMBER")
      ? [`Twilio WhatsApp: \`${n.of("TWILIO_WHATSAPP_NUMBER")}\` is your approved WhatsApp Business sender, not the sandbox's \`whatsapp:+14155238886\`, and the message templates are approved.`]
      : []),
  ],
};
