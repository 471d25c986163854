/**
 * Vitest settings for `npm run test:platforms` (which builds the bundle
 * first). Two projects, one file at a time (2 shared cores):
 *
 * - "platforms": test/platforms, the built bundle in Node, Node without SIMD,
 *   Deno and Chromium, plus what ships (hygiene, size, types, npm pack);
 * - "bundle": the source test suite again, with the public entry points
 *   (ts/index, and ts/backend/select for backend switching) replaced by
 *   dist/neurenix.js. Test files that import other source modules (the heap,
 *   kernels) stay out: they would test the sources' copies, not the bundle.
 *   README's code blocks (test/readme.test.ts) run against the bundle too.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import wasmInline from "../../scripts/wasm-inline-plugin.mjs";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bundle = join(root, "dist/neurenix.js");
if (!existsSync(bundle)) {
  throw new Error("dist/neurenix.js is missing: run `npm run build` (`npm run test:platforms` builds it first)");
}

/** What a test file imports from ts/ itself, as paths like "ts/index". */
function sourceImports(file: string): string[] {
  const specifiers = [...readFileSync(file, "utf8").matchAll(/from\s+"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specifiers.map((s) => relative(root, resolve(dirname(file), s)).replace(/\.ts$/, "")).filter((p) => p.startsWith("ts/"));
}

/** The public entry points the alias swaps for the bundle, and ts/random (a pure generator for test data). */
const PUBLIC = new Set(["ts/index", "ts/backend/select", "ts/random"]);

function sourceSuiteOnBundle(): string[] {
  const files = readdirSync(join(root, "test"), { recursive: true, encoding: "utf8" })
    // test/kernels calls the sources' kernels on the sources' heap, below the public API.
    .filter((f) => f.endsWith(".test.ts") && !f.startsWith("platforms") && !f.startsWith("kernels"))
    .map((f) => join(root, "test", f));
  return files.filter((f) => sourceImports(f).every((p) => PUBLIC.has(p))).map((f) => relative(root, f));
}

export default defineConfig({
  test: {
    root,
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: "platforms", include: ["test/platforms/**/*.test.ts"] } },
      {
        extends: true,
        resolve: { alias: [{ find: /^(\.\.\/)+ts\/(index|backend\/select)$/, replacement: bundle }] },
        // test/helpers/backends.ts still loads the sources' kernels for its direct kernel tests.
        plugins: [{ ...wasmInline(), enforce: "pre" as const }],
        // test/readme.test.ts runs README's blocks in child processes: it takes the entry from here.
        test: { name: "bundle", include: sourceSuiteOnBundle(), env: { NEURENIX_ENTRY: bundle } },
      },
    ],
  },
});
