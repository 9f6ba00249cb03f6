// An app in a folder of a monorepo (backend/ beside frontend/): the image builds from that folder,
// every platform file points there, the rest of the kit stays at the repository's top, and the
// front end is named but left alone.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PLATFORMS } from "../src/answers.js";
import { detectRepo } from "../src/detect/repo.js";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { FIXTURES, renderFiles } from "./helpers/kit.js";

useBuiltCli();
const dirs = tempDirs();
const MONOREPO = join(FIXTURES, "monorepo");

it("is detected as the app in backend/ with a front end in frontend/", () => {
  expect(detectRepo(MONOREPO)).toMatchObject({
    appDir: "backend",
    root: join(MONOREPO, "backend"),
    stack: "django-channels",
    settingsModule: "config.settings.base",
    asgiApp: "config.asgi:application",
    frontend: { dir: "frontend", build: "vite build" },
  });
});

describe.each(PLATFORMS)("on %s", (platform) => {
  const { files } = renderFiles(platform, "django-channels", { app: MONOREPO });
  const paths = files.map((f) => f.path);
  const get = (p: string) => files.find((f) => f.path === p)!.content;

  it("puts the image's files in backend/ and the rest at the top", () => {
    for (const p of ["backend/Dockerfile", "backend/.dockerignore", "backend/gunicorn.conf.py", "backend/config/settings/production.py", "backend/config/settings/prod_kit_health.py"])
      expect(paths).toContain(p);
    for (const p of ["Dockerfile", "gunicorn.conf.py", "config/settings/production.py"]) expect(paths).not.toContain(p);
    for (const p of [".gitignore", ".env.production.example", "docs/RUNBOOK.md", "scripts/backup-db.sh"]) expect(paths).toContain(p);
    expect(get("docs/RUNBOOK.md")).toContain("The app lives in `backend/`");
    expect(get("docs/RUNBOOK.md")).toContain("A JavaScript front end was found in `frontend/`");
  });

  it("builds from backend/ in the platform's own terms", () => {
    if (platform === "render") {
      for (const s of (parse(get("render.yaml")) as { services: Record<string, unknown>[] }).services.filter((x) => x.runtime === "docker")) {
        expect(s).toMatchObject({ dockerContext: "./backend", dockerfilePath: "./backend/Dockerfile" });
      }
    }
    if (platform === "railway") {
      expect(paths).toContain("backend/railway.json");
      expect(JSON.parse(get("backend/railway.json")).build.dockerfilePath).toBe("Dockerfile");
      expect(get("docs/RUNBOOK.md")).toContain("**Root Directory**: `/backend`");
      expect(get("docs/RUNBOOK.md")).toContain("`/backend/railway.json`");
    }
    if (platform === "vps") expect((parse(get("docker-compose.prod.yml")) as { services: { web: { build: unknown } } }).services.web.build).toEqual({ context: "./backend", dockerfile: "Dockerfile" });
    if (platform === "easypanel") {
      for (const s of (JSON.parse(get("easypanel/template.json")) as { services: { type: string; data: { source?: { path: string } } }[] }).services.filter((x) => x.type === "app"))
        expect(s.data.source!.path).toBe("/backend");
    }
  });
});

it("through the CLI: the kit lands where it belongs, compose validates, and Django passes check --deploy from backend/", () => {
  const dir = mkdtempSync(join(tmpdir(), "monorepo-"));
  dirs.push(dir);
  cpSync(MONOREPO, dir, { recursive: true });
  chmodSync(dir, 0o755);
  const r = spawnSync(process.execPath, [CLI, "--dir", dir, "--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain("A JavaScript front end is in frontend/");
  for (const p of ["prod-kit.yaml", "backend/Dockerfile", "docker-compose.prod.yml", "nginx/nginx.conf", ".prod-kit/manifest.json"]) expect(existsSync(join(dir, p)), p).toBe(true);
  expect(readFileSync(join(dir, "frontend/package.json"), "utf8")).toContain("vite build");
  writeFileSync(join(dir, ".env.production"), "POSTGRES_PASSWORD=pw123\nREDIS_PASSWORD=pw456\n");
  const config = spawnSync("docker-compose", ["-f", "docker-compose.prod.yml", "--env-file", ".env.production", "config", "-q"], { cwd: dir, encoding: "utf8" });
  expect(config.status, config.stderr).toBe(0);
  const check = spawnSync("/usr/bin/python3", ["manage.py", "check", "--deploy"], {
    cwd: join(dir, "backend"),
    encoding: "utf8",
    env: {
      PATH: process.env.PATH,
      DJANGO_SETTINGS_MODULE: "config.settings.production",
      SECRET_KEY: "k3y-".repeat(15) + "Zq9!",
      DATABASE_URL: "postgres://app:pw@127.0.0.1:5432/app",
      REDIS_URL: "redis://127.0.0.1:6379/0",
      ALLOWED_HOSTS: "app.example.com",
    },
  });
  expect(`${check.stdout}${check.stderr}`.trim()).toBe("System check identified no issues (0 silenced).");
  // update finds the app again from the top.
  const again = spawnSync(process.execPath, [CLI, "update", "--dir", dir], { encoding: "utf8" });
  expect(again.stdout).toContain("0 file(s) written.");
});
