import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname, "src") } },
  test: {
    environment: "node",
    pool: "forks",
    // Two cores: files run two at a time; the database and Chromium are the contended parts.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ["test/**/*.test.ts"],
    env: { LOG_LEVEL: "silent", NODE_ENV: "test", SEED_DEMO: "false" },
  },
});
