// Redis over TLS where the provider requires it or the connection crosses the internet: a
// `redis://` URL to a managed provider either fails to connect or sends the password in clear.
import type { DoctorContext } from "./context.js";
import { envFiles } from "./env-files.js";
import { finding, type Check, type Finding, type Level } from "./finding.js";
import { isTestPath } from "./python-source.js";

interface Provider {
  host: RegExp;
  name: string;
  /** error: the provider refuses plain connections; warning: TLS is optional there, but the password crosses the internet. */
  level: Level;
}

const PROVIDERS: Provider[] = [
  { host: /\.upstash\.io$/, name: "Upstash (TLS only)", level: "error" },
  { host: /\.serverless\.[a-z0-9-]+\.cache\.amazonaws\.com$/, name: "ElastiCache Serverless (TLS only)", level: "error" },
  { host: /\.cache\.amazonaws\.com$/, name: "ElastiCache (refuses plain connections when in-transit encryption is on)", level: "warning" },
  { host: /^ec2-[\d-]+\.[a-z0-9-]*\.?compute(-1)?\.amazonaws\.com$/, name: "Heroku Redis (TLS only from Redis 6)", level: "error" },
  { host: /\.redis\.cache\.windows\.net$/, name: "Azure Cache for Redis (TLS only by default, port 6380)", level: "error" },
  { host: /\.db\.ondigitalocean\.com$/, name: "DigitalOcean Managed Redis/Valkey (TLS only)", level: "error" },
  { host: /-(redis|keyvalue)\.render\.com$/, name: "Render Key Value's external URL (TLS only)", level: "error" },
  { host: /(^|\.)redislabs\.com$|\.redis-cloud\.com$/, name: "Redis Cloud (refuses plain connections when TLS is on)", level: "warning" },
];

const REDIS_URL = /\bredis:\/\/[^\s"'`<>]+/g;

/** The URL with its password masked: it is a secret and doctor's output may end up in CI logs. */
export function maskUrl(url: string): string {
  return url.replace(/^(redis:\/\/[^:@/]*:)([^@/]+)@/, (_, head: string) => `${head}****@`);
}

function hostOf(url: string): string {
  const rest = url.slice("redis://".length);
  const afterAuth = rest.includes("@") ? rest.slice(rest.lastIndexOf("@") + 1) : rest;
  return afterAuth.split(/[:/?]/)[0]!.toLowerCase();
}

/** Files where a Redis URL may be written: env files, the Python code, the process files. */
function sources(ctx: DoctorContext): { path: string; text: string }[] {
  const env = envFiles(ctx.root).flatMap((path) => {
    const text = ctx.read(path);
    return text === undefined ? [] : [{ path, text }];
  });
  return [...env, ...ctx.python.filter((f) => !isTestPath(f.path)), ...ctx.processFiles];
}

export const redisTls: Check = {
  id: "redis-tls",
  level: "error",
  what: "rediss:// (TLS), not redis://, for managed Redis providers that require or expect TLS",
  why: "These providers refuse plain connections (the app then fails at its first Redis call), or accept them over the internet with the password and every message in clear.",
  fix: "Use the provider's rediss:// URL (note the double s). Celery needs ssl_cert_reqs for it: the kit's production settings set CELERY_BROKER_USE_SSL when REDIS_URL starts with rediss://.",
  run(ctx) {
    const out: Finding[] = [];
    for (const { path, text } of sources(ctx)) {
      text.split("\n").forEach((line, i) => {
        if (/^\s*(#|\/\/)/.test(line)) return;
        for (const m of line.matchAll(REDIS_URL)) {
          const provider = PROVIDERS.find((p) => p.host.test(hostOf(m[0])));
          if (!provider) continue;
          out.push(finding(this, { file: path, line: i + 1, level: provider.level, title: `redis:// to ${provider.name}: ${maskUrl(m[0])}` }));
        }
      });
    }
    return out;
  },
};

export const redisChecks: Check[] = [redisTls];
