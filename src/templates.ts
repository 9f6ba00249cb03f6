// Handlebars for text files (Dockerfile, nginx.conf, shell, Markdown). Escaping is off because the
// outputs are not HTML; safety comes from validating every answer before it gets here. The
// templates come from ./template-source.js: compiled from templates/ in a checkout, precompiled
// into the bundle by scripts/build.mjs.
import type Handlebars from "handlebars";
import { createEngine, loadTemplate } from "./template-source.js";

let engine: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function setup(): typeof Handlebars {
  const hb = createEngine();
  hb.registerHelper("eq", (a: unknown, b: unknown) => a === b);
  hb.registerHelper("ne", (a: unknown, b: unknown) => a !== b);
  hb.registerHelper("or", (...args: unknown[]) => args.slice(0, -1).some(Boolean));
  hb.registerHelper("and", (...args: unknown[]) => args.slice(0, -1).every(Boolean));
  hb.registerHelper("not", (a: unknown) => !a);
  hb.registerHelper("join", (items: unknown[], sepr: unknown) => (Array.isArray(items) ? items.join(String(sepr)) : ""));
  /** JSON array of strings: the exec form of a Dockerfile instruction. */
  hb.registerHelper("execForm", (items: string[]) => JSON.stringify(items).replace(/","/g, '", "'));
  return hb;
}

/** Renders templates/<name>.hbs with the given context; missing fields render empty, which snapshots and validators catch. */
export function render(name: string, context: object): string {
  engine ??= setup();
  let template = compiled.get(name);
  if (!template) {
    template = loadTemplate(engine, name);
    compiled.set(name, template);
  }
  return template(context);
}
