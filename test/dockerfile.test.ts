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
  extra: string[];
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
    extra: plan.dependencies.extra,
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
  dockerfileFor("vps", "django-celery", join(FIXTURES, "django-legacy")),
  dockerfileFor("easypanel", "fastapi-chatwoot", join(FIXTURES, "fastapi-poetry2")),
  dockerfileFor("render", "django-celery", join(FIXTURES, "django-pipenv")),
  dockerfileFor("railway", "fastapi-chatwoot", join(FIXTURES, "fastapi-reqs-prod")),
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
    if (c.manager === "pip") expect(runs).toMatch(/pip install --no-cache-dir -r requirements(\.txt|\/production\.txt)/);
    if (c.manager === "pipenv") {
      expect(runs).toMatch(/pip install --no-cache-dir "pipenv==[\d.]+"/);
      expect(runs).toContain("pipenv requirements > /tmp/requirements.txt");
      expect(instructions.filter((i) => i.getKeyword() === "COPY").map(text)).toContain(c.lockfile ? "Pipfile Pipfile.lock ./" : "Pipfile ./");
    }
    if (c.manager === "poetry") {
      expect(runs).toMatch(/poetry export --only main --format requirements\.txt/);
      // Without poetry.lock the build resolves one (and says so); with it, the lock is copied in.
      const copies = instructions.filter((i) => i.getKeyword() === "COPY").map(text);
      if (c.lockfile) expect(copies).toContain("pyproject.toml poetry.lock ./");
      else expect(copies.join("\n")).not.toContain("poetry.lock");
      expect(/poetry lock\b/.test(runs)).toBe(!c.lockfile);
    }
    if (c.manager === "uv" && c.lockfile) expect(runs).toMatch(/uv sync --locked --no-dev --no-install-project --no-cache/);
    if (c.manager === "uv" && !c.lockfile) expect(runs).toMatch(/uv pip install --no-cache --python \/opt\/venv\/bin\/python -r pyproject\.toml/);
  });

  it("adds the kit's packages without letting them change what the app resolved", () => {
    const runs = instructions.filter((i) => i.getKeyword() === "RUN").map(text).join("\n");
    if (c.extra.length === 0 || (c.manager === "uv" && !c.lockfile)) return;
    const freeze = runs.search(/freeze( --python \S+)? --exclude-editable > \/tmp\/app-constraints\.txt/);
    const constrained = runs.indexOf(`-c /tmp/app-constraints.txt ${c.extra.map((e) => `"${e}"`).join(" ")}`);
    expect(freeze).toBeGreaterThan(0);
    expect(constrained).toBeGreaterThan(freeze);
  });

  it("runs the web process as a non-root user, exec-form, on $PORT, with a health check", () => {
    expect(kw("USER").map(text)).toEqual(["app"]);
    const env = kw("ENV").map(text).join(" ");
    expect(env).toContain("PYTHONDONTWRITEBYTECODE=1");
    expect(env).toContain("PYTHONUNBUFFERED=1");
    expect(env).toContain(`PORT=${c.port}`);
    // The build-only secret never reaches the image's environment.
    expect(env).not.toMatch(/SECRET_KEY|DATABASE_URL|REDIS_URL/);
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
      // Build-only values for settings that read them on import; none of them is in the image's ENV.
      expect(runs).toMatch(
        /PROD_KIT_BUILD=1 SECRET_KEY=build-only-\S{40,} DATABASE_URL=sqlite:\/\/:memory: REDIS_URL=redis:\/\/127\.0\.0\.1:6379\/0 python manage\.py collectstatic --noinput/,
      );
      expect(kw("ENV").map(text).join(" ")).toContain(`DJANGO_SETTINGS_MODULE=${c.settings}`);
    } else {
      expect(runs).not.toMatch(/collectstatic/);
    }
  });
});

describe("layouts that need more than one file or a compiler", () => {
  const legacy = cases.find((c) => c.label.includes("django-legacy"))!;
  const instructions = DockerfileParser.parse(legacy.dockerfile).getInstructions();
  const args = (kw: string) => instructions.filter((i) => i.getKeyword() === kw).map((i) => (i.getArgumentsContent() ?? "").replace(/\s+/g, " "));

  it("copies every requirements file an -r or -c line names, at its own path", () => {
    expect(args("COPY").slice(0, 3)).toEqual([
      "requirements.txt requirements.txt",
      "requirements/base.txt requirements/base.txt",
      "requirements/constraints.txt requirements/constraints.txt",
    ]);
  });

  it("builds psycopg2 with a compiler in the builder and ships only libpq at run time", () => {
    const [builderSetup, , runtimeSetup] = args("RUN");
    expect(builderSetup).toContain("apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev");
    expect(runtimeSetup).toContain("apt-get install -y --no-install-recommends libpq5");
    expect(runtimeSetup).not.toMatch(/gcc|libpq-dev/);
  });

  it("picks the pins that still support its Django 3.2 (and psycopg2, which it has)", () => {
    expect(legacy.extra).toEqual(["whitenoise==6.7.0", "dj-database-url==2.2.0", expect.stringMatching(/^sentry-sdk==/)]);
  });
});

describe("the hadolint rule check itself", () => {
  it("honours `# hadolint ignore=` for the next instruction only", () => {
    const text = [
      "FROM python:3.12.15-slim-bookworm",
      "# hadolint ignore=DL3008",
      "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
      "COPY . /app",
      "RUN apt-get update && apt-get install -y --no-install-recommends wget && rm -rf /var/lib/apt/lists/*",
      "USER app",
    ].join("\n");
    expect(hadolintFindings(text)).toEqual(["DL3008 apt package not pinned: wget"]);
  });

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
