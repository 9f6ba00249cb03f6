// A memo hit: every read the recorded run made, made again, returns what it returned then, and
// the environment it read is the same; the run would then print the same report, so the launcher
// prints it without loading the bundle. Any difference, or any doubt, is a miss: the run happens.
import { envDigest, envValue, perform, type ReadOp } from "./digest.js";
import type { Memo } from "./file.js";

export function stillHolds(memo: Memo, env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    for (const [name, value] of memo.env) if (envValue(env[name]) !== value) return false;
    if (memo.envAll !== undefined && envDigest(env) !== memo.envAll) return false;
    // In recorded order: a changed result ends the check at the first read that differs. A read
    // made again with the same result in the recorded run is checked once.
    const checked = new Set<string>();
    for (const [op, args, digest] of memo.reads) {
      const id = `${op}\0${args}\0${digest}`;
      if (checked.has(id)) continue;
      if (perform(op as ReadOp, JSON.parse(args) as unknown[]) !== digest) return false;
      checked.add(id);
    }
    return true;
  } catch {
    return false; // a damaged memo: the full run replaces it
  }
}
