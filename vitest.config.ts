/**
 * Vitest settings for `npm test`: every test/**\/*.test.ts except
 * test/platforms (which checks the built bundle: `npm run test:platforms`).
 *
 * `.wasm` imports go through @rollup/plugin-wasm exactly as in the bundle
 * (rollup.config.mjs): sync mode, inlined, so ts/wasm/loader.ts gets the same
 * compile-synchronously function here. `enforce: "pre"` runs it before
 * Vite's own .wasm handling, which would otherwise reject a plain `.wasm`
 * import (it only supports `?init`).
 */
import { fileURLToPath } from "node:url";
import wasm from "@rollup/plugin-wasm";
import { defineConfig } from "vitest/config";

const kernels = fileURLToPath(new URL("./ts/wasm/neurenix_kernels.wasm", import.meta.url));

export default defineConfig({
  plugins: [{ ...wasm({ sync: [kernels], targetEnv: "auto-inline" }), enforce: "pre" }],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/platforms/**", "**/node_modules/**"],
    testTimeout: 60_000,
  },
});
