/**
 * The benchmarks' bandwidth probes (crates/probes → bench/wasm/neurenix_probes.wasm,
 * bench/lib/probes.ts): they read and write the heap's arrays, and the
 * shipped kernels carry none of them.
 */
import { afterEach, describe, expect, test } from "vitest";
import neurenixKernels from "../../ts/wasm/neurenix_kernels.wasm";
import { ACCUMULATORS, bandwidthRead, bandwidthReadWrite, fastestReadAccumulators } from "../../bench/lib/probes";
import { freeHeapArrays, heapF32 as f32 } from "../helpers/heap_arrays";

afterEach(freeHeapArrays);

describe("bandwidth probes", () => {
  test("the read probe sums every element with each accumulator count, in the heap's memory", () => {
    for (const n of [0, 1, 15, 16, 47, 48, 49, 1000, 4097]) {
      const x = f32(n);
      for (let i = 0; i < n; i++) x[i] = (i % 5) + 1; // small integers: the f32 sum is exact
      const want = Array.from(x).reduce((s, v) => s + v, 0);
      for (const acc of ACCUMULATORS) expect(bandwidthRead(x, acc), `n=${n} acc=${acc}`).toBe(want);
    }
    expect(ACCUMULATORS).toContain(fastestReadAccumulators(() => f32(4096), 1));
  });

  test("the read+write probe writes x·1.0001 over the shorter length, nothing beyond", () => {
    const x = f32([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
    const out = f32(18);
    out[17] = -1;
    bandwidthReadWrite(x, out);
    expect(Array.from(out.subarray(0, 17))).toEqual(Array.from(x, (v) => Math.fround(v * Math.fround(1.0001))));
    expect(out[17]).toBe(-1);
  });

  test("the shipped kernels do not export them", () => {
    const names = WebAssembly.Module.exports(new WebAssembly.Module(neurenixKernels())).map((e) => e.name);
    expect(names.filter((n) => n.startsWith("bandwidth"))).toEqual([]);
  });
});
