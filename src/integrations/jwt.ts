// JWT signing with djangorestframework-simplejwt: its own key instead of SECRET_KEY, so each can be
// rotated alone. Any random string is a valid HMAC key, so a platform may generate it.
import type { IntegrationSpec } from "./spec.js";

export const JWT_SIGNING_KEY = "JWT_SIGNING_KEY";

export const jwt: IntegrationSpec = {
  id: "jwt",
  title: "JWT (Simple JWT)",
  packages: ["djangorestframework-simplejwt"],
  prefixes: ["JWT_"],
  imports: /rest_framework_simplejwt/,
  vars: () => [
    {
      name: JWT_SIGNING_KEY,
      aliases: /^(?:JWT_(?:SIGNING_KEY|SECRET|SECRET_KEY|KEY)|SIMPLE_JWT_SIGNING_KEY)$/,
      description: "Key that signs the JWTs (Simple JWT's SIGNING_KEY), separate from SECRET_KEY. Changing it logs every user out.",
      secret: true,
      source: { kind: "generated" },
      where: "A random value generated for production only, like `SECRET_KEY` but different from it.",
    },
  ],
  notes: (n) =>
    n.readAt(JWT_SIGNING_KEY)
      ? []
      : [
          `Your settings read no signing key, so the production settings set \`SIMPLE_JWT["SIGNING_KEY"]\` from \`${JWT_SIGNING_KEY}\` (for HMAC algorithms, the default \`HS256\`). The first deploy with it invalidates tokens signed with \`SECRET_KEY\`: users log in again once.`,
        ],
  rotation: (n) =>
    `Rotating \`${n.of(JWT_SIGNING_KEY)}\` invalidates every issued access and refresh token, so everyone logs in again: do it at a quiet hour, or at once if it leaked.`,
  checklist: (n) => [
    `JWT: tokens are signed with \`${n.of(JWT_SIGNING_KEY)}\`, not \`SECRET_KEY\`${n.readAt(JWT_SIGNING_KEY) ? "" : " (done by the kit: the production settings set `SIMPLE_JWT[\"SIGNING_KEY\"]`)"}; access tokens live minutes, not days, and refresh tokens rotate with the blacklist app if users must be able to log out everywhere.`,
  ],
};
