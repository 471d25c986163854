/**
 * The bandwidth probes (crates/probes, built by scripts/build-wasm.sh into
 * bench/wasm/neurenix_probes.wasm), instantiated on the heap's own memory so
 * they read the arrays the kernels read. The probe module has no static data
 * (checked here: its data would land in the kernels' reserved area), and its
 * stack shares the kernels' reserved area, which is fine because the two are
 * never running at once.
 *
 * readProbe times the 4-, 8- and 12-accumulator read sums briefly and keeps
 * the fastest for the array's size: with too few accumulators a read probe
 * measures its own add chain, not the memory.
 */
import { readFileSync } from "node:fs";
import { heap, KERNEL_RESERVED_BYTES } from "../../ts/wasm/memory";

interface ProbeExports {
  readonly __heap_base: WebAssembly.Global;
  readonly __data_end: WebAssembly.Global;
  bandwidth_read(x: number, n: number, acc: number): number;
  bandwidth_read_write(x: number, out: number, n: number): void;
  exp_limit(x: number, out: number, rows: number, cols: number): number;
}

export const ACCUMULATORS = [4, 8, 12] as const;

let probes: ProbeExports | null = null;

function load(): ProbeExports {
  if (probes !== null) return probes;
  const bytes = readFileSync(new URL("../wasm/neurenix_probes.wasm", import.meta.url));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: heap.memory } });
  const p = instance.exports as unknown as ProbeExports;
  const base = p.__heap_base.value as number;
  if (p.__data_end.value !== base || base > KERNEL_RESERVED_BYTES) {
    throw new Error(`bench probes: the module has static data or too big a stack (__data_end ${p.__data_end.value}, __heap_base ${base})`);
  }
  return (probes = p);
}

/** Σ x in f32 with `acc` accumulators (not an accurate sum: it makes the loads happen). */
export function bandwidthRead(x: Float32Array, acc: (typeof ACCUMULATORS)[number]): number {
  return load().bandwidth_read(x.byteOffset, x.length, acc);
}

/** out[i] = x[i] · 1.0001 over the shorter length: one read and one write per element. */
export function bandwidthReadWrite(x: Float32Array, out: Float32Array): void {
  load().bandwidth_read_write(x.byteOffset, out.byteOffset, Math.min(x.length, out.length));
}

/**
 * Cross entropy's exp limit over rows × cols logits: max, e^{x−m} stored
 * with its sum, scaled by 1/S — the passes no forward+gradient kernel can
 * skip, with the kernels' own exp (crates/probes).
 */
export function expLimit(x: Float32Array, out: Float32Array, rows: number, cols: number): number {
  return load().exp_limit(x.byteOffset, out.byteOffset, rows, cols);
}

/**
 * The accumulator count whose read of `x` is fastest (median of 15 timed
 * repetitions each, the counts interleaved): the count at which adding
 * accumulators stopped paying, i.e. the memory's limit rather than the add
 * chain's.
 */
export function fastestReadAccumulators(view: () => Float32Array, rounds = 15): (typeof ACCUMULATORS)[number] {
  const n = view().length;
  // ~40 ms in all at any size. With 7 rounds of ~2e6 elements, one count
  // after the other, the pick was sometimes wrong: in one run the L1 1e5
  // read probe took 10.9 µs (the 4-accumulator time) where the MSE case's,
  // over arrays of the same size, took 9.4.
  const reps = Math.max(1, Math.round(4e6 / Math.max(n, 1)));
  const times: number[][] = ACCUMULATORS.map(() => []);
  for (let r = 0; r < rounds; r++) {
    ACCUMULATORS.forEach((acc, k) => {
      const x = view();
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) bandwidthRead(x, acc);
      times[k].push(performance.now() - t0);
    });
  }
  const medians = times.map((t) => [...t].sort((a, b) => a - b)[rounds >> 1]);
  return ACCUMULATORS[medians.indexOf(Math.min(...medians))];
}
