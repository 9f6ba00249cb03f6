// Runs the generated nginx/nginx.conf, verbatim, with Debian's nginx inside private namespaces.
// Only the environment around the file is provided, at the paths the compose file mounts for the
// nginx container: /etc/hosts (the domain → 127.0.0.1; no compose service name: nginx must not need
// them to start), a throwaway self-signed certificate under /etc/letsencrypt/live/<domain>/, the
// generated snippets in /etc/nginx/snippets, and webroots for /var/www/certbot and /var/www/media.
// Every mount lives in a `unshare -m` namespace (private propagation), so the host's files are
// never touched. The live run adds a network namespace with a stand-in for Docker's DNS.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Kit } from "./kit.js";

const HELPERS = fileURLToPath(new URL(".", import.meta.url));
/** A host name the kit does not serve; resolves to 127.0.0.1 like the domain. */
export const FOREIGN_HOST = "evil.example.net";
export const ACME_TOKEN = "probe-token-4Jx9";
export const ACME_CONTENT = `${ACME_TOKEN}.thumbprint`;
export const MEDIA_FILE = "hello.txt";
export const MEDIA_CONTENT = "uploaded by a user\n";
/** A collected static file with a content hash in its name, as ManifestStaticFilesStorage names them. */
export const STATIC_FILE = "css/site.3f2a9c1b7e4d.css";
/** What WhiteNoise sends for such a file (WHITENOISE_MAX_AGE for immutable files: 10 years). */
export const STATIC_CACHE_CONTROL = "max-age=315360000, public, immutable";

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** nginx sizes (10m, 512k) in bytes. */
export function sizeBytes(size: string): number {
  const m = /^(\d+)([km]?)$/i.exec(size);
  if (!m) throw new Error(`not an nginx size: ${size}`);
  return Number(m[1]) * ({ "": 1, k: 1024, m: 1024 * 1024 }[m[2]!.toLowerCase()] ?? 1);
}

function chmodTree(path: string): void {
  // nginx workers run unprivileged (nobody / www-data): they must read the webroots.
  const dir = statSync(path).isDirectory();
  chmodSync(path, dir ? 0o755 : 0o644);
  if (dir) for (const entry of readdirSync(path)) chmodTree(join(path, entry));
}

export interface Sandbox {
  dir: string;
  /** Bash that sets up the mounts; run it as root inside `unshare -m`. */
  preamble: string;
  cleanup(): void;
}

/** Snippet files to write over (or beside) the generated ones, by path under nginx/snippets/. */
export type SnippetFiles = Record<string, string>;

/**
 * Bash (run as root inside `unshare -m`) that bind-mounts each [source, target] pair, making any
 * missing mount point in this namespace only. `dir` is the sandbox folder: it gets an ovl/ tmpfs.
 */
export function mountPreamble(dir: string, binds: [string, string][]): string {
  mkdirSync(join(dir, "ovl"), { recursive: true });
  return `set -euo pipefail
T=${q(dir)}
mount --make-rprivate /
mount -t tmpfs sandbox "$T/ovl"
declare -A overlaid=()
# A missing mount point is made in this namespace only: an overlay (upper layer on the tmpfs) over
# its nearest existing parent, then mkdir.
ensure_dir() {
  [[ -e $1 ]] && return 0
  local parent
  parent=$(dirname "$1")
  ensure_dir "$parent"
  if [[ -z \${overlaid[$parent]:-} ]]; then
    local n=\${#overlaid[@]}
    mkdir -p "$T/ovl/$n/upper" "$T/ovl/$n/work"
    mount -t overlay "sandbox$n" -o "lowerdir=$parent,upperdir=$T/ovl/$n/upper,workdir=$T/ovl/$n/work" "$parent"
    overlaid[$parent]=1
  fi
  mkdir "$1"
}
${binds.map(([, target]) => `ensure_dir ${q(target)}`).join("\n")}
${binds.map(([src, target]) => `mount --bind ${q(src)} ${q(target)}`).join("\n")}
`;
}

export interface SandboxOptions {
  /** The content of /etc/hosts (default: the domain and FOREIGN_HOST on 127.0.0.1). */
  hosts?: string;
  /** More [source, target] bind mounts. */
  binds?: [string, string][];
}

/** The files the compose file mounts into the nginx container, and the mounts that put them there. */
export function sandbox(kit: Kit, snippets: SnippetFiles = {}, options: SandboxOptions = {}): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), "nginx-sandbox-"));
  const domain = kit.plan.domain;
  const live = join(dir, "letsencrypt", "live", domain);
  mkdirSync(live, { recursive: true });
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", `/CN=${domain}`, "-addext", `subjectAltName=DNS:${domain}`,
      "-keyout", join(live, "privkey.pem"), "-out", join(live, "fullchain.pem")],
    { stdio: "pipe" },
  );
  copyFileSync(join(live, "fullchain.pem"), join(live, "cert.pem"));
  copyFileSync(join(live, "fullchain.pem"), join(live, "chain.pem"));
  writeFileSync(join(dir, "hosts"), options.hosts ?? `127.0.0.1 localhost ${domain} ${FOREIGN_HOST}\n`);
  cpSync(join(kit.dir, "nginx", "snippets"), join(dir, "snippets"), { recursive: true });
  for (const [path, content] of Object.entries(snippets)) {
    mkdirSync(dirname(join(dir, "snippets", path)), { recursive: true });
    writeFileSync(join(dir, "snippets", path), content);
  }
  mkdirSync(join(dir, "www", "certbot", ".well-known", "acme-challenge"), { recursive: true });
  writeFileSync(join(dir, "www", "certbot", ".well-known", "acme-challenge", ACME_TOKEN), ACME_CONTENT);
  mkdirSync(join(dir, "www", "media"), { recursive: true });
  writeFileSync(join(dir, "www", "media", MEDIA_FILE), MEDIA_CONTENT);
  for (const d of ["log", "lib"]) mkdirSync(join(dir, d));
  chmodTree(dir);
  chmodSync(join(live, "privkey.pem"), 0o600);

  const binds: [string, string][] = [
    [join(dir, "hosts"), "/etc/hosts"],
    [join(dir, "letsencrypt"), "/etc/letsencrypt"],
    [join(dir, "snippets"), "/etc/nginx/snippets"],
    [join(dir, "www", "certbot"), "/var/www/certbot"],
    [join(dir, "www", "media"), "/var/www/media"],
    // Logs and temp files of this nginx stay in the sandbox.
    [join(dir, "log"), "/var/log/nginx"],
    [join(dir, "lib"), "/var/lib/nginx"],
    ...(options.binds ?? []),
  ];
  const preamble = mountPreamble(dir, binds);
  return { dir, preamble, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ToolRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function runInNamespace(flags: string[], dir: string, script: string, timeoutMs: number): ToolRun {
  const path = join(dir, "run.sh");
  writeFileSync(path, script);
  const r = spawnSync("unshare", [...flags, "bash", path], { encoding: "utf8", timeout: timeoutMs, killSignal: "SIGKILL" });
  if (r.error) throw new Error(`unshare ${flags.join(" ")} failed: ${r.error.message}\n${r.stderr ?? ""}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `nginx -t -c <the generated nginx/nginx.conf>` inside a mount namespace (optionally with more snippets). */
export function nginxConfigTest(kit: Kit, snippets: SnippetFiles = {}): ToolRun {
  const box = sandbox(kit, snippets);
  try {
    const conf = join(kit.dir, "nginx", "nginx.conf");
    return runInNamespace(["-m"], box.dir, `${box.preamble}\nexec nginx -t -c ${q(conf)}\n`, 20_000);
  } finally {
    box.cleanup();
  }
}

export type ProbeResult = {
  error?: string;
  status?: number;
  status_line?: string;
  headers?: [string, string][];
  body?: string;
  raw_length?: number;
  upstream?: { method: string; path: string; client: string; headers: [string, string][]; body_length: number };
  closed_without_response?: boolean;
  ok?: boolean;
  alert?: string;
  version?: string;
  cipher?: string;
  alpn?: string | null;
};

/** Every value of a header (case-insensitive), in order. */
export const headerValues = (headers: [string, string][] | undefined, name: string): string[] =>
  (headers ?? []).filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v);

/**
 * Starts the generated nginx (daemon off), a stub upstream on 127.0.0.1:<plan.port> and a stand-in
 * for Docker's DNS (test/helpers/nginx-dns.py on 127.0.0.11:53) in private mount and network
 * namespaces, runs test/helpers/nginx-probe.py against it and returns its results by check name.
 * The service names do not resolve at first (checks named "down ..."); the probe then makes them
 * resolve to the stub. Every process started is bounded by `timeout` and stopped on exit.
 */
export function nginxLive(kit: Kit, serviceNames: string[]): { results: Record<string, ProbeResult>; log: string } {
  const box = sandbox(kit);
  try {
    const { plan } = kit;
    const config = join(box.dir, "probe.json");
    writeFileSync(
      config,
      JSON.stringify({
        domain: plan.domain,
        foreignHost: FOREIGN_HOST,
        upstreamPort: plan.port,
        healthPath: plan.healthPath,
        maxBodyBytes: sizeBytes(plan.answers.maxBodySize),
        acmeToken: ACME_TOKEN,
        mediaFile: MEDIA_FILE,
        staticFile: plan.routes.static ? `${plan.routes.static}${STATIC_FILE}` : null,
        websockets: plan.routes.websockets,
        asgi: plan.server.asgi,
        namesFile: join(box.dir, "dns-names"),
        serviceNames,
      }),
    );
    writeFileSync(join(box.dir, "dns-names"), "");
    const conf = join(kit.dir, "nginx", "nginx.conf");
    const script = `${box.preamble}
ip link set lo up
timeout 30 python3 ${q(join(HELPERS, "nginx-dns.py"))} "$T/dns-names" &
dns=$!
timeout 30 python3 ${q(join(HELPERS, "nginx-stub.py"))} ${plan.port} ${q(plan.routes.static ?? "")} &
stub=$!
timeout 30 nginx -c ${q(conf)} -g "daemon off; pid $T/nginx.pid;" 2>"$T/log/stderr.log" &
nginx=$!
stop() {
  kill "$nginx" "$stub" "$dns" 2>/dev/null || true
  wait || true
  cat "$T/log/stderr.log" "$T/log/error.log" >&2 2>/dev/null || true
}
trap stop EXIT
timeout 20 python3 ${q(join(HELPERS, "nginx-probe.py"))} "$T/probe.json"
`;
    const run = runInNamespace(["-m", "-n"], box.dir, script, 45_000);
    if (run.status !== 0) throw new Error(`live nginx run failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    return { results: JSON.parse(run.stdout) as Record<string, ProbeResult>, log: run.stderr };
  } finally {
    box.cleanup();
  }
}
