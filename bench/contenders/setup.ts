/**
 * neurenix's setup cost, measured before anything else loads the kernels:
 * the synchronous compile + instantiate that happens when the package is
 * imported (V8 caches compiled modules by their bytes, so only the first one
 * in a process tells the truth), on a fresh memory of its own.
 */
import { loadKernels } from "../../ts/wasm/loader";
import { Heap } from "../../ts/wasm/memory";
import { createWasmBackend } from "../../ts/backend/wasm";

export function neurenixSetup(): { what: string; seconds: number }[] {
  const t0 = performance.now();
  const own = new Heap(0);
  const kernels = loadKernels(own.memory);
  if (kernels !== null) createWasmBackend(kernels, own);
  const seconds = (performance.now() - t0) / 1e3;
  return kernels === null
    ? []
    : [{ what: "neurenix wasm-simd kernels: compile + instantiate (synchronous, at import)", seconds }];
}
