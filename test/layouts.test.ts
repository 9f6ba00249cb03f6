// Every app layout (the three examples and fixtures laid out differently) × every platform generates
// a kit whose platform files validate against their schemas and whose Dockerfile passes the rules.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLATFORMS } from "../src/answers.js";
import { detectRepo } from "../src/detect/repo.js";
import { hadolintFindings } from "./helpers/hadolint.js";
import { EXAMPLES, FIXTURES, renderFiles, SCHEMAS } from "./helpers/kit.js";

const schema = (name: string) => JSON.parse(readFileSync(join(SCHEMAS, name), "utf8"));
const render = new Ajv2020.default({ strict: false }).compile(schema("render.schema.json"));
const railway = new Ajv.default({ allowUnionTypes: true }).compile(schema("railway.schema.derived.json"));
const easypanel = new Ajv.default().compile(schema("easypanel-template.schema.json"));

const APPS = [
  join(EXAMPLES, "django-celery"),
  join(EXAMPLES, "django-channels"),
  join(EXAMPLES, "fastapi-chatwoot"),
  join(FIXTURES, "django-uv"),
  join(FIXTURES, "fastapi-reqs"),
  join(FIXTURES, "django-poetry"),
  join(FIXTURES, "django-legacy"),
  join(FIXTURES, "fastapi-poetry2"),
  join(FIXTURES, "django-pipenv"),
  join(FIXTURES, "fastapi-reqs-prod"),
  join(FIXTURES, "ambiguous"),
  join(FIXTURES, "monorepo"),
  // One app per integration (test/integrations.test.ts), plus names from the code and none at all.
  ...readdirSync(join(FIXTURES, "integrations"))
    .sort()
    .map((name) => join(FIXTURES, "integrations", name)),
];
const cases = APPS.flatMap((app) => PLATFORMS.map((platform) => ({ app, platform, label: `${app.split("/").slice(-2).join("/")} on ${platform}` })));

describe.each(cases)("$label", ({ app, platform }) => {
  it("generates valid platform files and a clean Dockerfile with the detected stack", () => {
    const facts = detectRepo(app);
    const stack = facts.stack ?? facts.stackChoices![0]!.stack;
    const { files } = renderFiles(platform, stack, { app });
    const get = (p: string) => files.find((f) => f.path === p)?.content;
    if (platform === "render") expect(render(parse(get("render.yaml")!)), JSON.stringify(render.errors)).toBe(true);
    if (platform === "railway") {
      for (const f of files.filter((x) => x.path.startsWith("railway"))) expect(railway(JSON.parse(f.content)), f.path).toBe(true);
    }
    if (platform === "easypanel") expect(easypanel(JSON.parse(get("easypanel/template.json")!)), JSON.stringify(easypanel.errors)).toBe(true);
    if (platform === "vps") expect(get("docker-compose.prod.yml")).toBeDefined();
    expect(hadolintFindings(get(facts.appDir ? `${facts.appDir}/Dockerfile` : "Dockerfile")!)).toEqual([]);
  });
});
