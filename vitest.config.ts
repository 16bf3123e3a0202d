import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Limits for a shared 2-core machine under load, where a CLI test's child process (the
    // sources through tsx) can take minutes to start: they catch a hang, not slowness.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
