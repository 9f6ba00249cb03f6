// Every YAML, JSON and Markdown file the kit writes is already prettier-formatted, so a repo that
// runs prettier never sees churn from generated files (prettier itself is not shipped).
import * as prettier from "prettier";
import { describe, expect, it } from "vitest";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { answersFileText } from "../src/answers-file.js";
import { stateActions } from "../src/writer.js";
import { COMBOS, renderFiles } from "./helpers/kit.js";

const FORMATTED = /\.(ya?ml|json|md)$/;
let checked = 0;

describe.each(COMBOS)("$platform × $stack", ({ platform, stack }) => {
  const { plan, files: kit } = renderFiles(platform, stack);
  // prod-kit.yaml and .prod-kit/manifest.json are written with the kit: the same holds for them.
  const manifest = stateActions(join(tmpdir(), "prod-kit-no-such-dir"), kit.map((f) => ({ path: f.path, status: "create" as const, content: f.content, mode: f.mode, track: { base: f.content, owner: f.owner, mode: f.mode } })), "0.0.0").find((a) => a.path === ".prod-kit/manifest.json")!;
  const files = [...kit, { path: "prod-kit.yaml", content: answersFileText(plan.answers, "0.0.0") }, manifest].filter((f) => FORMATTED.test(f.path));
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
