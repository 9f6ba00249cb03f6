// Benchmarks time functions of src/ directly (detection): this bundles one source module with esbuild
// into .tmp/bench/ and returns its URL to import, since the published dist/ is a single bundle.
import { mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as esbuild from "esbuild";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** Imports src/<path>.ts, bundled (its dependencies included), as an ES module. */
export async function importSource(path) {
  const outdir = join(ROOT, ".tmp", "bench");
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `${basename(path, ".ts")}.mjs`);
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [path],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}
