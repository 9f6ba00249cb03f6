// Live: the secrets `create-prod-kit secrets --write` makes never leave .env.production. For every
// platform × stack on the example apps and two fixtures: a git repository with the kit (`init`),
// `secrets --write`, `git add -A`; no secret value is in git's index (so in no tracked file,
// prod-kit.yaml and .prod-kit/ included) nor in any file of the image's build context, computed
// with Docker's .dockerignore rules (@balena/dockerignore).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { STACKS, type PlatformId, type StackId } from "../src/answers.js";
import { CLI, tempDirs, useBuiltCli } from "./helpers/cli.js";
import { EXAMPLES, FIXED, FIXTURES } from "./helpers/kit.js";
import { envExampleEntries } from "./helpers/live.js";

const ignore = createRequire(import.meta.url)("@balena/dockerignore") as typeof import("@balena/dockerignore").default;

useBuiltCli();
const dirs = tempDirs();

// Each example on the VPS (the most secrets: database and Redis passwords too) and on one platform.
const OTHER: Record<StackId, PlatformId> = { "django-celery": "render", "django-channels": "railway", "fastapi-chatwoot": "easypanel" };
const CASES: { platform: PlatformId; stack: StackId; label: string; app: string; context: string }[] = [
  ...STACKS.flatMap((stack) => (["vps", OTHER[stack]] as const).map((platform) => ({ platform, stack, label: `examples/${stack}`, app: join(EXAMPLES, stack), context: "." }))),
  { platform: "vps", stack: "django-celery", label: "fixtures/django-legacy", app: join(FIXTURES, "django-legacy"), context: "." },
  // A monorepo: the image builds from backend/; .env.production sits at the repository's top.
  { platform: "render", stack: "django-channels", label: "fixtures/monorepo", app: join(FIXTURES, "monorepo"), context: "backend" },
];

const git = (dir: string, ...args: string[]) => spawnSync("git", ["-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { cwd: dir, encoding: "utf8" });
const cli = (dir: string, args: string[]) => spawnSync(process.execPath, [CLI, ...args, "--dir", dir], { encoding: "utf8" });

/** Every file under dir, as paths relative to it (posix). */
function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path, base) : [relative(base, path)];
  });
}

let checked = 0;
describe.each(CASES)("secrets stay out of git and the image: $platform × $stack, $label", ({ platform, stack, app, context }) => {
  it("no value `secrets --write` made is in git's index or the build context", () => {
    const dir = mkdtempSync(join(tmpdir(), "live-secrets-"));
    dirs.push(dir);
    cpSync(app, dir, { recursive: true });
    chmodSync(dir, 0o755);
    expect(git(dir, "init", "-q").status).toBe(0);
    const init = cli(dir, ["--platform", platform, "--stack", stack, "--domain", FIXED.domain, "--email", FIXED.email, "--name", FIXED.name, "--yes"]);
    expect(init.status, init.stderr).toBe(0);
    const write = cli(dir, ["secrets", "--write"]);
    expect(write.status, write.stderr).toBe(0);

    // The secrets it made are the values .env.production has where the example has none.
    const exampleEntries = envExampleEntries(readFileSync(join(dir, ".env.production.example"), "utf8"));
    const example = new Map(exampleEntries.map((e) => [e.name, e.value]));
    const envPath = join(dir, ".env.production");
    const written = existsSync(envPath) ? envExampleEntries(readFileSync(envPath, "utf8")) : [];
    const generated = written.filter((e) => e.value && e.value !== example.get(e.name));
    if (stack !== "fastapi-chatwoot") expect(generated.map((s) => s.name)).toContain("SECRET_KEY");
    for (const s of generated) expect(s.value.length, s.name).toBeGreaterThanOrEqual(32);
    // Then the user fills in the secrets only they have (API keys, tokens), as the runbook says.
    const userSecrets = exampleEntries.filter((e) => e.secret && !generated.some((g) => g.name === e.name) && (e.value === "" || e.value.endsWith("...")));
    const filled = userSecrets.map((e) => ({ name: e.name, value: `user-${e.name.toLowerCase()}-${randomBytes(16).toString("hex")}` }));
    const base = existsSync(envPath) ? readFileSync(envPath, "utf8") : readFileSync(join(dir, ".env.production.example"), "utf8");
    writeFileSync(envPath, filled.reduce((text, f) => text.replace(new RegExp(`^${f.name}=.*$`, "m"), `${f.name}=${f.value}`), base), { mode: 0o600 });
    const secrets = [...generated, ...filled];
    expect(secrets.length, "secrets to look for").toBeGreaterThan(0);

    // Everything git would commit.
    expect(git(dir, "add", "-A").status).toBe(0);
    const tracked = git(dir, "ls-files").stdout.split("\n").filter(Boolean);
    expect(tracked).toContain("prod-kit.yaml");
    expect(tracked.some((f) => f.startsWith(".prod-kit/"))).toBe(true);
    expect(tracked).not.toContain(".env.production");
    for (const s of secrets) {
      const found = git(dir, "grep", "--cached", "-l", "-F", "-e", s.value);
      expect(found.status, `${s.name} is in ${found.stdout}`).toBe(1);
    }
    const yaml = readFileSync(join(dir, "prod-kit.yaml"), "utf8");
    for (const s of secrets) expect(yaml.includes(s.value), s.name).toBe(false);

    // Everything `docker build` sends: the context folder, less what .dockerignore excludes.
    const root = join(dir, context);
    const ig = ignore().add(readFileSync(join(root, ".dockerignore"), "utf8"));
    const all = walk(root);
    const sent = ig.filter(all);
    expect(sent).toContain("gunicorn.conf.py");
    expect(sent.filter((f) => /(^|\/)\.env(\.|$)/.test(f) || f.startsWith(".git/"))).toEqual([]);
    for (const file of sent) {
      const content = readFileSync(join(root, file));
      for (const s of secrets) expect(content.includes(s.value), `${s.name} in ${file}`).toBe(false);
    }
    // The repository does hold them: the check would have found them had they been anywhere else.
    expect(readFileSync(join(dir, ".env.production"), "utf8")).toContain(secrets[0]!.value);
    checked++;
  });
});

describe("counts", () => {
  it("checked every case", () => {
    console.log(
      `live secrets: ${checked} kits (each example on vps and one platform, 2 fixtures): no value secrets --write made, nor the user's own secrets in .env.production, is in git's index, prod-kit.yaml or the docker build context`,
    );
    expect(checked).toBe(CASES.length);
  });
});
