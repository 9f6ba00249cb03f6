// A module of src/ for a child process to import (Node cannot import .ts, and dist/ is one bundle):
// bundled by esbuild into .tmp/modules/, where its packages resolve from node_modules/.
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { buildSync } from "esbuild";
import { REPO_ROOT } from "./kit.js";

/** src/<path>.ts as an ES module file; returns its path. */
export function sourceModule(path: string): string {
  const outdir = join(REPO_ROOT, ".tmp", "modules");
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${basename(path, ".ts")}-${process.pid}.mjs`);
  buildSync({ absWorkingDir: REPO_ROOT, entryPoints: [path], outfile, bundle: true, format: "esm", platform: "node", target: "node20", packages: "external", logLevel: "warning" });
  return outfile;
}
