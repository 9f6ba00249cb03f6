// `npm run new`: scaffolds a new platform or stack as one module plus its templates, and registers it.
// Everything else (snapshots, schema checks, docs) picks the new id up from PLATFORMS / STACKS; the
// snapshot test then fails for the new combinations until their output is reviewed and recorded.
const ID = /^[a-z][a-z0-9-]{1,30}$/;
const validId = (v) => ID.test(v) || "lowercase letters, digits and dashes, e.g. fly-io";

/** @param {import('plop').NodePlopAPI} plop */
export default function (plop) {
  plop.setHelper("camel", (s) => s.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase()));

  plop.setGenerator("platform", {
    description: "a new deployment platform (one module in src/platforms/ plus its doc partials)",
    prompts: [
      { type: "input", name: "id", message: "Platform id (e.g. fly-io)", validate: validId },
      { type: "input", name: "title", message: "Display name (e.g. Fly.io)", validate: (v) => v.trim().length > 0 },
    ],
    actions: [
      { type: "add", path: "../src/platforms/{{id}}.ts", templateFile: "templates/platform.ts.hbs" },
      { type: "add", path: "../templates/partials/docs/platform/{{id}}.hbs", templateFile: "templates/platform-runbook.md.hbs" },
      { type: "add", path: "../templates/partials/docs/checklist-platform/{{id}}.hbs", templateFile: "templates/platform-checklist.md.hbs" },
      {
        type: "modify",
        path: "../src/answers.ts",
        pattern: /(export const PLATFORMS = \[[^\]]*?)\] as const;/,
        template: '$1, "{{id}}"] as const;',
      },
      {
        type: "modify",
        path: "../src/platforms/index.ts",
        pattern: /(import type \{ PlatformModule \} from "\.\/platform\.js";)/,
        template: 'import { {{camel id}} } from "./{{id}}.js";\n$1',
      },
      {
        type: "modify",
        path: "../src/platforms/index.ts",
        pattern: /(export const platforms: Record<PlatformId, PlatformModule> = \{[^}]*?) \};/,
        template: '$1, "{{id}}": {{camel id}} };',
      },
      (answers) => `Next: fill in src/platforms/${answers.id}.ts and its doc partials, run \`npm test\` (the new combinations' snapshots fail), review the output, then \`npm run snapshots:update\`.`,
    ],
  });

  plop.setGenerator("stack", {
    description: "a new application stack (one module in src/stacks/, an example app, doc partials)",
    prompts: [
      { type: "input", name: "id", message: "Stack id (e.g. flask-rq)", validate: validId },
      { type: "input", name: "title", message: "Display name (e.g. Flask + RQ)", validate: (v) => v.trim().length > 0 },
    ],
    actions: [
      { type: "add", path: "../src/stacks/{{id}}.ts", templateFile: "templates/stack.ts.hbs" },
      { type: "add", path: "../examples/{{id}}/requirements.txt", templateFile: "templates/example-requirements.txt.hbs" },
      { type: "add", path: "../examples/{{id}}/app.py", templateFile: "templates/example-app.py.hbs" },
      { type: "add", path: "../templates/partials/docs/stack/{{id}}.hbs", templateFile: "templates/stack-runbook.md.hbs" },
      { type: "add", path: "../templates/partials/docs/checklist-stack/{{id}}.hbs", templateFile: "templates/stack-checklist.md.hbs" },
      {
        type: "modify",
        path: "../src/answers.ts",
        pattern: /(export const STACKS = \[[^\]]*?)\] as const;/,
        template: '$1, "{{id}}"] as const;',
      },
      {
        type: "modify",
        path: "../src/stacks/index.ts",
        pattern: /(import type \{ StackModule \} from "\.\/stack\.js";)/,
        template: 'import { {{camel id}} } from "./{{id}}.js";\n$1',
      },
      {
        type: "modify",
        path: "../src/stacks/index.ts",
        pattern: /(export const stacks: Record<StackId, StackModule> = \{[\s\S]*?)\n\};/,
        template: '$1\n  "{{id}}": {{camel id}},\n};',
      },
      (answers) => `Next: fill in src/stacks/${answers.id}.ts, make examples/${answers.id} a real app, run \`npm test\`, review, then \`npm run snapshots:update\`.`,
    ],
  });
}
