import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the bundle (dist/cli.js) once for the tests that run the CLI as users do.
    globalSetup: ["test/helpers/build.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Tests start real servers (PostgreSQL, nginx) on free ports; two workers fit the 2-core machine.
    maxWorkers: 2,
  },
});
