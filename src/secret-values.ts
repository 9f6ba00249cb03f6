// Secret values made with Node's crypto (a CSPRNG), in the format the code that reads each expects.
import { randomBytes, randomInt } from "node:crypto";
import type { SecretFormat } from "./plan.js";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function secretValue(format: SecretFormat = "token"): string {
  switch (format) {
    case "token":
      // 48 bytes → 64 URL-safe characters: past Django's 50-character check, safe in any env file.
      return randomBytes(48).toString("base64url");
    case "password":
      // 32 characters from 62 (≈190 bits), nothing that needs escaping in a URL or a shell.
      return Array.from({ length: 32 }, () => ALPHANUMERIC[randomInt(ALPHANUMERIC.length)]).join("");
    case "fernet":
      // Fernet keys are 32 bytes in URL-safe base64 with padding (44 characters).
      return randomBytes(32).toString("base64url") + "=";
  }
}
