/**
 * Hides relaxed SIMD from the kernel loader, as on an engine without it
 * (Node 20, Safari), so the library loads the SIMD128 build: the setup file
 * of the "simd128" vitest project (vitest.config.ts) and a preload for the
 * benchmarks (`tsx --import ./scripts/hide-relaxed-simd.ts …`, bench/builds.ts).
 * Must run before the library is imported.
 */
import { RELAXED_SIMD_PROBE } from "../ts/wasm/loader";

const validate = WebAssembly.validate.bind(WebAssembly);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
WebAssembly.validate = (bytes: BufferSource): boolean => {
  const view = ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes);
  return !same(view, RELAXED_SIMD_PROBE) && validate(bytes);
};
