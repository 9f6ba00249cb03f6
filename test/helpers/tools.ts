// Tests that drive real tools fail (never skip) when a tool is missing, naming the fix.
import { spawnSync } from "node:child_process";

export const ENSURE_TOOLS = "run scripts/ensure-tools.sh (as root) to install them";

/** Throws one clear error listing every missing command. */
export function requireTools(commands: string[]): void {
  const missing = commands.filter((c) => spawnSync("sh", ["-c", `command -v "${c}"`]).status !== 0);
  if (missing.length > 0) throw new Error(`missing tools: ${missing.join(", ")}; ${ENSURE_TOOLS}`);
}

/** Mount and network namespaces need root (these tests bind-mount over /etc). */
export function requireRoot(why: string): void {
  if (process.getuid?.() !== 0) throw new Error(`${why} needs root (unshare -m/-n, bind mounts); run the tests as root, see scripts/ensure-tools.sh`);
}
