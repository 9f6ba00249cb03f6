// `.env` files, found by name at the root and one folder down (backend/.env): bounded, no walk.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const ENV_NAME = /^\.env(\..+)?$|^.+\.env$/;
/** Templates meant to be committed: they hold names and placeholders, not values. */
export const TEMPLATE_NAME = /\.(example|sample|template|tmpl|dist|defaults?)$|^\.env\.(example|sample|template)\./;
const SKIP = new Set(["node_modules", ".git", ".venv", "venv", "env", "site-packages", ".prod-kit", "__pycache__"]);

function names(dir: string): { files: string[]; dirs: string[] } {
  try {
    const entries = readdirSync(dir, { withFileTypes: true });
    return { files: entries.filter((e) => e.isFile()).map((e) => e.name), dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name) };
  } catch {
    return { files: [], dirs: [] };
  }
}

/** Every env file (templates included), relative to the root, sorted. */
export function envFiles(root: string): string[] {
  const top = names(root);
  const out = top.files.filter((n) => ENV_NAME.test(n));
  for (const dir of top.dirs.filter((d) => !SKIP.has(d) && !d.startsWith("."))) {
    out.push(...names(join(root, dir)).files.filter((n) => ENV_NAME.test(n)).map((n) => `${dir}/${n}`));
  }
  return out.sort();
}

export const isTemplate = (path: string): boolean => TEMPLATE_NAME.test(path.split("/").pop()!);
