// Where the Handlebars templates come from. This file is the checkout's version (tests, tsc, the
// plop generator): it reads templates/ and compiles on first use, so an edited .hbs is picked up at
// once. The published bundle replaces it (scripts/build.mjs) with the same API over templates
// precompiled at build time and Handlebars' runtime only: no parsing at run time, no compiler shipped.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import Handlebars from "handlebars";

export const TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

/** The options every template and partial is compiled with (the bundle precompiles with the same). */
export const COMPILE_OPTIONS = { noEscape: true } as const;

/** A fresh Handlebars environment with every template under partials/ registered as {{> path/without/extension}}. */
export function createEngine(): typeof Handlebars {
  const hb = Handlebars.create();
  const partialsDir = join(TEMPLATES_DIR, "partials");
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".hbs")) {
        const name = relative(partialsDir, full).split(sep).join("/").replace(/\.hbs$/, "");
        hb.registerPartial(name, hb.compile(readFileSync(full, "utf8"), COMPILE_OPTIONS));
      }
    }
  };
  walk(partialsDir);
  return hb;
}

/** templates/<name>.hbs as a template of the given environment. */
export function loadTemplate(hb: typeof Handlebars, name: string): Handlebars.TemplateDelegate {
  return hb.compile(readFileSync(join(TEMPLATES_DIR, `${name}.hbs`), "utf8"), COMPILE_OPTIONS);
}
