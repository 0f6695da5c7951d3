import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    // Property tests run many cases; keep a generous ceiling but never an infinite one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
