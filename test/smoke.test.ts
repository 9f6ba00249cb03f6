import { describe, expect, it } from "vitest";
import { COMBOS, generateKit } from "./helpers/kit.js";

describe("every combination generates", () => {
  it.each(COMBOS)("$platform × $stack", ({ platform, stack }) => {
    const kit = generateKit(platform, stack);
    try {
      expect(kit.files.map((f) => f.path)).toContain("Dockerfile");
      expect(kit.read("Dockerfile")).toContain("USER app");
    } finally {
      kit.cleanup();
    }
  });
});
