// Fernet encryption of data at rest (cryptography, django-encrypted-model-fields and the like).
// The key is a generated secret, but never a platform's generator: Fernet keys are 32 bytes in
// URL-safe base64, while Render's generateValue promises only "a base64-encoded 256-bit value".
// Python's Fernet happens to accept the standard alphabet ('+', '/') but rejects a key without its
// '=' padding, and Render states neither; other Fernet implementations want the URL-safe alphabet.
// And a key nobody copied is encrypted data lost when the service or its env group is recreated.
// So a person generates it with Fernet itself and keeps a copy (sync: false on Render).
import type { IntegrationSpec } from "./spec.js";

export const FERNET_COMMAND = `python3 -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`;

export const fernet: IntegrationSpec = {
  id: "fernet",
  title: "Fernet encryption",
  packages: [
    { name: "cryptography", usedWhen: /\bFernet\b/ },
    "django-encrypted-model-fields",
    "django-fernet-fields",
    "django-fernet-encrypted-fields",
  ],
  prefixes: [],
  imports: /^\s*from cryptography\.fernet import|encrypted_model_fields|fernet_fields/m,
  vars: (deps) => [
    {
      name: deps.has("django-encrypted-model-fields") ? "FIELD_ENCRYPTION_KEY" : "FERNET_KEY",
      aliases: /^(?:FERNET_KEYS?|FERNET_SECRET(?:_KEY)?|FIELD_ENCRYPTION_KEY|ENCRYPTION_KEY|DATA_ENCRYPTION_KEY|CRYPTOGRAPHY_KEY)$/,
      description: "Fernet key encrypting stored data (32 url-safe base64 bytes, as Fernet.generate_key() prints). Keep a copy outside the platform: without it the encrypted data cannot be read.",
      secret: true,
      source: { kind: "generated", format: "fernet", command: FERNET_COMMAND, manual: true },
      where: `Generate it once with \`${FERNET_COMMAND}\` and keep a copy in your password manager; never a platform-generated value (none promises Fernet's format, and nobody would hold a copy).`,
    },
  ],
  rotation: (n) => {
    const key = n.of(n.has("FIELD_ENCRYPTION_KEY") ? "FIELD_ENCRYPTION_KEY" : "FERNET_KEY");
    return `Never replace \`${key}\` in place: what the old key encrypted becomes unreadable. Decrypt with \`MultiFernet([Fernet(new), Fernet(old)])\`, re-encrypt the stored values (\`MultiFernet.rotate\`) in a migration or task, and only then drop the old key.`;
  },
  checklist: (n) => {
    const key = n.of(n.has("FIELD_ENCRYPTION_KEY") ? "FIELD_ENCRYPTION_KEY" : "FERNET_KEY");
    return [`Fernet: \`${key}\` is a key generated for production (not the development one) and a copy is kept outside the platform: losing it loses the encrypted data.`];
  },
};
