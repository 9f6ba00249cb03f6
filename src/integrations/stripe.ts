// Stripe: live keys and a signed webhook (Stripe-Signature).
import { user, type IntegrationSpec } from "./spec.js";

export const stripe: IntegrationSpec = {
  id: "stripe",
  title: "Stripe",
  packages: ["stripe"],
  prefixes: ["STRIPE_"],
  imports: /^\s*(?:import stripe\b|from stripe\b)/m,
  vars: () => [
    {
      name: "STRIPE_SECRET_KEY",
      aliases: /^STRIPE_(?:SECRET|API_KEY|API_SECRET|KEY|SK|PRIVATE_KEY|LIVE_SECRET_KEY)$/,
      description: "Stripe secret key (sk_live_... or a restricted rk_live_...): server side only.",
      secret: true,
      source: user("sk_live_..."),
      where: "Stripe Dashboard → **Developers** → **API keys** → **Secret key** (`sk_live_…`), or better a **restricted key** (`rk_live_…`) with only the permissions the app uses.",
    },
    {
      name: "STRIPE_PUBLISHABLE_KEY",
      aliases: /^STRIPE_(?:PUBLISHABLE|PUBLIC_KEY|PUBLIC|PK|LIVE_PUBLIC_KEY|LIVE_PUBLISHABLE_KEY)$/,
      description: "Stripe publishable key (pk_live_...), the one the browser may see.",
      secret: false,
      source: user("pk_live_..."),
      where: "Stripe Dashboard → **Developers** → **API keys** → **Publishable key** (`pk_live_…`).",
    },
    {
      name: "STRIPE_WEBHOOK_SECRET",
      aliases: /^(?:STRIPE_(?:WEBHOOK_(?:SIGNING_)?(?:SECRET|KEY)|ENDPOINT_SECRET|SIGNING_SECRET|WH_SECRET|WEBHOOK)|DJSTRIPE_WEBHOOK_SECRET)$/,
      description: "Signing secret of the Stripe webhook endpoint (whsec_...), checked against Stripe-Signature.",
      secret: true,
      source: user("whsec_..."),
      where: "The webhook endpoint's **Signing secret** (`whsec_…`), shown once the endpoint below exists.",
    },
  ],
  webhook: {
    words: /stripe/i,
    register: (url) => `Stripe Dashboard, in live mode → **Developers** → **Webhooks** → **Add endpoint**: ${url}, with only the events the app handles.`,
    verify: (n) =>
      `\`stripe.Webhook.construct_event(raw_body, request.headers["Stripe-Signature"], ${n.of("STRIPE_WEBHOOK_SECRET")})\` on the raw request body, not re-serialised JSON (it also rejects deliveries older than 5 minutes); process each event id once, since Stripe retries.`,
  },
  rotation: (n) =>
    `**API keys** → **Roll key**, giving the old key an expiry (an hour, say) so running processes keep working until \`${n.of("STRIPE_SECRET_KEY")}\` is deployed; the endpoint's signing secret rolls the same way (**Webhooks** → the endpoint → **Roll secret**).`,
  checklist: (n) => [
    `Stripe: live keys (\`sk_live_\`, \`pk_live_\`), not test keys (\`sk_test_\`), and \`${n.of("STRIPE_WEBHOOK_SECRET")}\` is the live endpoint's secret (test and live endpoints have different ones).`,
    "Stripe: the webhook verifies `Stripe-Signature` on the raw body, answers `2xx` quickly and handles each event once.",
  ],
};
