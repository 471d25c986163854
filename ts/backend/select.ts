/**
 * Which kernels run now. The wasm-simd backend is instantiated synchronously
 * when this module is evaluated (no init call, no top-level await); where
 * WebAssembly SIMD128 is missing the loader returns null and the js backend
 * is selected by itself.
 */
import type { Backend, BackendName } from "./backend";
import { jsBackend } from "./js";
import { createWasmBackend } from "./wasm";
import { loadKernels } from "../wasm/loader";
import { heap } from "../wasm/memory";

const kernels = loadKernels(heap.memory);
const wasmBackend: Backend | null = kernels === null ? null : createWasmBackend(kernels, heap);

let current: Backend = wasmBackend ?? jsBackend;

/** The backend whose kernels run now. */
export function kernelsNow(): Backend {
  return current;
}

/** "wasm-simd" or "js": which kernels run now. */
export function backend(): BackendName {
  return current.name;
}

/** Switches kernels; "wasm-simd" throws a RangeError where SIMD128 is unavailable. */
export function setBackend(name: BackendName): void {
  if (name === "js") current = jsBackend;
  else if (name === "wasm-simd") {
    if (wasmBackend === null) {
      throw new RangeError('setBackend: "wasm-simd" is unavailable here (no WebAssembly SIMD128); "js" is in use');
    }
    current = wasmBackend;
  } else {
    throw new RangeError(`setBackend: unknown backend ${JSON.stringify(name)}; expected "wasm-simd" or "js"`);
  }
}

/** Whether WebAssembly SIMD128 kernels could be loaded here. */
export function wasmSimdAvailable(): boolean {
  return wasmBackend !== null;
}

/** The wasm-simd backend object (null without SIMD128), for tests and benchmarks that call kernels directly. */
export function wasmSimdBackend(): Backend | null {
  return wasmBackend;
}
