// The Dockerfile: no errors from a Dockerfile linter (dockerfile-utils), hadolint's default rules
// (hadolint itself is not installable here) and our own rules, for every combination and every
// dependency manager layout.
import { DockerfileParser, type Instruction } from "dockerfile-ast";
import { hadolintFindings } from "./helpers/hadolint.js";
import { validate } from "dockerfile-utils";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMBOS, FIXTURES, renderFiles, EXAMPLES } from "./helpers/kit.js";

interface Case {
  label: string;
  dockerfile: string;
  django: boolean;
  manager: string;
  lockfile: boolean;
  settings?: string;
  port: number;
  health: string;
}

function dockerfileFor(platform: (typeof COMBOS)[number]["platform"], stack: (typeof COMBOS)[number]["stack"], app?: string): Case {
  const { plan, files } = renderFiles(platform, stack, { app });
  return {
    label: `${platform} × ${stack}${app ? ` (${app.split("/").pop()})` : ""}`,
    dockerfile: files.find((f) => f.path === "Dockerfile")!.content,
    django: plan.framework === "django",
    manager: plan.dependencies.manager,
    lockfile: plan.dependencies.lockfile,
    settings: plan.django?.productionSettings,
    port: plan.port,
    health: plan.healthPath,
  };
}

const cases: Case[] = [
  ...COMBOS.map((c) => dockerfileFor(c.platform, c.stack)),
  dockerfileFor("render", "django-celery", join(FIXTURES, "django-uv")),
  dockerfileFor("vps", "fastapi-chatwoot", join(FIXTURES, "fastapi-reqs")),
  dockerfileFor("railway", "django-channels", join(FIXTURES, "django-poetry")),
];

describe.each(cases)("Dockerfile for $label", (c) => {
  const instructions = DockerfileParser.parse(c.dockerfile).getInstructions();
  const final = instructions.slice(instructions.map((i) => i.getKeyword()).lastIndexOf("FROM"));
  const kw = (k: string) => final.filter((i) => i.getKeyword() === k);
  const text = (i: Instruction) => (i.getArgumentsContent() ?? "").replace(/\s+/g, " ");

  it("has no linter errors (dockerfile-utils) and passes hadolint's default rules", () => {
    expect(validate(c.dockerfile).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
    expect(hadolintFindings(c.dockerfile)).toEqual([]);
  });

  it("is multi-stage on a slim, patch-pinned Python base", () => {
    const froms = instructions.filter((i) => i.getKeyword() === "FROM").map(text);
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const f of froms.filter((x) => x.startsWith("python:"))) expect(f).toMatch(/^python:3\.1[0-4]\.\d+-slim-bookworm AS \w+$/);
  });

  it("installs dependencies with the app's own manager", () => {
    const runs = instructions.filter((i) => i.getKeyword() === "RUN").map(text).join("\n");
    if (c.manager === "pip") expect(runs).toMatch(/pip install --no-cache-dir -r requirements\.txt/);
    if (c.manager === "poetry") expect(runs).toMatch(/poetry export --only main --format requirements\.txt/);
    if (c.manager === "uv" && c.lockfile) expect(runs).toMatch(/uv sync --locked --no-dev --no-install-project --no-cache/);
    if (c.manager === "uv" && !c.lockfile) expect(runs).toMatch(/uv pip install --no-cache --python \/opt\/venv\/bin\/python -r pyproject\.toml/);
  });

  it("runs the web process as a non-root user, exec-form, on $PORT, with a health check", () => {
    expect(kw("USER").map(text)).toEqual(["app"]);
    const env = kw("ENV").map(text).join(" ");
    expect(env).toContain("PYTHONDONTWRITEBYTECODE=1");
    expect(env).toContain("PYTHONUNBUFFERED=1");
    expect(env).toContain(`PORT=${c.port}`);
    // The build-only secret never reaches the image's environment.
    expect(env).not.toMatch(/SECRET_KEY/);
    const cmd = JSON.parse(text(kw("CMD")[0]!));
    expect(cmd[0]).toBe("gunicorn");
    expect(cmd).toContain("gunicorn.conf.py");
    expect(c.dockerfile).not.toMatch(/runserver|--reload|uvicorn\.workers/);
    expect(text(kw("HEALTHCHECK")[0]!)).toContain(c.health);
    expect(kw("EXPOSE").map(text)).toEqual([String(c.port)]);
  });

  it(c.django ? "collects static files at build time with a throwaway secret" : "has no Django build step", () => {
    const runs = kw("RUN").map(text).join("\n");
    if (c.django) {
      expect(runs).toMatch(/PROD_KIT_BUILD=1 SECRET_KEY=build-only-\S{40,} python manage\.py collectstatic --noinput/);
      expect(kw("ENV").map(text).join(" ")).toContain(`DJANGO_SETTINGS_MODULE=${c.settings}`);
    } else {
      expect(runs).not.toMatch(/collectstatic/);
    }
  });
});

describe("the hadolint rule check itself", () => {
  it("catches the classic mistakes", () => {
    const bad = [
      "FROM python",
      "RUN apt-get update && apt-get install -y curl",
      "RUN pip install flask | tee log",
      "ADD app.py /app/",
      "CMD python manage.py runserver",
    ].join("\n");
    const codes = hadolintFindings(bad).map((f) => f.split(" ")[0]);
    expect(codes).toEqual(expect.arrayContaining(["DL3006", "DL3015", "DL3009", "DL3008", "DL3059", "DL4006", "DL3042", "DL3013", "DL3020", "DL3025", "DL3002"]));
  });
});

it("covers every example app", () => {
  expect(cases.map((c) => c.label)).toEqual(expect.arrayContaining(COMBOS.map((c) => `${c.platform} × ${c.stack}`)));
  expect(EXAMPLES).toBeTruthy();
});
