// secrets: strong values for every secret the kit needs (SECRET_KEY, the VPS database and Redis
// passwords, keys the integrations need), printed, or with --write added to .env.production: mode
// 0600, only when git ignores that file, never replacing a value that is already there.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CliArgs } from "../cli-args.js";
import { envExample } from "../files/common.js";
import { buildPlan } from "../kit.js";
import type { EnvVar } from "../plan.js";
import { platforms } from "../platforms/index.js";
import { secretValue } from "../secret-values.js";
import { applyWrites } from "../writer.js";
import { resolveContext } from "./context.js";
import { writeOut, writeErr } from "../output.js";

export const ENV_FILE = ".env.production";

/** KEY → value of a dotenv file (the last assignment wins, as in docker compose). */
function assignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/gm)) out.set(m[1]!, m[2]!.trim());
  return out;
}

function git(root: string, args: string[]): number | undefined {
  const r = spawnSync("git", args, { cwd: root, stdio: "ignore" });
  return r.error ? undefined : (r.status ?? undefined);
}

/** Why the env file must not be written here, or undefined when git keeps it out of the repository. */
export function unsafeToWrite(root: string): string | undefined {
  if (existsSync(join(root, ".git")) && git(root, ["--version"]) === 0) {
    if (git(root, ["ls-files", "--error-unmatch", "--", ENV_FILE]) === 0) {
      return `${ENV_FILE} is tracked by git: remove it from the repository (git rm --cached ${ENV_FILE}) and rotate every secret in it`;
    }
    if (git(root, ["check-ignore", "-q", "--", ENV_FILE]) !== 0) return `${ENV_FILE} is not ignored by git: run create-prod-kit (its .gitignore block ignores .env*) or add it to .gitignore`;
    return undefined;
  }
  // No git here: the kit's own patterns in .gitignore are what will protect it once there is one.
  const ignore = existsSync(join(root, ".gitignore")) ? readFileSync(join(root, ".gitignore"), "utf8") : "";
  const patterns = ignore.split(/\r?\n/).map((l) => l.trim());
  if ([".env*", ".env.*", ENV_FILE, `/${ENV_FILE}`].some((p) => patterns.includes(p))) return undefined;
  return `${ENV_FILE} would not be ignored by git (.gitignore has no .env* line): run create-prod-kit first, or add .env* to .gitignore`;
}

export async function secrets(args: CliArgs): Promise<number> {
  const ctx = await resolveContext(args, "secrets");
  const plan = buildPlan(ctx.answers, ctx.facts);
  const needed: EnvVar[] = plan.env.filter((v) => v.source.kind === "generated");
  const path = join(ctx.root, ENV_FILE);
  const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
  const set = assignments(existing ?? "");
  const missing = needed.filter((v) => !set.get(v.name));
  const values = new Map(missing.map((v) => [v.name, secretValue(v.source.kind === "generated" ? v.source.format : undefined)]));
  if (needed.length === 0) {
    writeOut(
      `${plan.name} on ${platforms[plan.answers.platform].title} needs no secret the kit generates: the platform provides the database and Redis URLs, and the third-party keys in .env.production.example come from their services.\n`,
    );
    return 0;
  }

  if (!args.write) {
    if (values.size === 0) {
      writeOut(`Every secret the kit needs is already set in ${ENV_FILE}.\n`);
      return 0;
    }
    writeOut(`# New values for ${plan.name} (${plan.answers.platform}); --write adds them to ${ENV_FILE}.\n`);
    for (const [name, value] of values) writeOut(`${name}=${value}\n`);
    return 0;
  }
  const unsafe = unsafeToWrite(ctx.root);
  if (unsafe) {
    writeErr(`error: ${unsafe}; nothing was written\n`);
    return 1;
  }
  if (values.size === 0) {
    writeOut(`Every secret the kit needs is already set in ${ENV_FILE}; nothing was written.\n`);
    return 0;
  }
  // A new file starts from the example (every variable, commented); an existing one keeps every
  // line, and only empty or absent secrets get a value.
  let text = existing ?? envExample(plan, platforms[plan.answers.platform]).content;
  const appended: string[] = [];
  for (const [name, value] of values) {
    const line = new RegExp(`^(\\s*(?:export\\s+)?${name}\\s*=)\\s*$`, "m");
    if (line.test(text)) text = text.replace(line, `$1${value}`);
    else appended.push(`${name}=${value}`);
  }
  if (appended.length) text = `${text.replace(/\n*$/, "\n")}\n# Added by create-prod-kit secrets.\n${appended.join("\n")}\n`;
  applyWrites(ctx.root, [{ path: ENV_FILE, status: existing === undefined ? "create" : "update", content: text, mode: 0o600 }]);
  writeOut(
    `${existing === undefined ? "Created" : "Updated"} ${ENV_FILE} (mode 600) with ${[...values.keys()].join(", ")}; values already there were kept.\n` +
      (plan.answers.platform === "vps" ? "" : `On ${platforms[plan.answers.platform].title}, set these in the platform as well (docs/RUNBOOK.md).\n`),
  );
  return 0;
}
