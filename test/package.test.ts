// The published package as `npx create-prod-kit` and `npm init prod-kit` get it: npm pack, then the
// tarball installed offline with an empty npm cache (the bundle has no dependency to fetch) into a
// temporary prefix, where it runs, generates a full kit, and stays within its size limits.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, REPO_ROOT } from "./helpers/kit.js";

useBuiltCli();
/** The limits of issue 6: what a user downloads and keeps for `npx create-prod-kit`. */
const MAX_INSTALLED_BYTES = 3 * 1024 * 1024;
const MAX_PACKAGES = 5;

const work = mkdtempSync(join(tmpdir(), "package-"));
const cache = join(work, "cache"); // empty: with --offline, anything to fetch fails the install
const prefix = join(work, "prefix");
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
let tarball: string;
let packed: { path: string }[];
afterAll(() => rmSync(work, { recursive: true, force: true }));

function npm(args: string[], cwd: string) {
  // The same npm the tests run under, offline, with its own empty cache and no user config.
  // (npm's own flags first: after `--` they would be the tool's)
  const r = spawnSync("npm", ["--offline", "--cache", cache, "--no-audit", "--no-fund", "--no-update-notifier", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, npm_config_userconfig: join(work, "npmrc"), NO_COLOR: "1" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Every file under dir (links not followed), with its size and the disk blocks it takes. */
function usage(dir: string): { files: number; bytes: number; disk: number } {
  const total = { files: 0, bytes: 0, disk: 0 };
  for (const rel of readdirSync(dir, { recursive: true }).map(String)) {
    const st = lstatSync(join(dir, rel));
    total.disk += st.blocks * 512;
    if (st.isFile()) {
      total.files++;
      total.bytes += st.size;
    }
  }
  return total;
}

/** Installed packages: every folder with a package.json directly under a node_modules/ (or @scope/). */
function packages(nodeModules: string): string[] {
  if (!existsSync(nodeModules)) return [];
  return readdirSync(nodeModules).flatMap((name) => {
    if (name.startsWith(".")) return [];
    if (name.startsWith("@")) return readdirSync(join(nodeModules, name)).map((n) => `${name}/${n}`);
    return [name];
  }).flatMap((name) => (existsSync(join(nodeModules, name, "package.json")) ? [name, ...packages(join(nodeModules, name, "node_modules"))] : []));
}

beforeAll(() => {
  mkdirSync(cache);
  writeFileSync(join(work, "npmrc"), "");
  // --ignore-scripts: dist/ is already built (vitest's globalSetup); prepack would rebuild it under
  // the feet of the other test files. `npm publish` runs prepack, so the published dist/ is fresh.
  const r = spawnSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: REPO_ROOT, encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const [info] = JSON.parse(r.stdout);
  tarball = join(work, info.filename);
  packed = info.files;
});

describe("npm pack", () => {
  it("holds the bundled CLI, the example apps, LICENSE and README, and nothing else", () => {
    const paths = packed.map((f) => f.path).sort();
    expect(paths.filter((p) => p.startsWith("dist/"))).toEqual(["dist/THIRD_PARTY_LICENSES.md", "dist/bundle.cjs", "dist/cli.cjs", "dist/memo.cjs"]);
    for (const p of ["LICENSE", "README.md", "package.json"]) expect(paths).toContain(p);
    const examples = readdirSync(EXAMPLES, { recursive: true })
      .map(String)
      .filter((rel) => lstatSync(join(EXAMPLES, rel)).isFile())
      .map((rel) => `examples/${rel}`);
    expect(examples.length).toBeGreaterThan(0);
    for (const p of examples) expect(paths).toContain(p);
    const outside = paths.filter((p) => !/^(dist\/|examples\/|LICENSE$|README\.md$|package\.json$)/.test(p));
    expect(outside).toEqual([]);
    // No sources, tests, snapshots, fixtures or template sources (they are precompiled into dist/).
    expect(paths.filter((p) => /(^|\/)(src|test|snapshots|fixtures|templates|generators|bench|scripts)\//.test(p) || /\.(ts|hbs)$/.test(p))).toEqual([]);
  });

  it("package.json: the create-* convention, engines, and no runtime dependency", () => {
    expect(pkg.name).toBe("create-prod-kit"); // so `npm init prod-kit` runs it
    expect(pkg.bin).toEqual({ "create-prod-kit": "dist/cli.cjs" });
    expect(pkg.engines.node).toBe(">=20");
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);
    expect(pkg.optionalDependencies ?? {}).toEqual({});
    expect(pkg.peerDependencies ?? {}).toEqual({});
  });
});

describe("the tarball, installed offline into a temporary prefix", () => {
  let bin: string;
  beforeAll(() => {
    const r = npm(["install", "--global", "--prefix", prefix, tarball], work);
    expect(r.code, r.out + r.err).toBe(0);
    bin = join(prefix, "bin", "create-prod-kit");
  });

  it("is one package within the size limits", () => {
    const nodeModules = join(prefix, "lib", "node_modules");
    const installed = packages(nodeModules);
    expect(installed).toEqual(["create-prod-kit"]);
    expect(installed.length).toBeLessThanOrEqual(MAX_PACKAGES);
    const size = usage(nodeModules);
    expect(size.bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
    expect(size.disk).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  });

  it("runs: --version is package.json's", () => {
    const r = spawnSync(bin, ["--version"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it("generates a full kit for an app, and for its built-in example outside one", () => {
    const app = join(work, "app");
    cpSync(join(EXAMPLES, "django-channels"), app, { recursive: true });
    chmodSync(app, 0o755);
    const r = spawnSync(bin, ["--dir", app, "--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"], { encoding: "utf8" });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const created = r.stdout.split("\n").filter((l) => /\bcreated$/.test(l));
    expect(created.length).toBeGreaterThanOrEqual(12);
    for (const f of ["Dockerfile", "docker-compose.prod.yml", "nginx/nginx.conf", "docs/RUNBOOK.md", "prod-kit.yaml"]) expect(existsSync(join(app, f)), f).toBe(true);

    const empty = join(work, "empty");
    mkdirSync(empty);
    const ex = spawnSync(bin, ["--platform", "render", "--domain", "app.example.com", "--yes"], { cwd: empty, encoding: "utf8" });
    expect(ex.status, ex.stdout + ex.stderr).toBe(0);
    expect(existsSync(join(empty, "prod-kit-example", "render.yaml"))).toBe(true);
    expect(existsSync(join(empty, "prod-kit-example", "shop", "settings.py"))).toBe(true); // the example app came along
  });

  it("`npm init prod-kit` runs it (installed in the project, so npm fetches nothing)", () => {
    const project = join(work, "project");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), '{ "name": "project", "version": "1.0.0", "private": true }\n');
    expect(npm(["install", tarball], project).code).toBe(0);
    const r = npm(["init", "prod-kit", "--", "--version"], project);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out.trim().split("\n").at(-1)).toBe(pkg.version);
  });
});
