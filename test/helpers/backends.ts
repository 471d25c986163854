/**
 * The backends every kernel and golden test runs on: "js" and "wasm-simd".
 *
 * CI must test both, so when the wasm-simd kernels cannot be loaded this
 * FAILS (throws while the test file is collected) instead of skipping; and
 * wasm-simd must be the build of the kernels the vitest project is for
 * (NEURENIX_TEST_KERNEL_BUILD, vitest.config.ts), or it fails too.
 *
 * - `backends()`: the Backend objects, for kernel tests that call kernels
 *   directly on heap views (`describe.each(backends())("$name", (K) => …)`).
 * - `BACKENDS` and `withBackend(name, fn)`: for tests through the public API,
 *   which switch the library's current backend and restore it afterwards.
 */
import type { Backend, BackendName } from "../../ts/backend/backend";
import { jsBackend } from "../../ts/backend/js";
import { backend, kernelBuild, setBackend, wasmSimdBackend } from "../../ts/backend/select";

export const BACKENDS: readonly BackendName[] = ["js", "wasm-simd"];

/** The library's own wasm-simd backend (the one the public API runs), or a loud failure. */
function loadWasmBackend(): Backend {
  const wasm = wasmSimdBackend();
  if (wasm === null) {
    throw new Error(
      "backends(): the wasm-simd kernels could not be loaded (no WebAssembly SIMD128, or ts/wasm/neurenix_kernels.wasm " +
        "is missing or stale: run `npm run build:wasm`); both backends must be tested",
    );
  }
  return wasm;
}

// The build check, when the file is collected.
const wantBuild = process.env.NEURENIX_TEST_KERNEL_BUILD;
if (wantBuild !== undefined && kernelBuild() !== wantBuild) {
  throw new Error(`this vitest project tests the ${wantBuild} build of the kernels, but ${kernelBuild()} loaded (vitest.config.ts)`);
}

/** [js, wasm-simd]; throws if the wasm-simd kernels cannot be loaded. */
export function backends(): Backend[] {
  return [jsBackend, loadWasmBackend()];
}

/** Runs fn with the library switched to `name`, then restores the previous backend. */
export function withBackend<T>(name: BackendName, fn: () => T): T {
  const previous = backend();
  setBackend(name);
  try {
    return fn();
  } finally {
    setBackend(previous);
  }
}
