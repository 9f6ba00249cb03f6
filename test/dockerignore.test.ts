// .dockerignore, read with Docker's own matching rules (@balena/dockerignore is a port of them):
// secrets and local artefacts stay out of the build context at any depth, and nothing the
// Dockerfile copies or the app imports is left out.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { COMBOS, renderFiles } from "./helpers/kit.js";

// CommonJS whose types describe an ES default export: load it as what it is.
const ignore = createRequire(import.meta.url)("@balena/dockerignore") as typeof import("@balena/dockerignore").default;

const SECRETS_AND_JUNK = [
  ".env",
  ".env.production",
  "config/.env",
  "config/.env.local",
  ".envs/.production/.django",
  ".git/config",
  "backups/acme_app-20260101T000000Z.dump",
  "db.sqlite3",
  "shop/db.sqlite3",
  ".venv/bin/python",
  "node_modules/x/index.js",
  "shop/__pycache__/settings.cpython-312.pyc",
  "deploy.pem",
];

describe.each(COMBOS)("$platform × $stack", ({ platform, stack }) => {
  const { plan, files } = renderFiles(platform, stack);
  const ig = ignore().add(files.find((f) => f.path === ".dockerignore")!.content);
  const dockerfile = files.find((f) => f.path === "Dockerfile")!.content;

  it("keeps secrets and local artefacts out of the build context", () => {
    expect(SECRETS_AND_JUNK.filter((p) => !ig.ignores(p))).toEqual([]);
  });

  it("keeps everything the Dockerfile copies and the processes import", () => {
    const copied = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(" ")).filter((p) => p !== ".");
    const needed = [
      ...copied,
      "gunicorn.conf.py",
      "manage.py",
      ...files.filter((f) => f.path.endsWith(".py")).map((f) => f.path),
      `${plan.server.app.split(":")[0]!.replace(/\./g, "/")}.py`,
    ];
    expect(copied.length).toBeGreaterThan(0);
    expect(needed.filter((p) => ig.ignores(p))).toEqual([]);
  });
});
