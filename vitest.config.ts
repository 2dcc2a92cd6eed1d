import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        // Pure code: no lab, no built site, files in parallel (`npm run test:unit`).
        extends: true,
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "lab",
          include: ["test/integration/**/*.test.ts", "test/e2e/**/*.test.ts"],
          // One real lab serves every file; files that stop a node must not race with files that use it.
          fileParallelism: false,
          globalSetup: ["test/support/global-lab.ts"],
        },
      },
    ],
  },
});
