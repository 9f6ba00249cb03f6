// Test helpers: generate a real kit for any platform × stack into a temporary copy of an app.
import { cpSync, mkdtempSync, readFileSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORMS, STACKS, parseAnswers, type PlatformId, type StackId } from "../../src/answers.js";
import { detectRepo } from "../../src/detect/repo.js";
import type { GeneratedFile } from "../../src/files/generated-file.js";
import { buildPlan, renderKit } from "../../src/kit.js";
import type { Plan } from "../../src/plan.js";
import { detectedAnswers } from "../../src/resolve-answers.js";
import { applyWrites, planWrites } from "../../src/writer.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const EXAMPLES = join(REPO_ROOT, "examples");
export const FIXTURES = join(REPO_ROOT, "test", "fixtures");
export const SHARED = join(REPO_ROOT, "..", "shared");
/** The platforms' JSON schemas, copied from ../shared/schemas so a plain clone runs every test. */
export const SCHEMAS = join(FIXTURES, "schemas");

export const COMBOS: { platform: PlatformId; stack: StackId }[] = PLATFORMS.flatMap((platform) =>
  STACKS.map((stack) => ({ platform, stack })),
);

/** The fixed answers used by snapshots and validators. */
export const FIXED = { domain: "app.example.com", email: "ops@example.com", name: "acme-app" };

export interface Kit {
  dir: string;
  plan: Plan;
  files: GeneratedFile[];
  read(path: string): string;
  cleanup(): void;
}

/** Copies an app (examples/<stack> by default) to a temp dir and writes the kit into it. */
export function generateKit(
  platform: PlatformId,
  stack: StackId,
  opts: { app?: string; answers?: Record<string, unknown> } = {},
): Kit {
  const dir = mkdtempSync(join(tmpdir(), `kit-${platform}-${stack}-`));
  cpSync(opts.app ?? join(EXAMPLES, stack), dir, { recursive: true });
  chmodSync(dir, 0o755);
  const facts = detectRepo(dir);
  const answers = parseAnswers(detectedAnswers(facts, { platform, stack, ...FIXED, ...opts.answers }, false));
  const plan = buildPlan(answers, facts);
  const files = renderKit(plan);
  applyWrites(dir, planWrites(dir, files, { force: false }));
  return {
    dir,
    plan,
    files,
    read: (path) => readFileSync(join(dir, path), "utf8"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Renders the kit's files in memory only (no disk), for fast checks over all combinations. */
export function renderFiles(platform: PlatformId, stack: StackId, opts: { app?: string; answers?: Record<string, unknown> } = {}) {
  const facts = detectRepo(opts.app ?? join(EXAMPLES, stack));
  const answers = parseAnswers(detectedAnswers(facts, { platform, stack, ...FIXED, ...opts.answers }, false));
  const plan = buildPlan(answers, facts);
  return { plan, files: renderKit(plan) };
}
