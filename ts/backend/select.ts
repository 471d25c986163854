/**
 * Which kernels run now. The wasm-simd backend is instantiated synchronously
 * when this module is evaluated (no init call, no top-level await); where
 * the kernels cannot be loaded (no SIMD128, or a Content-Security-Policy
 * forbidding WebAssembly compilation) the js backend is selected by itself,
 * with one console.warn naming the cause, which setBackend("wasm-simd")
 * repeats in its error.
 */
import type { Backend, BackendName } from "./backend";
import { jsBackend } from "./js";
import { createWasmBackend } from "./wasm";
import { kernelLoadFailure, loadKernels, loadedKernelBuild, type KernelBuild } from "../wasm/loader";
import { heap } from "../wasm/memory";

const kernels = loadKernels(heap.memory);
const build = loadedKernelBuild();
const wasmBackend: Backend | null = kernels === null ? null : createWasmBackend(kernels, heap);
/** Why wasm-simd is unavailable (null when it is available). */
const unavailable: string | null = kernels === null ? (kernelLoadFailure() ?? "the kernels did not load") : null;
if (unavailable !== null) console.warn(`neurenix: using the js backend: ${unavailable}`);

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
    if (wasmBackend === null) throw new RangeError(unavailableMessage(unavailable ?? "unknown cause"));
    current = wasmBackend;
  } else {
    throw new RangeError(`setBackend: unknown backend ${JSON.stringify(name)}; expected "wasm-simd" or "js"`);
  }
}

/** setBackend("wasm-simd")'s error where the kernels did not load, naming the cause. */
export function unavailableMessage(cause: string): string {
  return `setBackend: "wasm-simd" is unavailable here (${cause}); "js" is in use`;
}

/**
 * Which build of the wasm kernels runs as "wasm-simd" here: "relaxed-simd"
 * (fused multiply-add in the exp/log polynomials; Node ≥ 22, Deno, Chrome,
 * Firefox), "simd128" (engines without relaxed SIMD, e.g. Node 20 and
 * Safari), or null where the kernels could not be loaded and only the js
 * backend runs. The engine decides once, at import; results agree with
 * PyTorch within the same tolerances on both builds. Like PyTorch's
 * `torch.backends.cpu.get_cpu_capability()`, it says what the machine code
 * uses, whichever backend is selected now.
 *
 * @example
 * ```ts
 * import * as nx from "neurenix";
 * console.log(nx.backend(), nx.kernelBuild()); // "wasm-simd" "relaxed-simd" on Node 22
 * ```
 */
export function kernelBuild(): KernelBuild | null {
  return build;
}

/** Whether WebAssembly SIMD128 kernels could be loaded here. */
export function wasmSimdAvailable(): boolean {
  return wasmBackend !== null;
}

/** The wasm-simd backend object (null without SIMD128), for tests and benchmarks that call kernels directly. */
export function wasmSimdBackend(): Backend | null {
  return wasmBackend;
}
