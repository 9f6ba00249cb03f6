import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests start real servers (PostgreSQL, nginx) on free ports; two workers fit the 2-core machine.
    maxWorkers: 2,
  },
});
