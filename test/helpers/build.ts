// vitest globalSetup: builds dist/ (the bundle users run) once, before any test file starts, so the
// tests that run dist/cli.cjs in a child process run the current sources, and no two workers build at
// once. The unit tests import src/*.ts directly and do not need it.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export default function setup(): void {
  const build = spawnSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
}
