// Django settings as production runs them (django-settings.ts picks the module): DEBUG, SECRET_KEY,
// ALLOWED_HOSTS and WhiteNoise. The kit's production settings get these right; these checks say
// whether the settings production actually runs do.
import type { DoctorContext } from "./context.js";
import { readSettings, type Assigned, type DjangoSettings } from "./django-settings.js";
import { finding, type Check, type Finding } from "./finding.js";
import { envRead, evalFlag } from "./python-env.js";
import { stringLiteral, stringLiterals } from "./python-source.js";

export function djangoSkip(ctx: DoctorContext): string | undefined {
  if (!ctx.isDjango) return "not a Django app";
  if (!ctx.django) return "no settings module found (DJANGO_SETTINGS_MODULE in a deploy file, wsgi.py, asgi.py or manage.py)";
  return undefined;
}

const where = (a: { path: string; line: number }) => ({ file: a.path, line: a.line });

/** "in shop/settings.py, the settings production runs (...)", or which module brought it in. */
function inProduction(v: Assigned, s: DjangoSettings): string {
  return v.path === s.path
    ? `in ${s.path}, the settings production runs (${s.source})`
    : `in ${v.path}, which ${s.path} imports without overriding it (production runs ${s.path}: ${s.source})`;
}

/** The settings production runs, and the kit's production settings too when they are a different module. */
function settingsToCheck(ctx: DoctorContext): DjangoSettings[] {
  const s = ctx.django!;
  const kit = s.kitProduction;
  if (!kit || kit.path === s.path) return [s];
  const kitSettings = readSettings(ctx.python, kit.module, "the kit's production settings");
  return kitSettings ? [s, kitSettings] : [s];
}

export const debugOff: Check = {
  id: "debug-off",
  level: "error",
  what: "DEBUG is off by default in the settings production runs (and in the kit's production settings)",
  why: "With DEBUG on, an error page shows your settings, environment and source code to whoever causes it, and every SQL query is kept in memory.",
  fix: 'Set DEBUG = False in the production settings, or read it with a false default: DEBUG = os.environ.get("DEBUG", "0") == "1". The kit\'s production settings do this.',
  skip: djangoSkip,
  run(ctx) {
    const out: Finding[] = [];
    for (const s of settingsToCheck(ctx)) {
      const v = s.value("DEBUG");
      if (!v) continue; // Django's default is False
      if (!v.expr && v.conditional) {
        out.push(
          finding(this, {
            ...where(v.conditional),
            level: "info",
            title: "DEBUG is set only inside a block (if/try): doctor cannot tell which branch production takes",
            fix: "Make sure the branch production takes sets DEBUG = False, or set it unconditionally from the environment.",
          }),
        );
        continue;
      }
      const flag = evalFlag(v.expr);
      const conditional = v.conditional
        ? { level: "info" as const, fix: `Make sure production takes the branch at ${v.conditional.path}:${v.conditional.line} that turns it off. ${this.fix}` }
        : {};
      if (flag.kind === "literal" && flag.on) out.push(finding(this, { ...where(v), title: `DEBUG = True ${inProduction(v, s)}`, ...conditional }));
      else if (flag.kind === "env" && flag.on) {
        out.push(finding(this, { ...where(v), title: `DEBUG is on when ${flag.read.variable} is not set in the environment (its default turns it on)`, ...conditional }));
      } else if (flag.kind === "raw-string") {
        out.push(
          finding(this, {
            ...where(v),
            level: flag.on && !v.conditional ? "error" : "warning",
            title: `DEBUG is the raw string of ${flag.read.variable}${flag.on ? ", on by default" : ""}: ${flag.read.variable}=False or 0 turns debug ON (any non-empty string is true)`,
          }),
        );
      } else if (flag.kind === "unknown") {
        out.push(finding(this, { ...where(v), level: "info", title: "doctor cannot tell what DEBUG is in production from this expression", fix: "Make sure it is False when the environment does not turn it on." }));
      }
    }
    return out;
  },
};

type SecretSource = "literal" | "fallback" | "env" | "other";

function secretSource(expr: string): SecretSource {
  if (stringLiteral(expr) !== undefined || /^f["']/.test(expr.trim())) return "literal";
  const read = envRead(expr);
  if (read) return read.fallback?.kind === "str" && read.fallback.value !== "" ? "fallback" : "env";
  return "other";
}

export const secretKeyEnv: Check = {
  id: "secret-key-env",
  level: "error",
  what: "SECRET_KEY is read from the environment, not a string in the code",
  why: "Anyone who can read the repository can sign session cookies, password-reset links and any other signed value with a key that is in it.",
  fix: 'Read it from the environment without a usable fallback: SECRET_KEY = os.environ["SECRET_KEY"] (the kit\'s production settings do), generate it with python -c "import secrets; print(secrets.token_urlsafe(50))", and rotate the committed one.',
  skip: djangoSkip,
  run(ctx) {
    const s = ctx.django!;
    const v = s.value("SECRET_KEY");
    if (!v) return [];
    const source = secretSource(v.expr);
    if (source === "literal") return [finding(this, { ...where(v), title: `SECRET_KEY is a string ${inProduction(v, s)}` })];
    if (source === "fallback") {
      return [finding(this, { ...where(v), title: "SECRET_KEY falls back to a string in the code when the environment does not set it" })];
    }
    // Read from the environment: a literal in a module it overrides is a development key in the repository.
    const overridden = s.all("SECRET_KEY").filter((a) => (a.path !== v.path || a.line !== v.line) && secretSource(a.expr) !== "env" && secretSource(a.expr) !== "other");
    const by = s.kitProduction?.path === v.path ? `the kit's production settings (${v.path})` : v.path;
    return overridden.slice(0, 1).map((a) =>
      finding(this, {
        ...where(a),
        level: "warning",
        title: `a SECRET_KEY string in ${a.path} is overridden in production by ${by}, which reads it from the environment`,
        why: "Production does not use it, but it is in the repository: whatever runs with those settings (manage.py defaults to them, staging, a teammate's server) signs with a key everyone with the code knows.",
        fix: "Read it from the environment there too (a local .env for development), or make it an obviously fake development value, and never copy it to a server.",
      }),
    );
  },
};

function hostsProblem(v: Assigned, s: DjangoSettings): string | undefined {
  const expr = v.expr.trim();
  if (/^[[(]/.test(expr)) {
    const hosts = stringLiterals(expr);
    if (hosts.includes("*")) return 'ALLOWED_HOSTS contains "*": any Host header is accepted';
    if (/^[[(]\s*[\])]$/.test(expr) && !s.mutated("ALLOWED_HOSTS")) return "ALLOWED_HOSTS is empty: with DEBUG off, Django answers every request with 400";
    return undefined;
  }
  const read = envRead(expr);
  if (read?.fallback?.kind === "str" && read.fallback.value.split(",").map((h) => h.trim()).includes("*")) {
    return `ALLOWED_HOSTS falls back to "*" when ${read.variable} is not set in the environment`;
  }
  return undefined;
}

export const allowedHosts: Check = {
  id: "allowed-hosts",
  level: "error",
  what: 'ALLOWED_HOSTS names your hosts: not "*", not empty',
  why: 'With "*", Django trusts any Host header: password-reset e-mails and absolute URLs can point at an attacker\'s domain (Host header poisoning). Empty, every request gets a 400 once DEBUG is off.',
  fix: 'Read the host names from the environment: ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",") with ALLOWED_HOSTS=app.example.com (the kit\'s production settings do).',
  skip: djangoSkip,
  run(ctx) {
    const s = ctx.django!;
    const v = s.value("ALLOWED_HOSTS");
    if (!v) {
      return s.mutated("ALLOWED_HOSTS") ? [] : [finding(this, { file: s.path, title: `ALLOWED_HOSTS is not set in ${s.path} or the settings it imports: Django answers every request with 400 once DEBUG is off` })];
    }
    const problem = v.expr ? hostsProblem(v, s) : undefined;
    return problem ? [finding(this, { ...where(v), title: problem })] : [];
  },
};

export const whitenoise: Check = {
  id: "whitenoise",
  level: "warning",
  what: "WhiteNoise, when installed or named in the settings, is in MIDDLEWARE and its storage is set",
  why: "Django does not serve static files with DEBUG off: without WhiteNoise's middleware the admin and your pages load without CSS or JavaScript; without its storage, files are neither compressed nor cached long.",
  fix: 'Add "whitenoise.middleware.WhiteNoiseMiddleware" right after SecurityMiddleware, and set STORAGES["staticfiles"] (Django 4.2+) or STATICFILES_STORAGE to "whitenoise.storage.CompressedManifestStaticFilesStorage". The kit\'s production settings do both.',
  skip(ctx) {
    // Named in the settings without being a dependency counts too: the kit's image installs it.
    const used = ctx.facts.dependencies.has("whitenoise") || Boolean(ctx.django?.text.includes("whitenoise"));
    return djangoSkip(ctx) ?? (used ? undefined : "WhiteNoise is neither a dependency nor in the settings");
  },
  run(ctx) {
    const s = ctx.django!;
    const out: Finding[] = [];
    const middleware = s.value("MIDDLEWARE");
    const at = middleware?.expr ? where(middleware) : { file: s.path };
    if (!s.text.includes("whitenoise.middleware.WhiteNoiseMiddleware")) out.push(finding(this, { ...at, title: "WhiteNoise is installed but not in MIDDLEWARE" }));
    if (!/whitenoise\.storage\.\w+/.test(s.text)) out.push(finding(this, { file: s.path, title: "WhiteNoise is installed but its storage is not set (STORAGES or STATICFILES_STORAGE)" }));
    return out;
  },
};

export const djangoChecks: Check[] = [debugOff, secretKeyEnv, allowedHosts, whitenoise];
