// Detection cost does not grow with what detection must never read: the same repository, bare and
// with 100,000 files under node_modules/ and .venv/, timed in one run. Prints a table and writes
// bench/detect-results.json. Run with `npm run bench:detect`; `npm run bench` runs it as a section.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { importSource } from "./source-module.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const FILES = Number(process.env.BENCH_FILES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

function fill(dir, count) {
  // Package-shaped trees, 100 files a folder, .py and .js alike (a real .venv is mostly .py).
  for (let i = 0; i < count; i += 100) {
    const folder = join(dir, `pkg${Math.floor(i / 100)}`, "sub");
    mkdirSync(folder, { recursive: true });
    for (let j = 0; j < 100 && i + j < count; j++) writeFileSync(join(folder, `m${j}.${j % 2 ? "py" : "js"}`), "from fastapi import FastAPI\nx = FastAPI()\n");
  }
}

function time(detectRepo, root) {
  detectRepo(root); // warm the page cache and the module
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    detectRepo(root);
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples[samples.length - 1] };
}

/** The detection section: the table's lines and the figures, with whether the target is met. */
export async function benchDetect() {
  const { detectRepo } = await importSource("src/detect/repo.ts");
  const work = mkdtempSync(join(tmpdir(), "bench-detect-"));
  try {
    const bare = join(work, "bare");
    const heavy = join(work, "heavy");
    for (const dir of [bare, heavy]) cpSync(join(ROOT, "examples", "django-celery"), dir, { recursive: true });
    fill(join(heavy, "node_modules"), FILES / 2);
    fill(join(heavy, ".venv", "lib", "python3.12", "site-packages"), FILES / 2);
    const a = time(detectRepo, bare);
    const b = time(detectRepo, heavy);
    const ratio = b.median / a.median;
    const row = (name, r) => `${name.padEnd(34)} ${r.median.toFixed(2).padStart(8)} ms  (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
    const lines = [
      `detection, median of ${RUNS} runs (min–max)`,
      row("bare repository", a),
      row(`+ ${FILES.toLocaleString("en")} files in node_modules/.venv`, b),
      `ratio ${ratio.toFixed(2)}× (target ≤ 1.2×)`,
    ];
    return { lines, results: { files: FILES, runs: RUNS, bare: a, heavy: b, ratio }, ok: ratio <= 1.2 };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { lines, results, ok } = await benchDetect();
  for (const line of lines) console.log(line);
  writeFileSync(join(ROOT, "bench", "detect-results.json"), `${JSON.stringify(results, null, 2)}\n`);
  process.exitCode = ok ? 0 : 1;
}
