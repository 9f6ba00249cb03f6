// Runs the compose file's db and redis health checks, as the container would (`sh -c` with compose's
// `$$` unescaped), against real servers started inside a private network namespace (`unshare -n`),
// so the default ports 5432 and 6379 are free whatever else runs on the host.
import { spawnSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { postgresBinDir } from "./postgres.js";

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The shell command of a CMD-SHELL health check, after compose's interpolation of `$$`. */
export function healthcheckShell(test: string[]): string {
  if (test[0] !== "CMD-SHELL" || test.length !== 2) throw new Error(`not a CMD-SHELL health check: ${JSON.stringify(test)}`);
  return test[1]!.replace(/\$\$/g, "$");
}

function runNamespaced(dir: string, script: string): Record<string, string> {
  writeFileSync(join(dir, "run.sh"), script);
  const r = spawnSync("unshare", ["-n", "bash", join(dir, "run.sh")], { encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
  if (r.status !== 0) throw new Error(`health check run failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return Object.fromEntries(r.stdout.trim().split("\n").map((line) => line.split(/=(.*)/s).slice(0, 2) as [string, string]));
}

/**
 * Exit codes of a PostgreSQL health check (and of a control command) against a server that listens
 * on its unix socket only, like the image's temporary server while it runs the init scripts, then of
 * the health check against the same server listening on TCP 127.0.0.1:5432 as well. The socket is
 * where the image has it by default, as far as client tools know (PGHOST).
 */
export function pgHealthcheckExits(command: string, control: string, dbUser: string): { socketOnly: number; socketOnlyControl: number; tcp: number } {
  const bindir = postgresBinDir();
  const dir = mkdtempSync("/tmp/pg-health-");
  try {
    chmodSync(dir, 0o755);
    const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
    chownSync(dir, id("-u"), id("-g"));
    const out = runNamespaced(
      dir,
      `set -euo pipefail
ip link set lo up
D=${q(dir)}
as_pg() { runuser -u postgres -- "$@"; }
as_pg ${q(join(bindir, "initdb"))} -D "$D/data" -U ${q(dbUser)} --auth=trust --no-sync -E UTF8 --no-locale >/dev/null
mkdir "$D/sock" && chown postgres: "$D/sock"
start() { as_pg ${q(join(bindir, "pg_ctl"))} -D "$D/data" -l "$D/log" -w -t 30 -o "-c listen_addresses=$1 -c port=5432 -c unix_socket_directories=$D/sock -c fsync=off" start >/dev/null; }
stop() { as_pg ${q(join(bindir, "pg_ctl"))} -D "$D/data" -m immediate stop >/dev/null; }
check() { env -i PATH=${q(`${bindir}:/usr/bin:/bin`)} PGHOST="$D/sock" sh -c "$1" >/dev/null 2>&1 && echo 0 || echo $?; }
trap 'stop 2>/dev/null || true' EXIT
start "''"
echo "socketOnly=$(check ${q(command)})"
echo "socketOnlyControl=$(check ${q(control)})"
stop
start 127.0.0.1
echo "tcp=$(check ${q(command)})"
`,
    );
    return { socketOnly: Number(out.socketOnly), socketOnlyControl: Number(out.socketOnlyControl), tcp: Number(out.tcp) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface RedisCheck {
  /** Exit code with the right password, then with a wrong one. */
  right: number;
  wrong: number;
  /** Every redis-cli command line the check ran (as `ps` would show it), and whether REDISCLI_AUTH was set. */
  calls: { argv: string[]; authFromEnv: boolean }[];
}

/**
 * Runs a Redis health check against redis-server (requirepass) on 127.0.0.1:6379 in a private
 * network namespace, with REDIS_PASSWORD in the environment as the container has it. redis-cli is
 * wrapped to record its argv and whether REDISCLI_AUTH was set.
 */
export function redisHealthcheck(command: string, password: string): RedisCheck {
  const dir = mkdtempSync("/tmp/redis-health-");
  try {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const real = spawnSync("sh", ["-c", "command -v redis-cli"], { encoding: "utf8" }).stdout.trim();
    writeFileSync(
      join(bin, "redis-cli"),
      `#!/bin/sh
# Records how it was called (one JSON line), then runs the real redis-cli.
python3 -c 'import json, os, sys; print(json.dumps({"argv": sys.argv[1:], "authFromEnv": "REDISCLI_AUTH" in os.environ}))' "$0" "$@" >>${q(join(dir, "calls.jsonl"))}
exec ${q(real)} "$@"
`,
    );
    chmodSync(join(bin, "redis-cli"), 0o755);
    const out = runNamespaced(
      dir,
      `set -euo pipefail
ip link set lo up
timeout 30 redis-server --bind 127.0.0.1 --port 6379 --requirepass ${q(password)} --save '' --appendonly no --dir ${q(dir)} >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  REDISCLI_AUTH=${q(password)} redis-cli ping 2>/dev/null | grep -q PONG && break
  sleep 0.05
done
: >${q(join(dir, "calls.jsonl"))}
check() { env -i PATH=${q(`${bin}:/usr/bin:/bin`)} REDIS_PASSWORD="$1" sh -c ${q(command)} >/dev/null 2>&1 && echo 0 || echo $?; }
echo "right=$(check ${q(password)})"
echo "wrong=$(check wrong-password)"
`,
    );
    const lines = readFileSync(join(dir, "calls.jsonl"), "utf8").trim();
    const calls = lines ? lines.split("\n").map((line) => JSON.parse(line) as RedisCheck["calls"][number]) : [];
    return { right: Number(out.right), wrong: Number(out.wrong), calls };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
