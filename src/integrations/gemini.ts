// Gemini (Google AI Studio): google-genai reads GEMINI_API_KEY (GOOGLE_API_KEY wins when both are
// set); the older google-generativeai reads GOOGLE_API_KEY (https://ai.google.dev/gemini-api/docs/api-key).
import { user, type IntegrationSpec } from "./spec.js";

export const gemini: IntegrationSpec = {
  id: "gemini",
  title: "Gemini",
  packages: ["google-genai", "google-generativeai"],
  prefixes: ["GEMINI_"],
  imports: /^\s*(?:from google import genai|import google\.generativeai|from google\.generativeai\b|from google\.genai\b|import google\.genai)/m,
  vars: (deps) => {
    // GOOGLE_API_KEY serves both libraries; google-genai alone documents GEMINI_API_KEY.
    const legacy = deps.has("google-generativeai");
    return [
      {
        name: legacy ? "GOOGLE_API_KEY" : "GEMINI_API_KEY",
        aliases: /^(?:GEMINI_API_KEY|GOOGLE_API_KEY|GEMINI_KEY|GOOGLE_GEMINI_API_KEY|GOOGLE_AI_API_KEY|GENAI_API_KEY|GOOGLE_GENAI_API_KEY)$/,
        description: legacy
          ? "Gemini API key (google-generativeai reads GOOGLE_API_KEY)."
          : "Gemini API key (google-genai reads GEMINI_API_KEY; GOOGLE_API_KEY wins when both are set).",
        secret: true,
        source: user(),
        where: "Google AI Studio → **Get API key** (aistudio.google.com/app/apikey), in a Google Cloud project with billing enabled.",
        libraryReads: true,
      },
    ];
  },
  rotation: (n) => `Create a second key in AI Studio, deploy it as \`${n.of(n.has("GOOGLE_API_KEY") ? "GOOGLE_API_KEY" : "GEMINI_API_KEY")}\`, then delete the old one.`,
  checklist: () => [
    "Gemini: the key's project has billing enabled (on the free tier Google may use prompts to improve its products, and quotas are low), the key is restricted to the Generative Language API (Google Cloud → **APIs & Services** → **Credentials**), and quotas fit the traffic.",
  ],
};
