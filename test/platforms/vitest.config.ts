/**
 * Vitest settings for the platform tests (`npm run test:platforms`, which
 * builds the bundle first): they run against dist/, spawn Node, Deno and
 * Chromium, so one file at a time (2 shared cores) and generous timeouts.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/platforms/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
