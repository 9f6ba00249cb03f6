// Wompi (Colombian payments): no Python library, so it is detected from the WOMPI_* variables the
// code reads or the API host it calls. Events are signed with a checksum (https://docs.wompi.co/docs/colombia/eventos/).
import { user, type IntegrationSpec } from "./spec.js";

const KEYS = "Wompi's merchant dashboard (comercios.wompi.co), in production mode → **Desarrolladores**";

export const wompi: IntegrationSpec = {
  id: "wompi",
  title: "Wompi",
  packages: [],
  markers: /wompi\.co\b/i,
  prefixes: ["WOMPI_"],
  imports: /wompi\.co\b/i,
  vars: () => [
    {
      name: "WOMPI_PUBLIC_KEY",
      aliases: /^WOMPI_(?:PUBLIC_KEY|PUB_KEY|PUBLIC|PUBLISHABLE_KEY)$/,
      description: "Wompi public key (pub_prod_...), used by the checkout widget.",
      secret: false,
      source: user("pub_prod_..."),
      where: `${KEYS} → **Llaves del API**: the public key (\`pub_prod_…\`).`,
    },
    {
      name: "WOMPI_PRIVATE_KEY",
      aliases: /^WOMPI_(?:PRIVATE_KEY|PRV_KEY|PRIVATE|SECRET_KEY|API_KEY)$/,
      description: "Wompi private key (prv_prod_...) for server-side API calls.",
      secret: true,
      source: user("prv_prod_..."),
      where: `${KEYS} → **Llaves del API**: the private key (\`prv_prod_…\`).`,
    },
    {
      name: "WOMPI_EVENTS_SECRET",
      aliases: /^WOMPI_(?:EVENTS?_(?:SECRET|KEY)|WEBHOOK_SECRET)$/,
      description: "Wompi events secret (prod_events_...): verifies the checksum of each event.",
      secret: true,
      source: user("prod_events_..."),
      where: `${KEYS} → **Secretos para integración técnica**: **Eventos** (\`prod_events_…\`).`,
    },
    {
      name: "WOMPI_INTEGRITY_SECRET",
      aliases: /^WOMPI_(?:INTEGRITY_(?:SECRET|KEY)|INTEGRITY)$/,
      description: "Wompi integrity secret (prod_integrity_...): signs each checkout's reference, amount and currency.",
      secret: true,
      source: user("prod_integrity_..."),
      where: `${KEYS} → **Secretos para integración técnica**: **Integridad** (\`prod_integrity_…\`).`,
    },
  ],
  webhook: {
    words: /wompi/i,
    register: (url) => `${KEYS} → **URL de eventos**: ${url} (sandbox has its own URL: keep test events out of production).`,
    verify: (n) =>
      `Recompute \`signature.checksum\` (also sent as \`X-Event-Checksum\`): SHA-256 of the values the event's \`signature.properties\` name, in order, then its \`timestamp\`, then \`${n.of("WOMPI_EVENTS_SECRET")}\`; compare in constant time and ignore events that do not match. Wompi retries until it gets \`200\` (up to 3 times in 24 hours): handle each transaction update once.`,
  },
  rotation: (n) =>
    `When a key or secret leaks, generate a new one in the dashboard (or through Wompi's support) and deploy it at once; \`${n.of("WOMPI_EVENTS_SECRET")}\` and \`${n.of("WOMPI_INTEGRITY_SECRET")}\` change with it, so expect a few failed payments in between and do it at a quiet hour.`,
  checklist: (n) => [
    "Wompi: production keys (`pub_prod_`, `prv_prod_`), not sandbox ones (`pub_test_`, `prv_test_`), and the production events URL is set.",
    `Wompi: the events endpoint checks the checksum with \`${n.of("WOMPI_EVENTS_SECRET")}\`, and the integrity signature (SHA-256 of reference, amount in cents, currency and \`${n.of("WOMPI_INTEGRITY_SECRET")}\`) is computed on the server, never in the browser.`,
  ],
};
