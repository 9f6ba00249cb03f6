// VPS: docker compose with the app's processes, PostgreSQL, Redis, nginx (TLS, headers, WebSockets)
// and certbot, plus deploy and first-certificate scripts. Only nginx publishes ports.
import { appContext, type Plan, type Process } from "../plan.js";
import { yamlFile } from "../files/structured.js";
import { file, type GeneratedFile } from "../files/generated-file.js";
import { render as renderTemplate } from "../templates.js";
import { forwardedAllowIps, type PlatformModule } from "./platform.js";

/** A fixed subnet, so the app can trust proxy headers from nginx's address alone. */
export const NETWORK_SUBNET = "172.30.86.0/24";
/** Docker allocates container addresses from this half only: nothing else can take NGINX_IP. */
export const DYNAMIC_RANGE = "172.30.86.128/25";
/** Pinned so the docs can name it: the source address of connections Docker proxies (IPv6 clients). */
export const NETWORK_GATEWAY = "172.30.86.1";
export const NGINX_IP = "172.30.86.10";
const NGINX_IMAGE = "nginx:1.30-alpine";
const CERTBOT_IMAGE = "certbot/certbot:v5.10.0";
const REDIS_IMAGE = "redis:7.4-alpine";
const LOGGING = { driver: "json-file", options: { "max-size": "10m", "max-file": "5" } };

/** How long Docker waits after SIGTERM before it kills a container (its default, 10 s, cuts work off). */
export const STOP_GRACE = {
  // Gunicorn's graceful_timeout (30 s in gunicorn.conf.py) plus a margin, so requests in flight finish.
  web: "35s",
  // A Celery warm shutdown waits for the running tasks: this must exceed the longest one.
  worker: "5m",
  scheduler: "30s",
  // Both write their data out on the way down.
  db: "1m",
  redis: "1m",
} as const;

function appService(plan: Plan, p: Process): Record<string, unknown> {
  const service: Record<string, unknown> = {
    // deploy.sh moves this tag (a rollback retags :previous as :latest), so every later `up` agrees.
    image: `${plan.name}-app:latest`,
  };
  if (p.kind === "web") service.build = { context: appContext(plan), dockerfile: "Dockerfile" };
  else service.command = p.command;
  // `up` never starts the release step: deploy.sh runs it with `run` before replacing anything.
  if (p.kind === "release") service.profiles = ["release"];
  // A scheduler gets a fixed container name: compose then refuses to scale it past one.
  if (p.singleton && p.kind !== "release") service.container_name = `${plan.name}-${p.name}`;
  // init: true puts tini at PID 1 so SIGTERM reaches the server and zombies are reaped.
  service.init = true;
  service.restart = p.kind === "release" ? "no" : "unless-stopped";
  // By kind, not by stack; the release step is a one-off that only a person stops.
  if (p.kind !== "release") service.stop_grace_period = STOP_GRACE[p.kind];
  service.env_file = [".env.production"];
  const environment: Record<string, string> = {};
  if (plan.datastores.includes("postgres"))
    environment.DATABASE_URL = `postgres://${plan.dbName}:\${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env.production}@db:5432/${plan.dbName}`;
  if (plan.datastores.includes("redis"))
    environment.REDIS_URL = "redis://:${REDIS_PASSWORD:?set REDIS_PASSWORD in .env.production}@redis:6379/0";
  if (p.kind === "web") environment.FORWARDED_ALLOW_IPS = NGINX_IP;
  else environment.PROCESS_TYPE = p.name;
  service.environment = environment;
  const dependsOn: Record<string, { condition: string }> = {};
  if (plan.datastores.includes("postgres")) dependsOn.db = { condition: "service_healthy" };
  if (plan.datastores.includes("redis")) dependsOn.redis = { condition: "service_healthy" };
  // Nothing depends on the release step: compose v2 would stop the old containers before waiting
  // for it, so a failed migration would take the site down.
  service.depends_on = dependsOn;
  if (p.kind === "web") {
    service.expose = [String(plan.port)];
    if (plan.framework === "django") service.volumes = ["media:/app/media"];
  }
  service.networks = ["backend"];
  service.logging = LOGGING;
  return service;
}

/** The compose command line (templates/partials/vps/compose.hbs, shared with the scripts and docs). */
export const composeCommand = (plan: Plan): string => renderTemplate("partials/vps/compose", { plan });

export function composeDocument(plan: Plan): Record<string, unknown> {
  const services: Record<string, unknown> = {};
  for (const p of plan.processes) services[p.name] = appService(plan, p);
  services.db = {
    image: `postgres:${plan.answers.postgresVersion}`,
    restart: "unless-stopped",
    environment: {
      POSTGRES_DB: plan.dbName,
      POSTGRES_USER: plan.dbName,
      POSTGRES_PASSWORD: "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env.production}",
    },
    volumes: ["pgdata:/var/lib/postgresql/data"],
    stop_grace_period: STOP_GRACE.db,
    healthcheck: {
      // Over TCP: the image's init-time server listens on the unix socket only, and must not count.
      test: ["CMD-SHELL", `pg_isready --host=127.0.0.1 --username=${plan.dbName} --dbname=${plan.dbName}`],
      interval: "10s",
      timeout: "5s",
      retries: 5,
      start_period: "30s",
    },
    shm_size: "256mb",
    networks: ["backend"],
    logging: LOGGING,
  };
  services.redis = {
    image: REDIS_IMAGE,
    restart: "unless-stopped",
    // The password comes from the environment, so it is not in the compose file or the image.
    command: ["sh", "-c", 'exec redis-server --requirepass "$$REDIS_PASSWORD" --appendonly yes --maxmemory-policy noeviction'],
    environment: { REDIS_PASSWORD: "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env.production}" },
    volumes: ["redisdata:/data"],
    stop_grace_period: STOP_GRACE.redis,
    healthcheck: {
      // The password goes through the environment: an argument would show in `ps` on the host.
      test: ["CMD-SHELL", 'REDISCLI_AUTH="$$REDIS_PASSWORD" redis-cli ping | grep -q PONG'],
      interval: "10s",
      timeout: "5s",
      retries: 5,
    },
    networks: ["backend"],
    logging: LOGGING,
  };
  const nginxVolumes = [
    "./nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
    "./nginx/snippets:/etc/nginx/snippets:ro",
    "letsencrypt:/etc/letsencrypt:ro",
    "certbot-webroot:/var/www/certbot:ro",
  ];
  if (plan.framework === "django") nginxVolumes.push("media:/var/www/media:ro");
  services.nginx = {
    image: NGINX_IMAGE,
    restart: "unless-stopped",
    // Reload every 6 hours so renewed certificates are picked up without a restart.
    command: ["sh", "-c", "while :; do sleep 6h & wait $$!; nginx -s reload; done & exec nginx -g 'daemon off;'"],
    ports: ["80:80", "443:443"],
    volumes: nginxVolumes,
    networks: { backend: { ipv4_address: NGINX_IP } },
    logging: LOGGING,
  };
  services.certbot = {
    image: CERTBOT_IMAGE,
    restart: "unless-stopped",
    entrypoint: ["sh", "-c", "trap exit TERM; while :; do certbot renew --webroot --webroot-path /var/www/certbot --quiet; sleep 12h & wait $$!; done"],
    volumes: ["letsencrypt:/etc/letsencrypt", "certbot-webroot:/var/www/certbot"],
    networks: ["backend"],
    logging: LOGGING,
  };
  const volumes: Record<string, null> = { pgdata: null, redisdata: null, letsencrypt: null, "certbot-webroot": null };
  if (plan.framework === "django") volumes.media = null;
  return {
    services,
    volumes,
    networks: { backend: { ipam: { config: [{ subnet: NETWORK_SUBNET, ip_range: DYNAMIC_RANGE, gateway: NETWORK_GATEWAY }] } } },
  };
}

/** A compose duration ("35s", "5m") in words. */
const durationWords = (d: string): string => {
  const m = /^(\d+)(s|m)$/.exec(d);
  if (!m) throw new Error(`not a duration of seconds or minutes: ${d}`);
  const n = Number(m[1]);
  return m[2] === "s" ? `${n} s` : `${n} minute${n === 1 ? "" : "s"}`;
};

/** Facts of this platform the docs templates name (as platform.*), so they are defined once. */
const facts = {
  stopGrace: STOP_GRACE,
  gateway: NETWORK_GATEWAY,
  workerShutdown: `${durationWords(STOP_GRACE.worker)} (\`stop_grace_period: ${STOP_GRACE.worker}\` in \`docker-compose.prod.yml\`; Docker's default is 10 s)`,
};

export const vps: PlatformModule & typeof facts = {
  id: "vps",
  ...facts,
  title: "VPS (docker compose + nginx + Let's Encrypt)",
  envHint:
    "On the VPS: copy this file to .env.production next to docker-compose.prod.yml, fill it in, chmod 600 it. DATABASE_URL and REDIS_URL are built by the compose file from the passwords below.",
  env: (plan) => [
    forwardedAllowIps(NGINX_IP, "the compose file pins nginx to this address and sets it for the web service."),
    {
      name: "COMPOSE_PROJECT_NAME",
      description:
        "Compose project name, the prefix of the containers and volumes; the scripts pass it as -p. Here it reaches any other docker compose --env-file .env.production command, so another checkout folder still finds the same data.",
      secret: false,
      source: { kind: "value", value: plan.name },
    },
    {
      name: "POSTGRES_PASSWORD",
      description: "Password of the compose PostgreSQL (letters and digits only: it goes into a URL).",
      secret: true,
      source: { kind: "generated", format: "password" },
    },
    {
      name: "REDIS_PASSWORD",
      description: "Password of the compose Redis (letters and digits only: it goes into a URL).",
      secret: true,
      source: { kind: "generated", format: "password" },
    },
  ],
  datastoreExample: (store, plan) =>
    store === "postgres" ? `postgres://${plan.dbName}:POSTGRES_PASSWORD@db:5432/${plan.dbName}` : "redis://:REDIS_PASSWORD@redis:6379/0",
  oneOff: (command, plan) => `\`${composeCommand(plan)} exec web ${command}\``,
  // Not `exec web`: the migrations are needed when web is stopped (scripts/restore-db.sh leaves it so).
  runRelease: (release, plan) =>
    `\`${composeCommand(plan)} run --rm ${release}\` (a one-off container of the \`${release}\` service, from the deployed image; it needs only \`db\` and \`redis\`, so it also works while the app processes are stopped, as \`scripts/restore-db.sh\` leaves them)`,
  logs: (process, plan) => `\`${composeCommand(plan)} logs --tail 200 -f ${process}\``,
  backupNote:
    "A VPS has no backups but the ones you make: schedule scripts/backup-db.sh with cron and copy offsite (BACKUP_RCLONE_REMOTE), and take provider snapshots of the disk.",
  render(plan) {
    const ctx = {
      plan,
      web: plan.processes.find((p) => p.kind === "web"),
      release: plan.processes.find((p) => p.kind === "release"),
      datastoreServices: plan.datastores.map((d) => (d === "postgres" ? "db" : "redis")).join(" "),
      nginxIp: NGINX_IP,
    };
    const files: GeneratedFile[] = [
      yamlFile(
        "docker-compose.prod.yml",
        composeDocument(plan),
        `Production stack of ${plan.name} (${plan.stack}), generated by create-prod-kit.\nRun it with scripts/deploy.sh; first certificate with scripts/init-letsencrypt.sh (docs/RUNBOOK.md).\nOverrides belong in docker-compose.override.yml (-f both), not here.`,
      ),
      file("nginx/nginx.conf", renderTemplate("vps/nginx/nginx.conf", ctx)),
      file("nginx/snippets/custom.conf", renderTemplate("vps/nginx/snippets/custom.conf", ctx), { owner: "once" }),
      file("nginx/snippets/http.d/custom.conf", renderTemplate("vps/nginx/snippets/http.d/custom.conf", ctx), { owner: "once" }),
      file("scripts/deploy.sh", renderTemplate("vps/scripts/deploy.sh", ctx), { mode: 0o755 }),
      file("scripts/init-letsencrypt.sh", renderTemplate("vps/scripts/init-letsencrypt.sh", ctx), { mode: 0o755 }),
    ];
    return files;
  },
};
