/**
 * The wasm loader and binding (ts/wasm/loader.ts, ts/backend/wasm.ts): the
 * module loads against the heap's memory, fits below KERNEL_RESERVED_BYTES
 * and imports nothing else; kernels called on heap views agree with float64
 * references (blocked matmul with every flag, strided broadcasting, a 4e6-
 * element sum); and calls keep working after the memory grows.
 */
import { afterEach, describe, expect, test, vi } from "vitest";
import simd128Bytes from "../../ts/wasm/neurenix_kernels.wasm";
import relaxedBytes from "../../ts/wasm/neurenix_kernels_relaxed.wasm";
import { bestKernelBuild, loadKernels, loadedKernelBuild, RELAXED_SIMD_PROBE, simd128Available } from "../../ts/wasm/loader";
import { kernelBuild } from "../../ts/backend/select";
import { KERNEL_RESERVED_BYTES, heap } from "../../ts/wasm/memory";
import { allocBlock } from "../../ts/memory/storage";
import { createWasmBackend } from "../../ts/backend/wasm";
import { jsBackend } from "../../ts/backend/js";
import { BinaryOp, type Backend } from "../../ts/backend/backend";
import { expectClose } from "../helpers/expect_close";
import { mulberry32, uniform } from "../helpers/prng";

const blocks: number[] = [];

/** A heap view holding `init`; freed after each test. */
function f32(init: number[] | number): Float32Array {
  const n = typeof init === "number" ? init : init.length;
  const ptr = allocBlock(4 * Math.max(n, 1));
  blocks.push(ptr);
  const view = heap.f32(ptr, n);
  if (typeof init === "number") view.fill(0);
  else view.set(init);
  return view;
}

afterEach(() => {
  for (const p of blocks.splice(0)) heap.free(p);
});

const kernels = loadKernels(heap.memory);
if (kernels === null) throw new Error("the wasm-simd kernels did not load (no SIMD128, or the .wasm is missing)");
const K = createWasmBackend(kernels, heap);

describe("loader", () => {
  test("loads where SIMD128 exists, and fits the reserved area", () => {
    expect(simd128Available()).toBe(true);
    const heapBase = kernels.__heap_base.value as number;
    expect(heapBase).toBeGreaterThan(0);
    expect(heapBase).toBeLessThanOrEqual(KERNEL_RESERVED_BYTES);
  });

  test.each([
    ["simd128", simd128Bytes],
    ["relaxed-simd", relaxedBytes],
  ])("the %s build imports only env.memory and exports every kernel the binding calls", (build, bytes) => {
    const raw = bytes();
    if (!WebAssembly.validate(raw)) {
      // Node 20 without --experimental-wasm-relaxed-simd: only in the simd128 project (vitest.config.ts).
      expect([build, process.env.NEURENIX_TEST_KERNEL_BUILD]).toEqual(["relaxed-simd", "simd128"]);
      return;
    }
    const mod = new WebAssembly.Module(raw);
    expect(WebAssembly.Module.imports(mod)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    const exported = new Set(WebAssembly.Module.exports(mod).map((e) => e.name));
    for (const name of Object.keys(kernels)) expect(exported.has(name), `${build} exports ${name}`).toBe(true);
    for (const name of ["matmul", "cross_entropy_fwd_bwd", "binary_broadcast", "adam_step"]) {
      expect(typeof (kernels as unknown as Record<string, unknown>)[name]).toBe("function");
    }
    // Only the relaxed build has relaxed-SIMD instructions (f32x4.relaxed_madd = 0xfd 0x85 0x02).
    let madds = 0;
    for (let i = 0; i + 2 < raw.length; i++) if (raw[i] === 0xfd && raw[i + 1] === 0x85 && raw[i + 2] === 0x02) madds++;
    if (build === "simd128") expect(madds).toBe(0);
    else expect(madds).toBeGreaterThan(50);
  });

  test("the library runs the build its vitest project is for", () => {
    expect(kernelBuild()).toBe(process.env.NEURENIX_TEST_KERNEL_BUILD);
  });

  test("picks relaxed-simd where the engine validates it, else simd128, else nothing", () => {
    const validate = vi.spyOn(WebAssembly, "validate");
    try {
      validate.mockImplementation(() => true);
      expect(bestKernelBuild()).toBe("relaxed-simd");
      validate.mockImplementation((b) => (b as Uint8Array).length !== RELAXED_SIMD_PROBE.length);
      expect(bestKernelBuild()).toBe("simd128");
      const memory = new WebAssembly.Memory({ initial: 17 });
      expect(loadKernels(memory)).not.toBeNull();
      expect(loadedKernelBuild()).toBe("simd128");
      validate.mockImplementation(() => false);
      expect(bestKernelBuild()).toBeNull();
      expect(loadKernels(memory)).toBeNull();
      expect(loadedKernelBuild()).toBeNull();
    } finally {
      validate.mockRestore();
    }
  });

  test("the binding implements every Backend method the js backend has", () => {
    const missing = Object.keys(jsBackend).filter((m) => typeof (K as unknown as Record<string, unknown>)[m] !== typeof (jsBackend as unknown as Record<string, unknown>)[m]);
    expect(missing).toEqual([]);
    expect(K.name).toBe("wasm-simd");
  });
});

/** A(i,p)·B(p,j) in float64 from the stored layouts, plus out0 when accumulating. */
function matmulRef(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number, ta: boolean, tb: boolean, out0: number[] | null): number[] {
  const out = new Array<number>(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = out0 === null ? 0 : out0[i * n + j];
      for (let p = 0; p < k; p++) s += a[ta ? p * m + i : i * k + p] * b[tb ? j * k + p : p * n + j];
      out[i * n + j] = s;
    }
  }
  return out;
}

describe("kernels on heap views", () => {
  test.each([
    [37, 53, 29],
    [64, 784, 10], // beyond one 256-wide k block
    [3, 5, 130],
  ])("matmul %ix%ix%i with every trans flag and accumulate", (m, k, n) => {
    const rng = mulberry32(m * 1000 + n);
    const a = f32(uniform(rng, m * k));
    const b = f32(uniform(rng, k * n));
    const start = uniform(rng, m * n);
    const out = f32(m * n + 4);
    const sentinel = out.subarray(m * n);
    const view = out.subarray(0, m * n);
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        for (const acc of [false, true]) {
          view.set(start);
          sentinel.fill(-5);
          K.matmul(a, b, view, m, k, n, ta, tb, acc);
          const want = matmulRef(a, b, m, k, n, ta, tb, acc ? Array.from(Float32Array.from(start)) : null);
          // f32 accumulation over k terms of magnitude ≤ 1.
          expectClose(view, want, { rtol: 1e-5, atol: k * 2e-7 }, `matmul ${m}x${k}x${n} ta=${ta} tb=${tb} acc=${acc}`);
          expect(Array.from(sentinel)).toEqual([-5, -5, -5, -5]);
        }
      }
    }
  });

  test("binaryBroadcast: bias rows, columns and general strides", () => {
    const rng = mulberry32(7);
    const a = f32(uniform(rng, 64 * 128));
    const row = f32(uniform(rng, 128, 0.5, 2));
    const col = f32(uniform(rng, 64, 0.5, 2));
    const out = f32(64 * 128);
    const cases: [string, number[], number[], Float32Array, number[]][] = [
      ["bias row", [128, 1], [0, 1], row, [64, 128]],
      ["column", [128, 1], [1, 0], col, [64, 128]],
      // a read transposed, as (128, 64), against the column: the scalar strided path.
      ["transposed", [1, 128], [0, 1], col, [128, 64]],
      ["3-d", [2048, 128, 1], [0, 0, 1], row, [4, 16, 128]],
    ];
    for (const [name, sa, sb, b, shape] of cases) {
      for (const op of [BinaryOp.add, BinaryOp.sub, BinaryOp.mul, BinaryOp.div]) {
        K.binaryBroadcast(op, a, sa, b, sb, out, shape);
        const want: number[] = [];
        const total = shape.reduce((x, y) => x * y, 1);
        for (let flat = 0; flat < total; flat++) {
          let rem = flat;
          let ia = 0;
          let ib = 0;
          for (let d = shape.length - 1; d >= 0; d--) {
            const idx = rem % shape[d];
            rem = Math.floor(rem / shape[d]);
            ia += idx * sa[d];
            ib += idx * sb[d];
          }
          const [x, y] = [a[ia], b[ib]];
          want.push(op === BinaryOp.add ? x + y : op === BinaryOp.sub ? x - y : op === BinaryOp.mul ? x * y : x / y);
        }
        // f32 arithmetic is exact against float64-then-round.
        expectClose(out.subarray(0, total), want.map(Math.fround), { rtol: 0, atol: 0 }, `binaryBroadcast ${name} op ${op}`);
      }
    }
  });

  test("sum of 4e6 elements within 1e-6 of float64", () => {
    const n = 4_000_000;
    const x = f32(n);
    const rng = mulberry32(3);
    for (let i = 0; i < n; i++) x[i] = rng();
    let want = 0;
    for (let i = 0; i < n; i++) want += x[i];
    expectClose(K.sum(x), want, { rtol: 1e-6, atol: 0 }, "sum 4e6");
  });

  test("calls still work after the memory grows", () => {
    const a = f32([1, 2, 3, 4, 5, 6]);
    const aPtr = a.byteOffset;
    // Fill the binding's stride block with other values first, so a stale
    // (detached) view of it after the growth would give wrong answers.
    const scratch = f32(6);
    K.binaryBroadcast(BinaryOp.add, a, [1, 2], a, [2, 1], scratch, [3, 2]);
    const before = heap.generation;
    // Enough to make the memory grow, whatever earlier tests left.
    f32(heap.memory.buffer.byteLength / 4);
    expect(heap.generation).toBeGreaterThan(before);
    expect(a.length).toBe(0); // detached, as memory.ts warns
    const a2 = heap.f32(aPtr, 6);
    expect(Array.from(a2)).toEqual([1, 2, 3, 4, 5, 6]);
    const b = f32([10, 20, 30]);
    const out = f32(6);
    K.binaryBroadcast(BinaryOp.add, heap.f32(aPtr, 6), [3, 1], b, [0, 1], out, [2, 3]);
    expect(Array.from(out)).toEqual([11, 22, 33, 14, 25, 36]);
    const c = f32(6);
    K.matmul(heap.f32(aPtr, 6), b, c.subarray(0, 2), 2, 3, 1, false, false, false);
    expect(Array.from(c.subarray(0, 2))).toEqual([140, 320]);
  });
});
