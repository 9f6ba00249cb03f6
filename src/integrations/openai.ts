// OpenAI: the API key (the library reads OPENAI_API_KEY itself) and the model.
import { user, type IntegrationSpec } from "./spec.js";

export const openai: IntegrationSpec = {
  id: "openai",
  title: "OpenAI",
  packages: ["openai"],
  prefixes: ["OPENAI_"],
  imports: /^\s*(?:from openai\b|import openai\b)/m,
  vars: () => [
    {
      name: "OPENAI_API_KEY",
      aliases: /^OPENAI_(?:API_?KEY|KEY|SECRET|SECRET_KEY|TOKEN)$/,
      description: "OpenAI API key (set a usage limit in the OpenAI dashboard).",
      secret: true,
      source: user("sk-..."),
      where: "platform.openai.com → **API keys** → **Create new secret key**, in a project used only by production.",
      libraryReads: true,
    },
    {
      name: "OPENAI_MODEL",
      aliases: /^OPENAI_(?:MODEL|CHAT_MODEL|MODEL_NAME)$/,
      description: "OpenAI model the app uses.",
      secret: false,
      source: { kind: "value", value: "gpt-4o-mini" },
      where: "The model your code asks for: changing it needs a deploy of the variable, not of the code.",
    },
  ],
  rotation: (n) => `Create a new key in the same project, deploy it as \`${n.of("OPENAI_API_KEY")}\`, then revoke the old one (**API keys** → the key → **Revoke**).`,
  checklist: () => [
    "OpenAI: a production-only project key with a monthly budget and usage alerts (**Settings** → **Limits**); the code sets timeouts and handles rate limits (`429`) and outages.",
  ],
};
