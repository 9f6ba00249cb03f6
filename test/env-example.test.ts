// .env.production.example lists every variable the kit's own files read: the Python the image runs
// (settings, health check, Gunicorn) and the backup scripts' settings. Read from the generated files
// themselves, so a new os.environ in a template without its line here fails.
import { describe, expect, it } from "vitest";
import { COMBOS, renderFiles } from "./helpers/kit.js";

/** Set by the platform or the build, never by the user: not for the example file. */
const PROVIDED = new Set(["PORT", "PROD_KIT_BUILD", "RENDER_EXTERNAL_HOSTNAME", "RAILWAY_PUBLIC_DOMAIN", "PROCESS_TYPE"]);

describe.each(COMBOS)("$platform × $stack", ({ platform, stack }) => {
  const { files } = renderFiles(platform, stack);
  const example = files.find((f) => f.path === ".env.production.example")!.content;
  const listed = new Set([...example.matchAll(/^(?:# )?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

  it("lists every variable the generated Python and scripts read", () => {
    const read = new Set<string>();
    for (const f of files.filter((x) => x.path.endsWith(".py"))) {
      for (const m of f.content.matchAll(/(?:os\.environ(?:\.get)?\(|os\.environ\[|_env_bool\(|_env_list\(|_required\()"([A-Z][A-Z0-9_]*)"/g)) read.add(m[1]!);
    }
    for (const f of files.filter((x) => x.path.startsWith("scripts/"))) {
      for (const m of f.content.matchAll(/\$\{?(BACKUP_[A-Z_]+)/g)) read.add(m[1]!);
    }
    expect(read.size).toBeGreaterThan(10);
    expect([...read].filter((v) => !PROVIDED.has(v) && !listed.has(v)).sort()).toEqual([]);
  });

  it("holds no value for a secret: empty, or a visible placeholder", () => {
    const secrets = [...example.matchAll(/\[secret\]\n(?:#.*\n)*([A-Z0-9_]+)=(.*)/g)];
    expect(secrets.length).toBeGreaterThan(2);
    for (const [, name, value] of secrets) expect(value === "" || /PASSWORD|xxxx|\.\.\.|\$\{\{/.test(value!), `${name}=${value}`).toBe(true);
  });
});
