// Chatwoot used from a Django app (the fastapi-chatwoot stack lists these itself): detected from the
// CHATWOOT_* variables the code reads or Chatwoot named in the code. Webhooks are signed since
// Chatwoot 4.11.2 (X-Chatwoot-Signature).
import { user, type IntegrationSpec } from "./spec.js";

export const chatwoot: IntegrationSpec = {
  id: "chatwoot",
  title: "Chatwoot",
  packages: [],
  markers: /chatwoot/i,
  prefixes: ["CHATWOOT_"],
  imports: /chatwoot/i,
  vars: () => [
    {
      name: "CHATWOOT_URL",
      aliases: /^CHATWOOT_(?:BASE_URL|API_URL|HOST|DOMAIN|INSTANCE_URL|ENDPOINT)$/,
      description: "Base URL of your Chatwoot (Cloud or self-hosted), no trailing slash.",
      secret: false,
      source: user("https://app.chatwoot.com"),
      where: "The address your team opens Chatwoot at (`https://app.chatwoot.com` for Chatwoot Cloud).",
    },
    {
      name: "CHATWOOT_BOT_TOKEN",
      aliases: /^CHATWOOT_(?:ACCESS_TOKEN|API_TOKEN|API_ACCESS_TOKEN|TOKEN|API_KEY|AGENT_BOT_TOKEN|BOT_ACCESS_TOKEN|USER_TOKEN)$/,
      description: "Chatwoot access token the app calls the API with (api_access_token header): an agent bot's or a dedicated agent's, not an administrator's.",
      secret: true,
      source: user(),
      where: "An agent bot's token (**Settings** → **Bots** → the bot) or a dedicated agent's (**Profile Settings** → **Access Token**).",
    },
    {
      name: "CHATWOOT_ACCOUNT_ID",
      aliases: /^CHATWOOT_ACCOUNT$/,
      description: "Chatwoot account id (the number in /app/accounts/<id>/).",
      secret: false,
      source: user("1"),
      where: "The number after `/app/accounts/` in Chatwoot's address bar.",
    },
    {
      name: "CHATWOOT_INBOX_ID",
      aliases: /^CHATWOOT_INBOX$/,
      description: "Id of the Chatwoot inbox the app works with.",
      secret: false,
      source: user("1"),
      where: "**Settings** → **Inboxes** → the inbox: the number at the end of its address.",
    },
    {
      name: "CHATWOOT_WEBHOOK_SECRET",
      aliases: /^CHATWOOT_(?:HMAC_(?:SECRET|TOKEN|KEY)|SIGNING_SECRET|SECRET|WEBHOOK_TOKEN|WEBHOOK_KEY)$/,
      description: "Secret Chatwoot signs webhooks with (X-Chatwoot-Signature, Chatwoot >= 4.11.2).",
      secret: true,
      source: user(),
      where: "The webhook's secret, shown in **Settings** → **Integrations** → **Webhooks** (or in the agent bot's settings).",
    },
  ],
  webhook: {
    words: /chatwoot/i,
    register: (url) =>
      `Chatwoot → **Settings** → **Integrations** → **Webhooks** → **Add new webhook**: ${url}, with only the events the app handles (or the agent bot's webhook URL under **Settings** → **Bots**).`,
    verify: (n) =>
      `Check \`X-Chatwoot-Signature\` (\`sha256=\` and the hex HMAC-SHA256 of \`{X-Chatwoot-Timestamp}.{raw body}\`, keyed with \`${n.of("CHATWOOT_WEBHOOK_SECRET")}\`), reject timestamps more than 5 minutes away, process each \`X-Chatwoot-Delivery\` once, and answer within 5 seconds (queue slow work).`,
  },
  rotation: (n) =>
    `Reset the access token where it was issued and deploy the new \`${n.of("CHATWOOT_BOT_TOKEN")}\` at once (the old one stops working when reset); for a new webhook secret, recreate the webhook and deploy its secret with it.`,
  checklist: (n) => [
    `Chatwoot: \`${n.of("CHATWOOT_BOT_TOKEN")}\` belongs to a bot or a dedicated agent, not an administrator; Chatwoot is 4.11.2 or later, and the webhook rejects unsigned or stale deliveries.`,
  ],
};
