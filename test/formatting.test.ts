// Every YAML, JSON and Markdown file the kit writes is already prettier-formatted, so a repo that
// runs prettier never sees churn from generated files (prettier itself is not shipped).
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { COMBOS, renderFiles } from "./helpers/kit.js";

const FORMATTED = /\.(ya?ml|json|md)$/;
let checked = 0;

describe.each(COMBOS)("$platform × $stack", ({ platform, stack }) => {
  const files = renderFiles(platform, stack).files.filter((f) => FORMATTED.test(f.path));
  it.each(files.map((f) => [f.path, f.content]))("%s is prettier-formatted", async (path, content) => {
    const formatted = await prettier.format(content, { filepath: path });
    expect(content).toBe(formatted);
    checked++;
  });
});

it("checked YAML, JSON and Markdown for every combination", () => {
  console.log(`prettier: ${checked} files already formatted`);
  expect(checked).toBeGreaterThanOrEqual(12 * 2 + 3 + 3 + 3);
});
