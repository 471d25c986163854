/**
 * softmax, logSoftmax and their backward on both backends against float64
 * references, over (outer, dim, inner) layouts, a tail sweep of dim 1…33,
 * extreme logits and NaN.
 *
 * Tolerances: logSoftmax = (x − max) − log Σ exp(x − max) carries a few
 * float32 ulps of |x − max| (≤ 16 here): atol 4e-6, rtol 1e-6. softmax
 * values are relative: rtol 1e-5 (exp ≤ 2 ulp plus the sum), atol 1e-7.
 * Backward values are differences of O(1) terms: atol 2e-6, rtol 1e-5.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32, heapF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform } from "../helpers/prng";

afterEach(freeHeapArrays);

const LOG_SOFTMAX_TOL = { rtol: 1e-6, atol: 4e-6 };
const SOFTMAX_TOL = { rtol: 1e-5, atol: 1e-7 };
const BACKWARD_TOL = { rtol: 1e-5, atol: 2e-6 };

interface Axis {
  outer: number;
  dim: number;
  inner: number;
}

/** Calls f(indices) with the flat indices of each slice along dim. */
function eachSlice({ outer, dim, inner }: Axis, f: (idx: number[]) => void): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) f(Array.from({ length: dim }, (_, d) => (o * dim + d) * inner + i));
  }
}

function logSoftmaxRef(x: Float32Array, axis: Axis): number[] {
  const out = new Array<number>(x.length);
  eachSlice(axis, (idx) => {
    const max = Math.max(...idx.map((j) => x[j]));
    const lse = Math.log(idx.reduce((s, j) => s + Math.exp(x[j] - max), 0));
    for (const j of idx) out[j] = x[j] - max - lse;
  });
  return out;
}

function check(K: Backend, axis: Axis, seed: number, lo = -8, hi = 8): void {
  const { outer, dim, inner } = axis;
  const label = `${K.name} (outer ${outer}, dim ${dim}, inner ${inner})`;
  const rng = mulberry32(seed);
  const size = outer * dim * inner;
  const x = guardedF32(uniform(rng, size, lo, hi));
  const gy = guardedF32(uniform(rng, size));
  const out = guardedF32(size);
  const gx = guardedF32(size);

  const logRef = logSoftmaxRef(x, axis);
  K.logSoftmax(x, outer, dim, inner, out);
  expectClose(out, logRef, LOG_SOFTMAX_TOL, `${label} logSoftmax`);
  expectGuardsIntact(out, `${label} logSoftmax`);
  const softRef = logRef.map(Math.exp);
  K.softmax(x, outer, dim, inner, out);
  expectClose(out, softRef, SOFTMAX_TOL, `${label} softmax`);
  expectGuardsIntact(out, `${label} softmax`);

  // Backward from float32-rounded reference outputs, the same on both backends.
  const yLog = heapF32(logRef);
  const ySoft = heapF32(softRef);
  const gLog = new Array<number>(size);
  const gSoft = new Array<number>(size);
  eachSlice(axis, (idx) => {
    const sumG = idx.reduce((s, j) => s + gy[j], 0);
    const sumGY = idx.reduce((s, j) => s + gy[j] * ySoft[j], 0);
    for (const j of idx) {
      gLog[j] = gy[j] - Math.exp(yLog[j]) * sumG;
      gSoft[j] = ySoft[j] * (gy[j] - sumGY);
    }
  });
  K.logSoftmaxBackward(yLog, gy, outer, dim, inner, gx);
  expectClose(gx, gLog, BACKWARD_TOL, `${label} logSoftmaxBackward`);
  expectGuardsIntact(gx, `${label} logSoftmaxBackward`);
  K.softmaxBackward(ySoft, gy, outer, dim, inner, gx);
  expectClose(gx, gSoft, BACKWARD_TOL, `${label} softmaxBackward`);
  expectGuardsIntact(gx, `${label} softmaxBackward`);
}

describe.each(backends())("softmax kernels on $name", (K) => {
  test.each<Axis>([
    { outer: 64, dim: 10, inner: 1 },
    { outer: 3, dim: 7, inner: 5 },
    { outer: 1, dim: 1, inner: 1 },
    { outer: 2, dim: 33, inner: 4 },
    { outer: 1, dim: 257, inner: 1 },
    { outer: 5, dim: 3, inner: 17 },
  ])("forward and backward over (outer $outer, dim $dim, inner $inner)", (axis) => {
    check(K, axis, axis.outer * 1000 + axis.dim * 10 + axis.inner);
  });

  test("tail sweep: dim 1…33, and inner 1…33 along a strided dim", () => {
    for (let n = 1; n <= 33; n++) {
      check(K, { outer: 3, dim: n, inner: 1 }, n);
      check(K, { outer: 2, dim: 3, inner: n }, 100 + n);
    }
  });

  test("max-shifted: logits of ±1e4 give finite, correct values", () => {
    check(K, { outer: 4, dim: 9, inner: 1 }, 5, -1e4, 1e4);
    const x = heapF32([1e4, -1e4, 0, 1e4]);
    const out = heapF32(4);
    K.softmax(x, 1, 4, 1, out);
    expect(Array.from(out)).toEqual([0.5, 0, 0, 0.5]);
    K.logSoftmax(x, 1, 4, 1, out);
    expectClose(out, [-Math.LN2, -2e4 - Math.LN2, -1e4 - Math.LN2, -Math.LN2], { rtol: 1e-6, atol: 0 }, `${K.name} ±1e4`);
  });

  test("a NaN makes its own slice NaN and leaves the others alone", () => {
    const x = heapF32([1, 2, 3, 4, 5, NaN, 7, 8]);
    const out = heapF32(8);
    for (const f of ["softmax", "logSoftmax"] as const) {
      K[f](x, 2, 4, 1, out);
      expect(Array.from(out.subarray(0, 4)).some(Number.isNaN), `${f} of a finite row`).toBe(false);
      expect(Array.from(out.subarray(4)).every(Number.isNaN), `${f} of a row with NaN`).toBe(true);
    }
  });
});
