import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One real lab serves every file; files that stop a node must not race with files that use it.
    fileParallelism: false,
    globalSetup: ["test/support/global-lab.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
