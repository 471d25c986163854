/**
 * matmul on both backends against a float64 triple loop: every combination
 * of transA, transB and accumulate, on sizes 1×1×1, 7×13×5, 33×65×17 and
 * others around the SIMD width, k = 0, and NaN propagation.
 *
 * Tolerance: the usual float32 dot-product bound, atol = k · 2⁻²³ · max over
 * outputs of Σ_p |a_ip · b_pj| (plus the accumulated value for accumulate).
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform } from "../helpers/prng";

afterEach(freeHeapArrays);

const SIZES: [number, number, number][] = [
  [1, 1, 1],
  [7, 13, 5],
  [33, 65, 17],
  [4, 4, 4],
  [5, 3, 9],
  [16, 1, 31],
  [2, 40, 3],
  [3, 0, 6],
];
const FLAGS = [false, true];

/** A(i, p) and B(p, j) as stored, honouring the transposes. */
function at(x: Float32Array, row: number, col: number, rows: number, cols: number, trans: boolean): number {
  return trans ? x[col * rows + row] : x[row * cols + col];
}

function check(K: Backend, m: number, k: number, n: number, transA: boolean, transB: boolean, accumulate: boolean): void {
  const label = `${K.name} ${m}×${k}×${n} transA=${transA} transB=${transB} accumulate=${accumulate}`;
  const rng = mulberry32(m * 10007 + k * 101 + n);
  const a = guardedF32(uniform(rng, m * k));
  const b = guardedF32(uniform(rng, k * n));
  const initial = uniform(rng, m * n);
  const out = guardedF32(initial);
  const expected = new Array<number>(m * n);
  let bound = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? initial[i * n + j] : 0;
      let mag = Math.abs(s);
      for (let p = 0; p < k; p++) {
        const prod = at(a, i, p, m, k, transA) * at(b, p, j, k, n, transB);
        s += prod;
        mag += Math.abs(prod);
      }
      expected[i * n + j] = s;
      bound = Math.max(bound, mag);
    }
  }
  K.matmul(a, b, out, m, k, n, transA, transB, accumulate);
  expectClose(out, expected, { rtol: 0, atol: (k + 1) * 2 ** -23 * bound }, label);
  expectGuardsIntact(out, label);
}

describe.each(backends())("matmul on $name", (K) => {
  for (const [m, k, n] of SIZES) {
    test(`${m}×${k}×${n} with every transA/transB/accumulate combination`, () => {
      for (const transA of FLAGS) {
        for (const transB of FLAGS) {
          for (const accumulate of FLAGS) check(K, m, k, n, transA, transB, accumulate);
        }
      }
    });
  }

  test("k = 0 writes zeros, or leaves out unchanged with accumulate", () => {
    const out = guardedF32([1, 2, 3, 4, 5, 6]);
    K.matmul(guardedF32(0), guardedF32(0), out, 2, 0, 3, false, false, true);
    expect(Array.from(out)).toEqual([1, 2, 3, 4, 5, 6]);
    K.matmul(guardedF32(0), guardedF32(0), out, 2, 0, 3, false, true, false);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test("sweep n and m over 1…17 around the SIMD width", () => {
    for (let s = 1; s <= 17; s++) {
      check(K, 3, 5, s, false, false, false);
      check(K, s, 6, 2, true, false, true);
      check(K, 2, s, s, false, true, false);
    }
  });

  test("a NaN in A reaches its row of the product only", () => {
    const a = guardedF32([1, 2, NaN, 4, 5, 6]); // 3×2
    const b = guardedF32([1, 0, 2, 0, 1, 3]); // 2×3
    const out = guardedF32(9);
    K.matmul(a, b, out, 3, 2, 3, false, false, false);
    expect(Array.from(out.subarray(0, 3))).toEqual([1, 2, 8]);
    expect(Array.from(out.subarray(3, 6)).every(Number.isNaN)).toBe(true);
    expect(Array.from(out.subarray(6, 9))).toEqual([5, 6, 28]);
  });
});
