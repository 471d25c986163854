/**
 * Element-wise kernels on both backends against float64 references computed
 * here from the float32 inputs: unary ops and their backward, powScalar and
 * its backward, binary, binaryScalar, addInPlace; a tail sweep over lengths
 * 0…33 on unaligned, guarded views; special values and NaN.
 *
 * Tolerances: +, −, ·, ÷, neg, abs, relu and sqrt are correctly rounded on
 * both backends (one float32 rounding of the exact result), so they must
 * match exactly. exp/log/sigmoid/tanh in wasm are ≤ 4 ulp polynomials, hence
 * rtol 1e-6 (≈ 8 ulp). Backward formulas with several roundings, e.g.
 * gy·(1 − y²), lose absolute, not relative, accuracy: atol 2e-7 for |gy| ≤ 1.
 */
import { afterEach, describe, expect, test } from "vitest";
import { BinaryOp, UnaryOp, type Backend } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose, type Tolerance } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32, heapF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform, type Rng } from "../helpers/prng";

afterEach(freeHeapArrays);

const EXACT: Tolerance = { rtol: 0, atol: 0 };
const TRANSCENDENTAL: Tolerance = { rtol: 1e-6, atol: 1e-30 };
const MULTI_ROUNDING: Tolerance = { rtol: 1e-6, atol: 2e-7 };

type UnaryName = keyof typeof UnaryOp;

interface UnaryCase {
  /** f64 reference of the forward. */
  f: (x: number) => number;
  /** f64 reference of gx from x, y = f(x) and gy. */
  df: (x: number, y: number, gy: number) => number;
  /** Where random inputs are drawn. */
  lo: number;
  hi: number;
  tol: Tolerance;
  gradTol: Tolerance;
}

const torchSign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

const UNARY: Record<UnaryName, UnaryCase> = {
  neg: { f: (x) => -x, df: (_x, _y, g) => -g, lo: -5, hi: 5, tol: EXACT, gradTol: EXACT },
  abs: { f: Math.abs, df: (x, _y, g) => g * torchSign(x), lo: -5, hi: 5, tol: EXACT, gradTol: EXACT },
  exp: { f: Math.exp, df: (_x, y, g) => g * y, lo: -10, hi: 10, tol: TRANSCENDENTAL, gradTol: EXACT },
  log: { f: Math.log, df: (x, _y, g) => g / x, lo: 0.01, hi: 10, tol: { rtol: 1e-6, atol: 1e-7 }, gradTol: EXACT },
  sqrt: { f: Math.sqrt, df: (_x, y, g) => g / (2 * y), lo: 0, hi: 10, tol: EXACT, gradTol: EXACT },
  relu: { f: (x) => (x < 0 ? 0 : x), df: (x, _y, g) => (x > 0 ? g : 0), lo: -5, hi: 5, tol: EXACT, gradTol: EXACT },
  sigmoid: { f: sigmoid, df: (_x, y, g) => g * y * (1 - y), lo: -12, hi: 12, tol: TRANSCENDENTAL, gradTol: MULTI_ROUNDING },
  tanh: { f: Math.tanh, df: (_x, y, g) => g * (1 - y * y), lo: -6, hi: 6, tol: TRANSCENDENTAL, gradTol: MULTI_ROUNDING },
};
const UNARY_NAMES = Object.keys(UNARY) as UnaryName[];

type BinaryName = keyof typeof BinaryOp;
const BINARY: Record<BinaryName, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
};
const BINARY_NAMES = Object.keys(BINARY) as BinaryName[];

const POW_EXPONENTS = [0, 1, 2, 3, -1, -2, 0.5, 1.5, -0.5];

/** f64 reference, rounded to float32 like a correctly rounded kernel. */
function ref(values: ArrayLike<number>, f: (v: number, i: number) => number): number[] {
  return Array.from(values, (v, i) => Math.fround(f(v, i)));
}

function checkUnary(K: Backend, name: UnaryName, n: number, rng: Rng): void {
  const c = UNARY[name];
  const op = UnaryOp[name];
  const x = guardedF32(uniform(rng, n, c.lo, c.hi));
  const y = guardedF32(n);
  K.unary(op, x, y);
  expectClose(y, ref(x, c.f), c.tol, `${K.name} ${name}(x), n=${n}`);
  expectGuardsIntact(y, `${K.name} ${name}`);

  // Backward from the reference y, so both backends see identical inputs.
  const yRef = guardedF32(ref(x, c.f));
  const gy = guardedF32(uniform(rng, n));
  const gx = guardedF32(n);
  K.unaryBackward(op, x, yRef, gy, gx);
  expectClose(gx, ref(x, (v, i) => c.df(v, yRef[i], gy[i])), c.gradTol, `${K.name} ${name} backward, n=${n}`);
  expectGuardsIntact(gx, `${K.name} ${name} backward`);
}

function checkPow(K: Backend, p: number, n: number, rng: Rng): void {
  // Negative bases only for integral exponents (else NaN, tested separately).
  const lo = Number.isInteger(p) ? -3 : 0.05;
  const x = guardedF32(uniform(rng, n, lo, 3));
  const out = guardedF32(n);
  K.powScalar(x, p, out);
  expectClose(out, ref(x, (v) => Math.pow(v, p)), { rtol: 2.4e-7, atol: 0 }, `${K.name} x ** ${p}, n=${n}`);
  expectGuardsIntact(out, `${K.name} pow`);

  const gy = guardedF32(uniform(rng, n));
  const gx = guardedF32(n);
  K.powScalarBackward(x, p, gy, gx);
  const dRef = ref(x, (v, i) => (p === 0 ? 0 : gy[i] * p * Math.pow(v, p - 1)));
  expectClose(gx, dRef, { rtol: 1e-6, atol: 1e-30 }, `${K.name} d(x ** ${p}), n=${n}`);
  expectGuardsIntact(gx, `${K.name} pow backward`);
}

function checkBinary(K: Backend, name: BinaryName, n: number, rng: Rng): void {
  const f = BINARY[name];
  const a = guardedF32(uniform(rng, n, -4, 4));
  // Divisors away from 0 keep the quotients ordinary numbers.
  const b = guardedF32(uniform(rng, n, 0.25, 4).map((v, i) => (i % 2 === 0 ? v : -v)));
  const out = guardedF32(n);
  K.binary(BinaryOp[name], a, b, out);
  expectClose(out, ref(a, (v, i) => f(v, b[i])), EXACT, `${K.name} a ${name} b, n=${n}`);
  expectGuardsIntact(out, `${K.name} ${name}`);

  // A scalar that is not a float32: both backends use Math.fround(s).
  const s = -0.3;
  K.binaryScalar(BinaryOp[name], a, s, out);
  expectClose(out, ref(a, (v) => f(v, Math.fround(s))), EXACT, `${K.name} a ${name} ${s}, n=${n}`);
  expectGuardsIntact(out, `${K.name} ${name} scalar`);
}

function checkAddInPlace(K: Backend, n: number, rng: Rng): void {
  const acc = guardedF32(uniform(rng, n));
  const x = guardedF32(uniform(rng, n));
  const expected = ref(acc, (v, i) => v + x[i]);
  K.addInPlace(acc, x);
  expectClose(acc, expected, EXACT, `${K.name} addInPlace, n=${n}`);
  expectGuardsIntact(acc, `${K.name} addInPlace`);
}

describe.each(backends())("element-wise kernels on $name", (K) => {
  test.each(UNARY_NAMES)("%s and its backward on 1000 random values", (name) => {
    checkUnary(K, name, 1000, mulberry32(11));
  });

  test.each(POW_EXPONENTS)("powScalar and its backward, p = %s", (p) => {
    checkPow(K, p, 257, mulberry32(12));
  });

  test.each(BINARY_NAMES)("binary and binaryScalar %s", (name) => {
    checkBinary(K, name, 1000, mulberry32(13));
  });

  test("addInPlace", () => {
    checkAddInPlace(K, 1000, mulberry32(14));
  });

  test("tail sweep: every element-wise kernel at lengths 0…33 on unaligned views", () => {
    const rng = mulberry32(15);
    for (let n = 0; n <= 33; n++) {
      for (const name of UNARY_NAMES) checkUnary(K, name, n, rng);
      for (const p of [2, 0.5, -1, 3]) checkPow(K, p, n, rng);
      for (const name of BINARY_NAMES) checkBinary(K, name, n, rng);
      checkAddInPlace(K, n, rng);
    }
  });

  test("special values: infinities, zeros, saturation", () => {
    const x = heapF32([0, -0, 1e-30, 100, -200, -1, Infinity, -Infinity]);
    const out = heapF32(x.length);
    K.unary(UnaryOp.exp, x, out);
    expect(Array.from(out)).toEqual([1, 1, 1, Infinity, 0, Math.fround(Math.exp(-1)), Infinity, 0]);
    K.unary(UnaryOp.log, x, out);
    expect(Array.from(out.subarray(0, 2))).toEqual([-Infinity, -Infinity]);
    expect(out[5]).toBeNaN(); // log(−1)
    expect(out[6]).toBe(Infinity);
    K.unary(UnaryOp.sqrt, x, out);
    expect(out[5]).toBeNaN(); // sqrt(−1)
    K.unary(UnaryOp.sigmoid, x, out);
    expect(Array.from(out.subarray(3))).toEqual([1, 0, Math.fround(sigmoid(-1)), 1, 0]);
    K.unary(UnaryOp.tanh, x, out);
    expect(Array.from(out.subarray(3))).toEqual([1, -1, Math.fround(Math.tanh(-1)), 1, -1]);

    // Gradients at the kinks are PyTorch's: abs'(0) = 0, relu'(0) = 0.
    const zeros = heapF32([0, -0]);
    const gy = heapF32([3, 3]);
    const gx = heapF32(2);
    K.unaryBackward(UnaryOp.abs, zeros, zeros, gy, gx);
    expect(Array.from(gx)).toEqual([0, 0]);
    K.unaryBackward(UnaryOp.relu, zeros, zeros, gy, gx);
    expect(Array.from(gx)).toEqual([0, 0]);

    // x ** 0 = 1 even at 0; d(x ** 0) = 0; negative base, fractional exponent → NaN.
    const base = heapF32([0, -2, 4]);
    const pw = heapF32(3);
    K.powScalar(base, 0, pw);
    expect(Array.from(pw)).toEqual([1, 1, 1]);
    K.powScalarBackward(base, 0, heapF32([1, 1, 1]), pw);
    expect(Array.from(pw)).toEqual([0, 0, 0]);
    K.powScalar(base, 0.5, pw);
    expect(pw[0]).toBe(0);
    expect(pw[1]).toBeNaN();
    expect(pw[2]).toBe(2);
  });

  test("NaN propagates through every unary op, binary op and backward, as in PyTorch", () => {
    const n = 19; // a SIMD body and a tail
    const values = uniform(mulberry32(16), n, 0.5, 2);
    values[3] = NaN;
    values[n - 1] = NaN;
    const x = heapF32(values);
    const out = heapF32(n);
    for (const name of UNARY_NAMES) {
      K.unary(UnaryOp[name], x, out);
      expect(out[3], `${name}(NaN)`).toBeNaN();
      expect(out[n - 1], `${name}(NaN) in the tail`).toBeNaN();
      expect(Number.isNaN(out[0]), `${name} of a number`).toBe(false);
    }
    for (const name of BINARY_NAMES) {
      K.binary(BinaryOp[name], x, heapF32(n).fill(1.5), out);
      expect(out[3], `NaN ${name} 1.5`).toBeNaN();
      expect(out[n - 1], `NaN ${name} 1.5 in the tail`).toBeNaN();
      K.binaryScalar(BinaryOp[name], heapF32(n).fill(1), NaN, out);
      expect(Array.from(out).every(Number.isNaN), `1 ${name} NaN`).toBe(true);
    }
    K.powScalar(x, 2, out);
    expect(out[3]).toBeNaN();

    // NaN in the incoming gradient flows through; abs'(NaN) is torch.sign(NaN) = 0.
    const gy = heapF32(n).fill(1);
    gy[5] = NaN;
    const gx = heapF32(n);
    for (const name of ["neg", "exp", "sigmoid", "tanh"] as const) {
      K.unaryBackward(UnaryOp[name], heapF32(n).fill(0.5), heapF32(n).fill(0.5), gy, gx);
      expect(gx[5], `${name} backward of NaN gradient`).toBeNaN();
    }
    K.unaryBackward(UnaryOp.abs, x, x, heapF32(n).fill(1), gx);
    expect(gx[3]).toBe(0);
  });
});
