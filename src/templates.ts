// Handlebars for text files (Dockerfile, nginx.conf, shell, Markdown). Escaping is off because the
// outputs are not HTML; safety comes from validating every answer before it gets here.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

export const TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

let engine: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function setup(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  hb.registerHelper("ne", (a: unknown, b: unknown) => a !== b);
  hb.registerHelper("or", (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper("and", (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hb.registerHelper("not", (a: unknown) => !a);
  hb.registerHelper("join", (items: unknown[], sepr: unknown) => (Array.isArray(items) ? items.join(String(sepr)) : ""));
  /** JSON array of strings: the exec form of a Dockerfile instruction. */
  hb.registerHelper("execForm", (items: string[]) => JSON.stringify(items).replace(/","/g, '", "'));
  // Partials: every template under partials/ is available as {{> path/without/extension}}.
  const partialsDir = join(TEMPLATES_DIR, "partials");
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".hbs")) {
        const name = relative(partialsDir, full).split(sep).join("/").replace(/\.hbs$/, "");
        hb.registerPartial(name, readFileSync(full, "utf8"));
      }
    }
  };
  walk(partialsDir);
  return hb;
}

/** Renders templates/<name>.hbs with the given context; missing fields render empty, which snapshots and validators catch. */
export function render(name: string, context: object): string {
  engine ??= setup();
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(join(TEMPLATES_DIR, `${name}.hbs`), "utf8");
    template = engine.compile(source, { noEscape: true });
    compiled.set(name, template);
  }
  return template(context);
}
