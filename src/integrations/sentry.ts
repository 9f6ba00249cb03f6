// Sentry: the kit already lists SENTRY_DSN for every stack; this adds where to get it and its checks.
import { user, type IntegrationSpec } from "./spec.js";

export const sentry: IntegrationSpec = {
  id: "sentry",
  title: "Sentry",
  packages: ["sentry-sdk"],
  prefixes: [],
  imports: /^\s*(?:import sentry_sdk|from sentry_sdk\b)/m,
  vars: () => [
    {
      name: "SENTRY_DSN",
      description: "Sentry DSN; errors are reported only when it is set.",
      secret: true,
      source: user(),
      where: "Sentry → **Settings** → **Projects** → the project → **Client Keys (DSN)**.",
    },
  ],
  rotation: (n) =>
    `In **Client Keys (DSN)**, generate a new key, deploy it as \`${n.of("SENTRY_DSN")}\`, then disable the old key (events sent with it are dropped from then on).`,
  checklist: () => [
    "Sentry: an alert rule notifies a person of new issues and error spikes, and events carry no personal data your privacy policy does not cover (`send_default_pii` off).",
  ],
};
