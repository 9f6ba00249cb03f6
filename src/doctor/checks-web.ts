// What the web app exposes: CORS (FastAPI's CORSMiddleware, django-cors-headers) and FastAPI's
// interactive docs and schema.
import type { PythonFile } from "../detect/python-files.js";
import type { DoctorContext } from "./context.js";
import { finding, type Check, type Finding } from "./finding.js";
import { callArgs, envRead, evalFlag } from "./python-env.js";
import { assignments, isTestPath, logicalLines, stringLiterals, type LogicalLine } from "./python-source.js";

/** Origins a CORS setting allows, as far as the code shows: literals, a module-level list, or an env default. */
function origins(expr: string, lines: LogicalLine[]): { any: boolean } {
  let e = expr.trim();
  if (/^[A-Za-z_]\w*$/.test(e)) e = assignments(lines, e).filter((a) => a.indent === 0).pop()?.expr ?? "";
  const read = envRead(e);
  const values = read ? (read.fallback?.kind === "str" ? read.fallback.value.split(",") : []) : /^[[(]/.test(e.trim()) ? stringLiterals(e) : [];
  return { any: values.some((v) => v.trim() === "*") };
}

const kwarg = (args: string[], name: string) => args.find((a) => new RegExp(`^${name}\\s*=`).test(a))?.replace(/^\w+\s*=\s*/, "");

/** Any origin allowed: an error with credentials (any site can act as the user), a warning without. */
function anyOriginFinding(check: Check, at: { file: string; line: number }, credentials: boolean, title: { withCredentials: string; without: string }): Finding {
  return finding(check, { ...at, level: credentials ? "error" : "warning", title: credentials ? title.withCredentials : title.without });
}

function fastapiCors(check: Check, f: PythonFile): Finding[] {
  const lines = logicalLines(f.text);
  return lines.flatMap((l) => {
    const at = l.code.indexOf("CORSMiddleware");
    if (at < 0) return [];
    // add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware, ...): the call it is the first argument of.
    const open = l.code.lastIndexOf("(", at);
    if (open < 0) return [];
    const { args } = callArgs(l.code, open);
    const regex = kwarg(args, "allow_origin_regex");
    const anyOrigin = origins(kwarg(args, "allow_origins") ?? "[]", lines).any || (regex !== undefined && /^r?["']\^?(https?:\/\/)?\.\*\$?["']$/.test(regex.trim()));
    if (!anyOrigin) return [];
    const credentials = kwarg(args, "allow_credentials")?.trim() === "True";
    return [anyOriginFinding(check, { file: f.path, line: l.line }, credentials, { withCredentials: 'CORS allows any origin ("*") with allow_credentials=True', without: 'CORS allows any origin ("*")' })];
  });
}

/** Whether a setting is on for certain: a literal, or the environment's value with its fallback (not a guess). */
function knownOn(expr: string | undefined): boolean {
  const flag = expr ? evalFlag(expr) : undefined;
  return (flag?.kind === "literal" || flag?.kind === "env") && flag.on;
}

export const corsOrigins: Check = {
  id: "cors-origins",
  level: "error",
  what: 'CORS lists the front end\'s origins: never "*" with credentials (error), preferably never "*" (warning)',
  why: 'With "*" and credentials, Starlette and django-cors-headers echo any requesting origin back as allowed: any website a logged-in user visits can call your API as that user and read the answers.',
  fix: 'List the origins from the environment: allow_origins=os.environ["ALLOWED_ORIGINS"].split(",") (FastAPI) or CORS_ALLOWED_ORIGINS (django-cors-headers), e.g. https://app.example.com.',
  skip(ctx) {
    return ctx.isDjango || ctx.isFastapi ? undefined : "neither a Django nor a FastAPI app";
  },
  run(ctx) {
    if (ctx.isFastapi) return ctx.python.filter((f) => !isTestPath(f.path) && f.text.includes("CORSMiddleware")).flatMap((f) => fastapiCors(this, f));
    const s = ctx.django;
    if (!s) return [];
    const all = s.value("CORS_ALLOW_ALL_ORIGINS") ?? s.value("CORS_ORIGIN_ALLOW_ALL");
    if (!all || !knownOn(all.expr)) return [];
    const credentials = knownOn(s.value("CORS_ALLOW_CREDENTIALS")?.expr);
    return [
      anyOriginFinding(this, { file: all.path, line: all.line }, credentials, {
        withCredentials: "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS: any origin may send credentialed requests",
        without: "CORS_ALLOW_ALL_ORIGINS: any origin may call the API",
      }),
    ];
  },
};

export const fastapiDocsOff: Check = {
  id: "fastapi-docs-off",
  level: "warning",
  what: "FastAPI's /docs, /redoc and /openapi.json are off in production (openapi_url=None, or set from the environment)",
  why: "The interactive docs and the schema list every endpoint and its parameters, admin and webhook routes included, to anyone: a map for an attacker.",
  fix: 'Turn them off outside development: FastAPI(openapi_url=None if os.environ.get("ENVIRONMENT") == "production" else "/openapi.json") (openapi_url=None disables /docs and /redoc too).',
  skip(ctx) {
    return ctx.isFastapi ? undefined : "not a FastAPI app";
  },
  run(ctx) {
    const out: Finding[] = [];
    for (const f of ctx.python.filter((p) => !isTestPath(p.path) && /\bFastAPI\(/.test(p.text))) {
      const lines = logicalLines(f.text);
      // Set after creation (app.openapi_url = None), usually under a condition: doctor trusts it.
      if (lines.some((l) => /^\w+\.openapi_url\s*=/.test(l.code.trim()))) continue;
      for (const l of lines) {
        const m = /\bFastAPI\(/.exec(l.code);
        if (!m) continue;
        const { args } = callArgs(l.code, m.index + "FastAPI".length);
        if (args.some((a) => a.startsWith("**"))) continue;
        const openapi = kwarg(args, "openapi_url")?.trim();
        if (openapi === "None" || (openapi !== undefined && !/^["']/.test(openapi))) continue;
        const docsOff = kwarg(args, "docs_url")?.trim() === "None";
        out.push(
          finding(this, {
            file: f.path,
            line: l.line,
            title: docsOff ? "FastAPI still serves /openapi.json (and /redoc): docs_url=None hides only Swagger UI" : "FastAPI serves /docs, /redoc and /openapi.json in production",
          }),
        );
      }
    }
    return out;
  },
};

export const webChecks: Check[] = [corsOrigins, fastapiDocsOff];
