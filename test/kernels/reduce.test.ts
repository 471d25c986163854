/**
 * sumAxis, maxAxis and sum on both backends against float64 references, over
 * (outer, dim, inner) layouts with odd sizes and a tail sweep; the 4e6-element
 * sum within 1e-6 relative of float64; NaN propagation in max and sum.
 *
 * Tolerances: sums are accumulated in float64 (or float32 blocks folded into
 * float64), so they must agree with the float64 sum of the same float32 values
 * to rtol 1e-6 plus atol 1e-6 · Σ|x| (the cancellation allowance, for sums
 * near 0). max returns one of its inputs: exact.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32, heapF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform } from "../helpers/prng";

afterEach(freeHeapArrays);

interface Axis {
  outer: number;
  dim: number;
  inner: number;
}

/** f(slice) for each (o, i), where the slice is x[(o·dim + d)·inner + i] over d. */
function reduceRef(x: Float32Array, { outer, dim, inner }: Axis, f: (slice: number[]) => number): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const slice: number[] = [];
      for (let d = 0; d < dim; d++) slice.push(x[(o * dim + d) * inner + i]);
      out.push(f(slice));
    }
  }
  return out;
}

const sum64 = (v: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
};
const sumAbs64 = (v: ArrayLike<number>) => sum64(Array.from(v, Math.abs));
const max64 = (v: number[]) => (v.some(Number.isNaN) ? NaN : Math.max(...v));

function checkAxis(K: Backend, axis: Axis, seed: number): void {
  const { outer, dim, inner } = axis;
  const label = `${K.name} (outer ${outer}, dim ${dim}, inner ${inner})`;
  const x = guardedF32(uniform(mulberry32(seed), outer * dim * inner, -2, 2));
  const out = guardedF32(outer * inner);
  K.sumAxis(x, outer, dim, inner, out);
  expectClose(out, reduceRef(x, axis, sum64), { rtol: 1e-6, atol: 1e-6 * sumAbs64(x) }, `${label} sumAxis`);
  expectGuardsIntact(out, `${label} sumAxis`);
  if (dim === 0) return; // maxAxis needs dim ≥ 1
  K.maxAxis(x, outer, dim, inner, out);
  expectClose(out, reduceRef(x, axis, max64), { rtol: 0, atol: 0 }, `${label} maxAxis`);
  expectGuardsIntact(out, `${label} maxAxis`);
}

describe.each(backends())("reductions on $name", (K) => {
  test.each<Axis>([
    { outer: 1, dim: 1000, inner: 1 },
    { outer: 3, dim: 7, inner: 1 },
    { outer: 4, dim: 5, inner: 3 },
    { outer: 2, dim: 33, inner: 17 },
    { outer: 5, dim: 1, inner: 9 },
    { outer: 1, dim: 6, inner: 64 },
    { outer: 7, dim: 13, inner: 5 },
  ])("sumAxis and maxAxis over (outer $outer, dim $dim, inner $inner)", (axis) => {
    checkAxis(K, axis, axis.outer * 1000 + axis.dim * 10 + axis.inner);
  });

  test("tail sweep: dim and inner 0…33", () => {
    for (let n = 0; n <= 33; n++) {
      checkAxis(K, { outer: 2, dim: n, inner: 1 }, n);
      checkAxis(K, { outer: 2, dim: 3, inner: n }, 100 + n);
    }
  });

  test("sumAxis over an empty dimension gives zeros", () => {
    const out = guardedF32([5, 5, 5]);
    K.sumAxis(guardedF32(0), 1, 0, 3, out);
    expect(Array.from(out)).toEqual([0, 0, 0]);
  });

  test("sum at lengths 0…33 and 1001", () => {
    const rng = mulberry32(7);
    for (const n of [...Array.from({ length: 34 }, (_, i) => i), 1001]) {
      const x = guardedF32(uniform(rng, n, -1, 1));
      expectClose(K.sum(x), sum64(x), { rtol: 1e-6, atol: 1e-6 * sumAbs64(x) }, `${K.name} sum, n=${n}`);
    }
  });

  test("the sum of 4e6 elements is within 1e-6 relative of float64", () => {
    const n = 4_000_000;
    // Values in [0.1, 1.1): past 2^21 a float32 running sum would lose
    // whole units per addition, so only an accurate accumulation passes.
    const x = heapF32(n);
    const rng = mulberry32(8);
    for (let i = 0; i < n; i++) x[i] = 0.1 + rng();
    const exact = sum64(x);
    expectClose(K.sum(x), exact, { rtol: 1e-6, atol: 0 }, `${K.name} sum of 4e6`);
    const out = heapF32(1);
    K.sumAxis(x, 1, n, 1, out);
    expectClose(out[0], Math.fround(exact), { rtol: 1e-6, atol: 0 }, `${K.name} sumAxis of 4e6`);
  });

  test("NaN propagates through max wherever it is, and through sums", () => {
    for (const at of [0, 1, 6, 16]) {
      // dim 17: a SIMD body and a tail; NaN first, second, mid-body or last.
      const values = uniform(mulberry32(at), 17);
      values[at] = NaN;
      const x = heapF32(values);
      const out = heapF32(1);
      K.maxAxis(x, 1, 17, 1, out);
      expect(out[0], `max with NaN at ${at}`).toBeNaN();
      expect(K.sum(x), `sum with NaN at ${at}`).toBeNaN();
    }
    // Along a strided axis only the slice with the NaN is NaN.
    const x = heapF32([1, NaN, 3, 4, 5, 6]);
    const out = heapF32(2);
    K.maxAxis(x, 1, 3, 2, out);
    expect(Array.from(out)).toEqual([5, NaN]);
    K.sumAxis(x, 1, 3, 2, out);
    expect(Array.from(out)).toEqual([9, NaN]);
  });

  test("max of infinities", () => {
    const x = heapF32([-Infinity, -Infinity, -Infinity, Infinity, 2]);
    const out = heapF32(1);
    K.maxAxis(x, 1, 3, 1, out);
    expect(out[0]).toBe(-Infinity);
    K.maxAxis(x, 1, 5, 1, out);
    expect(out[0]).toBe(Infinity);
  });
});
