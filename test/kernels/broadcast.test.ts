/**
 * binaryBroadcast on both backends against a reference that walks every
 * output index and computes both offsets from the strides: bias rows, column
 * broadcast, scalar-like operands, general 3-D/4-D/8-D broadcasts, a
 * transposed (non-contiguous) operand, 0-d and empty outputs, and row lengths
 * 0…33 for the SIMD tails. Each output is one float32 rounding of a op b on
 * both backends, so the comparison is exact.
 */
import { afterEach, describe, expect, test } from "vitest";
import { BinaryOp, type Backend } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform } from "../helpers/prng";

afterEach(freeHeapArrays);

const EXACT = { rtol: 0, atol: 0 };
const OPS: [string, BinaryOp, (a: number, b: number) => number][] = [
  ["add", BinaryOp.add, (a, b) => a + b],
  ["sub", BinaryOp.sub, (a, b) => a - b],
  ["mul", BinaryOp.mul, (a, b) => a * b],
  ["div", BinaryOp.div, (a, b) => a / b],
];

/** Row-major strides of `shape` against `out` (right-aligned), 0 where broadcast. */
function stridesFor(shape: number[], out: number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const o = out.length - shape.length + d;
    strides[o] = shape[d] === 1 ? 0 : step;
    step *= shape[d];
  }
  return strides;
}

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** out[idx] = f(a[idx·aStrides], b[idx·bStrides]) for every idx, in float64, rounded once. */
function reference(
  f: (a: number, b: number) => number,
  a: Float32Array, aStrides: number[], b: Float32Array, bStrides: number[], outShape: number[],
): number[] {
  const total = size(outShape);
  const out = new Array<number>(total);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let ai = 0;
    let bi = 0;
    for (let d = outShape.length - 1; d >= 0; d--) {
      const idx = rest % outShape[d];
      rest = Math.floor(rest / outShape[d]);
      ai += idx * aStrides[d];
      bi += idx * bStrides[d];
    }
    out[flat] = Math.fround(f(a[ai], b[bi]));
  }
  return out;
}

function check(
  K: Backend, aLen: number, aStrides: number[], bLen: number, bStrides: number[], outShape: number[], label: string,
): void {
  const rng = mulberry32(aLen * 131 + bLen);
  const a = guardedF32(uniform(rng, aLen, -3, 3));
  // b stays away from 0 so that div is ordinary.
  const b = guardedF32(uniform(rng, bLen, 0.5, 3));
  const out = guardedF32(size(outShape));
  for (const [name, op, f] of OPS) {
    K.binaryBroadcast(op, a, aStrides, b, bStrides, out, outShape);
    expectClose(out, reference(f, a, aStrides, b, bStrides, outShape), EXACT, `${K.name} ${label} ${name}`);
    expectGuardsIntact(out, `${K.name} ${label} ${name}`);
  }
}

/** The common case: two shapes broadcast NumPy-style. */
function checkShapes(K: Backend, aShape: number[], bShape: number[], outShape: number[]): void {
  const label = `[${aShape}] with [${bShape}] → [${outShape}]`;
  check(K, size(aShape), stridesFor(aShape, outShape), size(bShape), stridesFor(bShape, outShape), outShape, label);
}

describe.each(backends())("binaryBroadcast on $name", (K) => {
  test("bias row: (m, n) with (n), and (n) with (m, n)", () => {
    checkShapes(K, [9, 13], [13], [9, 13]);
    checkShapes(K, [13], [9, 13], [9, 13]);
  });

  test("column: (m, n) with (m, 1), and (m, 1) with (m, n)", () => {
    checkShapes(K, [6, 11], [6, 1], [6, 11]);
    checkShapes(K, [6, 1], [6, 11], [6, 11]);
  });

  test("scalar-like operands: (1, 1) and ()", () => {
    checkShapes(K, [5, 7], [1, 1], [5, 7]);
    checkShapes(K, [], [3, 5, 7], [3, 5, 7]);
  });

  test("outer product: (m, 1) with (1, n)", () => {
    checkShapes(K, [7, 1], [1, 10], [7, 10]);
  });

  test("general 3-D and 4-D broadcasts", () => {
    checkShapes(K, [3, 1, 5], [1, 4, 5], [3, 4, 5]);
    checkShapes(K, [2, 1, 3, 1], [1, 4, 1, 5], [2, 4, 3, 5]);
    checkShapes(K, [2, 3, 4, 5], [3, 1, 5], [2, 3, 4, 5]);
    checkShapes(K, [2, 3, 1, 17], [2, 1, 6, 1], [2, 3, 6, 17]);
  });

  test("8 dimensions, the most the interface allows", () => {
    checkShapes(K, [2, 1, 2, 1, 2, 1, 2, 3], [1, 2, 1, 2, 1, 2, 1, 3], [2, 2, 2, 2, 2, 2, 2, 3]);
  });

  test("a transposed operand (strides [1, m])", () => {
    const m = 5;
    const n = 9;
    check(K, m * n, [1, m], n, [0, 1], [m, n], "transposed a with a bias row");
  });

  test("0-d output and empty outputs", () => {
    checkShapes(K, [], [], []);
    checkShapes(K, [3, 0], [0], [3, 0]);
    checkShapes(K, [0, 4], [1, 4], [0, 4]);
  });

  test("tail sweep: row lengths 0…33 for rows, columns and general broadcasts", () => {
    for (let n = 0; n <= 33; n++) {
      checkShapes(K, [3, n], [n], [3, n]);
      checkShapes(K, [3, 1], [3, n], [3, n]);
      checkShapes(K, [2, 1, n], [1, 3, 1], [2, 3, n]);
    }
  });

  test("NaN in one operand reaches exactly the outputs that read it", () => {
    const a = guardedF32([1, 2, 3, 4, 5, 6]);
    const b = guardedF32([NaN, 1, 1]);
    const out = guardedF32(6);
    K.binaryBroadcast(BinaryOp.add, a, [3, 1], b, [0, 1], out, [2, 3]);
    expect(Array.from(out)).toEqual([NaN, 3, 4, NaN, 6, 7]);
  });
});
