// `npm run bench` (it builds first): how fast `npx create-prod-kit` is and how light its package is,
// on this machine, in one run.
//
// 1. Commands against `node -e 0` (Node starting and doing nothing), interleaved round by round so
//    load from elsewhere hits them alike: --help, --version, a full kit with --yes for each stack
//    (VPS, the platform with the most files; a fresh copy of the example app each run, in the
//    system's temporary folder), update on an unchanged kit (checked to write nothing; answered by
//    its memo, src/memo/), and, as references, the same update as a full run (its memo removed
//    before each run) and the first run of --help and of a kit with an empty code cache. Median and min–max
//    of BENCH_RUNS runs (default 30, after 3 warm-up rounds); the ratio is median / median.
// 2. The package: `npm pack` (tarball and unpacked size), then the tarball installed offline with an
//    empty npm cache into a temporary prefix: installed size and number of packages.
// 3. Detection on a repository with 100,000 files it must not read (bench/detect.mjs).
//
// Prints a Markdown table, writes it all to bench/results.json, and exits 1 when a target is missed.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { accessSync, constants, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, arch, release, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { benchDetect } from "./detect.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CLI = join(ROOT, "dist", "cli.cjs");
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const WARMUP = 3;
const STACKS = ["django-celery", "django-channels", "fastapi-chatwoot"];
const KIT = ["--platform", "vps", "--domain", "app.example.com", "--email", "ops@example.com", "--yes"];
const MB = 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), "bench-"));
const node = process.execPath;

// The CLI keeps V8's code cache in $XDG_CACHE_HOME/create-prod-kit (src/launcher.ts): the bench
// gives it a folder of its own, warm after the warm-up rounds, and an empty one for each first run.
const warmCache = join(work, "code-cache");
let firstRuns = 0;
const emptyCache = () => join(work, `empty-cache-${firstRuns++}`);

function run(args, cwd = ROOT, cacheHome = warmCache) {
  const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
  delete env.NODE_DISABLE_COMPILE_CACHE;
  const r = spawnSync(node, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r;
}

/** Deletes every update memo in a cache folder (the code cache stays). */
function removeMemos(cacheHome) {
  const dir = join(cacheHome, "create-prod-kit");
  for (const f of existsSync(dir) ? readdirSync(dir) : []) if (f.includes("-memo-")) rmSync(join(dir, f));
}

function freshApp(stack, base = work) {
  const dir = mkdtempSync(join(base, `${stack}-`));
  cpSync(join(ROOT, "examples", stack), dir, { recursive: true });
  return dir;
}

/** path → size, mode, mtime and content hash of every entry: equal before and after means nothing was written. */
function tree(dir) {
  const out = {};
  for (const rel of readdirSync(dir, { recursive: true }).map(String).sort()) {
    const st = lstatSync(join(dir, rel));
    out[rel] = [st.size, st.mode, st.mtimeMs, st.isFile() ? createHash("sha256").update(readFileSync(join(dir, rel))).digest("hex") : ""].join(" ");
  }
  return out;
}

// ---- 1. commands ------------------------------------------------------------------------------
const updateApp = freshApp("django-celery");
run([CLI, "--dir", updateApp, ...KIT]);
const updateBefore = tree(updateApp);

/** Where a tmpfs is at hand, one more kit run there shows the cost of the disk's fsync (the writer syncs every file). */
let shm;
try {
  accessSync("/dev/shm", constants.W_OK);
  shm = mkdtempSync("/dev/shm/bench-");
} catch {
  shm = undefined;
}

const commands = [
  { id: "baseline", label: "`node -e 0` (baseline)", prepare: () => ["-e", "0"] },
  { id: "help", label: "`--help`", target: 1.2, prepare: () => [CLI, "--help"] },
  { id: "version", label: "`--version`", prepare: () => [CLI, "--version"] },
  ...STACKS.map((stack) => ({
    id: `init-${stack}`,
    label: `full kit \`--yes\`, ${stack} (vps)`,
    target: 1.5,
    prepare: () => [CLI, "--dir", freshApp(stack), ...KIT],
    files: true,
  })),
  ...(shm
    ? [{ id: "init-tmpfs", label: "full kit, django-celery, on tmpfs (no disk sync; reference)", prepare: () => [CLI, "--dir", freshApp("django-celery", shm), ...KIT] }]
    : []),
  { id: "update", label: "`update`, unchanged kit (writes nothing; the memo answers)", target: 1.5, prepare: () => [CLI, "update", "--dir", updateApp] },
  {
    id: "update-full",
    label: "`update`, unchanged kit, its memo removed first: the full run (reference)",
    prepare: () => {
      removeMemos(warmCache);
      return [CLI, "update", "--dir", updateApp];
    },
  },
  // What a user meets once per command and version (`npx` on a new machine): nothing cached yet.
  { id: "first-help", label: "first run, empty code cache: `--help` (reference)", prepare: () => [CLI, "--help"], cache: emptyCache },
  {
    id: "first-init",
    label: "first run, empty code cache: full kit, django-celery (reference)",
    prepare: () => [CLI, "--dir", freshApp("django-celery"), ...KIT],
    cache: emptyCache,
    remove: true,
  },
];

const samples = Object.fromEntries(commands.map((c) => [c.id, []]));
const filesWritten = {};
for (let round = 0; round < WARMUP + RUNS; round++) {
  // A different command goes first each round.
  const order = commands.map((_, i) => commands[(i + round) % commands.length]);
  for (const c of order) {
    const args = c.prepare();
    const cacheHome = c.cache?.();
    const t = performance.now();
    const r = run(args, ROOT, cacheHome);
    const ms = performance.now() - t;
    if (round >= WARMUP) samples[c.id].push(ms);
    if (c.files) {
      filesWritten[c.id] = r.stdout.split("\n").filter((l) => /\bcreated$/.test(l)).length;
      rmSync(args[2], { recursive: true, force: true });
    }
    if (c.id === "init-tmpfs" || c.remove) rmSync(args[2], { recursive: true, force: true });
    if (cacheHome) rmSync(cacheHome, { recursive: true, force: true });
  }
}
const unchanged = JSON.stringify(tree(updateApp)) === JSON.stringify(updateBefore);

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return { median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, min: s[0], max: s[s.length - 1] };
};
const base = stats(samples.baseline);
const rows = commands.map((c) => {
  const st = stats(samples[c.id]);
  const ratio = st.median / base.median;
  const ok = c.target === undefined ? undefined : ratio <= c.target && (c.id !== "update" || unchanged) && (!c.files || filesWritten[c.id] >= 12);
  return { id: c.id, label: c.files ? `${c.label}, ${filesWritten[c.id]} files` : c.label, ...st, ratio, minRatio: st.min / base.min, target: c.target, ok };
});

// ---- 2. package -------------------------------------------------------------------------------
function npm(args, cwd) {
  const r = spawnSync("npm", args, { cwd, encoding: "utf8", env: { ...process.env, npm_config_userconfig: join(work, "npmrc") } });
  if (r.status !== 0) throw new Error(`npm ${args.join(" ")} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
writeFileSync(join(work, "npmrc"), "");
const [packed] = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", work], ROOT));
const cache = join(work, "npm-cache");
const prefix = join(work, "prefix");
mkdirSync(cache);
npm(["install", "--global", "--prefix", prefix, "--offline", "--cache", cache, "--no-audit", "--no-fund", join(work, packed.filename)], work);
const nodeModules = join(prefix, "lib", "node_modules");
let installedBytes = 0;
let installedDisk = 0;
for (const rel of readdirSync(nodeModules, { recursive: true }).map(String)) {
  const st = lstatSync(join(nodeModules, rel));
  installedDisk += st.blocks * 512;
  if (st.isFile()) installedBytes += st.size;
}
/** Installed packages: every folder with a package.json directly under a node_modules/ (or @scope/). */
function packages(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => !name.startsWith("."))
    .flatMap((name) => (name.startsWith("@") ? readdirSync(join(dir, name)).map((n) => `${name}/${n}`) : [name]))
    .flatMap((name) => (existsSync(join(dir, name, "package.json")) ? [name, ...packages(join(dir, name, "node_modules"))] : []));
}
const installedPackages = packages(nodeModules).length;
const installedVersion = spawnSync(join(prefix, "bin", "create-prod-kit"), ["--version"], { encoding: "utf8" }).stdout.trim();
const pkg = {
  tarball: packed.size,
  unpacked: packed.unpackedSize,
  files: packed.entryCount,
  installedBytes,
  installedDisk,
  installedPackages,
  installedVersion,
  ok: installedBytes <= 3 * MB && installedDisk <= 3 * MB && installedPackages <= 5,
};

// ---- 3. detection -----------------------------------------------------------------------------
const detect = await benchDetect();

// ---- report -----------------------------------------------------------------------------------
const cpu = cpus();
const machine = {
  node: process.version,
  os: `${platform()} ${release()} ${arch()}`,
  cores: cpu.length,
  cpu: cpu[0]?.model.trim(),
  loadavg: loadavg().map((l) => Number(l.toFixed(2))),
  tmpdir: tmpdir(),
};
const ms = (x) => `${x.toFixed(1)} ms`;
const kb = (x) => `${(x / 1024).toFixed(0)} KB`;
const verdict = (ok) => (ok === undefined ? "" : ok ? "met" : "**missed**");
const lines = [
  `create-prod-kit ${installedVersion}, ${machine.os}, Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load ${machine.loadavg.join(" ")}`,
  `${RUNS} runs of each command, interleaved, after ${WARMUP} warm-up rounds; ratio = median / median of \`node -e 0\``,
  "",
  "| command | median | min–max | ratio | ratio of mins | target |",
  "| --- | ---: | ---: | ---: | ---: | --- |",
  ...rows.map((r) =>
    [r.label, ms(r.median), `${r.min.toFixed(1)}–${r.max.toFixed(1)}`, `${r.ratio.toFixed(2)}×`, `${r.minRatio.toFixed(2)}×`, r.target ? `≤ ${r.target}× ${verdict(r.ok)}` : ""].join(" | ").replace(/^/, "| ").replace(/$/, " |"),
  ),
  "",
  `update on an unchanged kit wrote ${unchanged ? "nothing" : "**something**"} in ${RUNS + WARMUP} runs.`,
  "",
  "| package | size | target |",
  "| --- | ---: | --- |",
  `| \`npm pack\` tarball (${pkg.files} files) | ${kb(pkg.tarball)} | |`,
  `| unpacked | ${kb(pkg.unpacked)} | |`,
  `| installed from the tarball (\`npm install -g --offline\`), file sizes | ${kb(pkg.installedBytes)} | ≤ 3 MB ${verdict(pkg.installedBytes <= 3 * MB)} |`,
  `| installed, disk used | ${kb(pkg.installedDisk)} | ≤ 3 MB ${verdict(pkg.installedDisk <= 3 * MB)} |`,
  `| installed packages | ${pkg.installedPackages} | ≤ 5 ${verdict(pkg.installedPackages <= 5)} |`,
  "",
  ...detect.lines,
];
console.log(lines.join("\n"));
const ok = rows.every((r) => r.ok !== false) && unchanged && pkg.ok && detect.ok;
writeFileSync(
  join(ROOT, "bench", "results.json"),
  `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, warmup: WARMUP, commands: rows, updateWroteNothing: unchanged, package: pkg, detect: detect.results, ok }, null, 2)}\n`,
);
rmSync(work, { recursive: true, force: true });
if (shm) rmSync(shm, { recursive: true, force: true });
process.exitCode = ok ? 0 : 1;
