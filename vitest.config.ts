/**
 * Vitest settings for `npm test`: every test/**\/*.test.ts except
 * test/platforms (which checks the built bundle: `npm run test:platforms`),
 * in two projects, one per build of the wasm kernels (ts/wasm/loader.ts):
 *   relaxed-simd  every test, on the relaxed-SIMD build (Node 20 gets
 *                 `--experimental-wasm-relaxed-simd`; Node ≥ 22 has it on);
 *   simd128       the tests that compute numbers with the kernels (kernels,
 *                 losses with their PyTorch goldens, Tensor ops, training
 *                 parity, fuzzer slice) again on the SIMD128 build, with
 *                 relaxed SIMD hidden from the loader (scripts/hide-relaxed-simd.ts)
 *                 as on an engine without it.
 * test/helpers/backends.ts fails loudly if the build loaded is not the
 * project's (NEURENIX_TEST_KERNEL_BUILD).
 *
 * `.wasm` imports go through scripts/wasm-inline-plugin.mjs exactly as in
 * the bundle (rollup.config.mjs): inlined deflated, `bytes()` inflating
 * them. `enforce: "pre"` runs it before Vite's own .wasm handling, which
 * would otherwise reject a plain `.wasm` import (it only supports `?init`).
 */
import { defineConfig } from "vitest/config";
import wasmInline from "./scripts/wasm-inline-plugin.mjs";

const node20 = Number(process.versions.node.split(".")[0]) < 22;
const plugins = [{ ...wasmInline(), enforce: "pre" as const }];
const exclude = ["test/platforms/**", "**/node_modules/**"];

export default defineConfig({
  plugins,
  test: {
    testTimeout: 60_000,
    projects: [
      {
        plugins,
        test: {
          name: "relaxed-simd",
          include: ["test/**/*.test.ts"],
          exclude,
          env: { NEURENIX_TEST_KERNEL_BUILD: "relaxed-simd" },
          execArgv: node20 ? ["--experimental-wasm-relaxed-simd"] : [],
          testTimeout: 60_000,
        },
      },
      {
        plugins,
        test: {
          name: "simd128",
          include: [
            "test/kernels/**/*.test.ts",
            "test/losses/**/*.test.ts",
            "test/tensor/**/*.test.ts",
            "test/fuzz/**/*.test.ts",
            "test/training/*parity*.test.ts",
          ],
          exclude,
          env: { NEURENIX_TEST_KERNEL_BUILD: "simd128" },
          setupFiles: ["scripts/hide-relaxed-simd.ts"],
          testTimeout: 60_000,
        },
      },
    ],
  },
});
