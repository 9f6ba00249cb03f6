// The Dockerfile: no errors from a Dockerfile linter (dockerfile-utils), hadolint's default rules
// (hadolint itself is not installable here) and our own rules, for every combination and every
// dependency manager layout.
import { DockerfileParser, type Instruction } from "dockerfile-ast";
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

/** hadolint's default rules that apply to this kind of Dockerfile, as findings (empty = pass). */
export function hadolintFindings(text: string): string[] {
  const found: string[] = [];
  const instructions = DockerfileParser.parse(text).getInstructions();
  const stages: string[] = [];
  let shellHasPipefail = false;
  let workdirSet = false;
  let previous: Instruction | undefined;
  let lastUser: string | undefined;
  for (const ins of instructions) {
    const kw = ins.getKeyword();
    const args = (ins.getArgumentsContent() ?? "").replace(/\s+/g, " ");
    if (kw === "FROM") {
      const [image = "", , alias] = args.split(" ");
      if (!stages.includes(image) && !/[:@]/.test(image)) found.push(`DL3006 untagged image ${image}`);
      if (/:latest$/.test(image)) found.push(`DL3007 latest tag ${image}`);
      if (alias) stages.push(alias);
      workdirSet = false;
      lastUser = undefined;
    }
    if (kw === "WORKDIR") workdirSet = true;
    if (kw === "SHELL" && /pipefail/.test(args)) shellHasPipefail = true;
    if (kw === "USER") lastUser = args.trim();
    if (kw === "MAINTAINER") found.push("DL4000 MAINTAINER is deprecated");
    if (kw === "ADD" && !/^https?:/.test(args)) found.push("DL3020 use COPY instead of ADD for files");
    if ((kw === "CMD" || kw === "ENTRYPOINT") && !args.trim().startsWith("[")) found.push(`DL3025 ${kw} not in exec form`);
    if (kw === "COPY") {
      const from = (ins as unknown as { getFlags(): { getName(): string; getValue(): string }[] })
        .getFlags()
        .find((f) => f.getName() === "from");
      if (from && !stages.includes(from.getValue())) found.push(`DL3022 COPY --from=${from.getValue()} is not a previous stage`);
      const dest = args.trim().split(" ").pop() ?? "";
      if (!dest.startsWith("/") && !workdirSet) found.push("DL3045 relative COPY destination without WORKDIR");
    }
    if (kw === "RUN") {
      if (previous?.getKeyword() === "RUN") found.push("DL3059 consecutive RUN instructions");
      if (/(^|[^|])\|([^|]|$)/.test(args) && !shellHasPipefail) found.push("DL4006 pipe without SHELL -o pipefail");
      if (/(^|\s)cd\s/.test(args)) found.push("DL3003 use WORKDIR instead of cd");
      if (/\bsudo\b/.test(args)) found.push("DL3004 sudo");
      if (/apt-get (-\S+ )*install/.test(args)) {
        if (!/--no-install-recommends/.test(args)) found.push("DL3015 apt-get without --no-install-recommends");
        if (!/rm -rf \/var\/lib\/apt\/lists/.test(args)) found.push("DL3009 apt lists not deleted");
        const pkgs = args.split(/apt-get (?:-\S+ )*install/)[1]!.split("&&")[0]!.trim().split(" ").filter((w) => !w.startsWith("-"));
        for (const p of pkgs) if (!p.includes("=")) found.push(`DL3008 apt package not pinned: ${p}`);
      }
      if (/\bapt\s/.test(args)) found.push("DL3027 use apt-get, not apt");
      for (const cmd of args.split(/&&|;/)) {
        // `uv pip install` is uv, not pip: hadolint's pip rules do not apply to it.
        if (!/\bpip3? install\b/.test(cmd) || /\buv pip install\b/.test(cmd)) continue;
        if (!/--no-cache-dir/.test(cmd)) found.push("DL3042 pip install without --no-cache-dir");
        const words = cmd.split(/pip3? install/)[1]!.trim().split(" ");
        for (let i = 0; i < words.length; i++) {
          const w = words[i]!.replace(/^"|"$/g, "");
          if (w === "-r" || w === "--requirement") {
            i++;
            continue;
          }
          if (!w || w.startsWith("-") || w === "." || w.startsWith("/")) continue;
          if (!/==/.test(w)) found.push(`DL3013 pip package not pinned: ${w}`);
        }
      }
    }
    previous = ins;
  }
  if (!lastUser || lastUser === "root" || lastUser === "0") found.push("DL3002 last USER is root");
  return found;
}

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
