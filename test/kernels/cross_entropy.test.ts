/**
 * crossEntropyFwdBwd on both backends against a float64 reference written
 * from backend.ts (PyTorch 1.13 semantics): class-index and probability
 * targets, class weights, ignoreIndex, label smoothing, the (n, classes,
 * inner) layout; odd class counts and inner sizes for the SIMD tails;
 * logits of ±1e4; NaN; every target ignored. The reference gradient is
 * checked against central differences of the reference loss.
 *
 * Tolerances: −log p_c = (max − x_c) + log Σ exp(x − max) is a few float32
 * ulps of |max − x_c| (≤ 10 for the random cases): losses rtol 1e-5, atol
 * 2e-6; gradients are differences of probabilities: rtol 1e-5, atol 1e-6.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32, heapF32 } from "../helpers/heap_arrays";
import { mulberry32, randInt, uniform, type Rng } from "../helpers/prng";

afterEach(freeHeapArrays);

const LOSS_TOL = { rtol: 1e-5, atol: 2e-6 };
const GRAD_TOL = { rtol: 1e-5, atol: 1e-6 };

interface Case {
  n: number;
  classes: number;
  inner: number;
  logits: number[];
  /** Class indices (n·inner) or probabilities (the logits' layout). */
  target: number[];
  weight: number[] | null;
  ignoreIndex: number;
  smoothing: number;
  probTargets: boolean;
}

interface Options {
  weight?: boolean;
  smoothing?: number;
  probTargets?: boolean;
  /** Fraction of class-index targets replaced by ignoreIndex. */
  ignored?: number;
  ignoreIndex?: number;
  lo?: number;
  hi?: number;
}

function makeCase(rng: Rng, n: number, classes: number, inner: number, o: Options = {}): Case {
  const ignoreIndex = o.ignoreIndex ?? -100;
  const logits = uniform(rng, n * classes * inner, o.lo ?? -5, o.hi ?? 5);
  let target: number[];
  if (o.probTargets) {
    // A random distribution over the classes of each sample.
    target = uniform(rng, logits.length, 0, 1);
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        let s = 0;
        for (let c = 0; c < classes; c++) s += target[(b * classes + c) * inner + i];
        for (let c = 0; c < classes; c++) target[(b * classes + c) * inner + i] /= s;
      }
    }
  } else {
    target = Array.from({ length: n * inner }, () => (rng() < (o.ignored ?? 0) ? ignoreIndex : randInt(rng, classes)));
  }
  return {
    n, classes, inner, logits, target, ignoreIndex,
    weight: o.weight ? uniform(rng, classes, 0.2, 2) : null,
    smoothing: o.smoothing ?? 0,
    probTargets: o.probTargets ?? false,
  };
}

/** Per-sample losses and the gradient in float64, from the float32 values the kernel sees. */
function reference(c: Case, logits: ArrayLike<number>, target: ArrayLike<number>, weight: ArrayLike<number> | null) {
  const { n, classes, inner, smoothing: eps } = c;
  const w = (k: number) => (weight === null ? 1 : weight[k]);
  let W = 0;
  for (let k = 0; k < classes; k++) W += w(k);
  const losses: number[] = [];
  const grad = new Array<number>(logits.length).fill(0);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (b * classes + k) * inner + i;
      let max = -Infinity;
      for (let k = 0; k < classes; k++) max = Math.max(max, logits[at(k)]);
      let s = 0;
      for (let k = 0; k < classes; k++) s += Math.exp(logits[at(k)] - max);
      const lse = max + Math.log(s);
      const nll = (k: number) => lse - logits[at(k)];
      const p = (k: number) => Math.exp(logits[at(k)] - lse);
      let loss = 0;
      if (c.probTargets) {
        const q = (k: number) => (1 - eps) * target[at(k)] + eps / classes;
        let wq = 0;
        for (let k = 0; k < classes; k++) {
          loss += w(k) * q(k) * nll(k);
          wq += w(k) * q(k);
        }
        for (let k = 0; k < classes; k++) grad[at(k)] = p(k) * wq - w(k) * q(k);
      } else {
        const t = target[b * inner + i];
        if (t !== c.ignoreIndex) {
          loss = (1 - eps) * w(t) * nll(t);
          for (let k = 0; k < classes; k++) {
            if (eps !== 0) loss += (eps / classes) * w(k) * nll(k);
            grad[at(k)] = (1 - eps) * w(t) * (p(k) - (k === t ? 1 : 0)) + (eps / classes) * (W * p(k) - w(k));
          }
        }
      }
      losses.push(loss);
    }
  }
  return { losses, grad, total: losses.reduce((a, l) => a + l, 0) };
}

function check(K: Backend, c: Case, label: string, tol = { loss: LOSS_TOL, grad: GRAD_TOL }): void {
  const name = `${K.name} ${label} (n ${c.n}, classes ${c.classes}, inner ${c.inner}, ε ${c.smoothing}, ` +
    `weight ${c.weight !== null}, ${c.probTargets ? "probabilities" : "indices"})`;
  const logits = guardedF32(c.logits);
  const target = guardedF32(c.target);
  const weight = c.weight === null ? null : guardedF32(c.weight);
  const ref = reference(c, logits, target, weight);
  const lossOut = guardedF32(c.n * c.inner);
  const gradOut = guardedF32(c.logits.length);
  const call = (l: Float32Array | null, g: Float32Array | null, scale: number) =>
    K.crossEntropyFwdBwd(logits, target, weight, c.n, c.classes, c.inner, c.ignoreIndex, c.smoothing, c.probTargets, l, g, scale);
  const totalTol = { rtol: tol.loss.rtol, atol: tol.loss.atol * Math.max(1, c.n * c.inner) };

  expectClose(call(lossOut, gradOut, 1), ref.total, totalTol, `${name}: returned sum`);
  expectClose(lossOut, ref.losses, tol.loss, `${name}: per-sample losses`);
  expectClose(gradOut, ref.grad, tol.grad, `${name}: gradient`);
  const scale = 1 / 7;
  expectClose(call(null, gradOut, scale), ref.total, totalTol, `${name}: returned sum without lossOut`);
  expectClose(gradOut, ref.grad.map((g) => g * scale), tol.grad, `${name}: gradient scaled by 1/7`);
  expectClose(call(null, null, 1), ref.total, totalTol, `${name}: sum only`);
  for (const view of [logits, target, lossOut, gradOut, ...(weight === null ? [] : [weight])]) {
    expectGuardsIntact(view, name);
  }
}

describe("the f64 reference gradient is the derivative of the reference loss", () => {
  test.each<[string, Options]>([
    ["indices", {}],
    ["indices, weights, smoothing", { weight: true, smoothing: 0.2 }],
    ["probabilities, weights, smoothing", { probTargets: true, weight: true, smoothing: 0.3 }],
  ])("%s", (_label, o) => {
    const c = makeCase(mulberry32(40), 2, 5, 3, o);
    const { grad } = reference(c, c.logits, c.target, c.weight);
    const h = 1e-6;
    for (let j = 0; j < c.logits.length; j++) {
      const plus = c.logits.slice();
      const minus = c.logits.slice();
      plus[j] += h;
      minus[j] -= h;
      const fd = (reference(c, plus, c.target, c.weight).total - reference(c, minus, c.target, c.weight).total) / (2 * h);
      expectClose(grad[j], fd, { rtol: 1e-5, atol: 1e-7 }, `d loss / d logit ${j}`);
    }
  });
});

describe.each(backends())("crossEntropyFwdBwd on $name", (K) => {
  test.each<[string, Options]>([
    ["plain", {}],
    ["class weights", { weight: true }],
    ["ignored targets", { ignored: 0.3 }],
    ["an ignoreIndex that is also a class", { ignored: 0.3, ignoreIndex: 2 }],
    ["label smoothing", { smoothing: 0.1 }],
    ["weights, smoothing and ignored targets", { weight: true, smoothing: 0.25, ignored: 0.2 }],
    ["full smoothing (ε = 1)", { weight: true, smoothing: 1 }],
    ["probability targets", { probTargets: true }],
    ["probability targets, weights and smoothing", { probTargets: true, weight: true, smoothing: 0.15 }],
  ])("(N, C) = (16, 10), %s", (label, o) => {
    check(K, makeCase(mulberry32(41), 16, 10, 1, o), label);
  });

  test.each<[string, Options]>([
    ["indices", { ignored: 0.2 }],
    ["indices, weights and smoothing", { weight: true, smoothing: 0.1, ignored: 0.2 }],
    ["probabilities with weights", { probTargets: true, weight: true }],
  ])("K-dim (N, C, d1, d2) = (3, 5, 2, 3), %s", (label, o) => {
    check(K, makeCase(mulberry32(42), 3, 5, 6, o), label);
  });

  test("tail sweep: odd class counts and inner sizes", () => {
    const rng = mulberry32(43);
    for (const classes of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33]) {
      for (const inner of [1, 2, 3, 5]) {
        check(K, makeCase(rng, 3, classes, inner, { ignored: 0.2 }), "sweep");
        check(K, makeCase(rng, 2, classes, inner, { weight: true, smoothing: 0.1 }), "sweep");
        check(K, makeCase(rng, 2, classes, inner, { probTargets: true, weight: true, smoothing: 0.05 }), "sweep");
      }
    }
  });

  test("logits of ±1e4 give finite, correct losses and gradients", () => {
    // Relative tolerance on |max − x_t| ≈ 2e4: a few ulps.
    const tol = { loss: { rtol: 1e-6, atol: 1e-6 }, grad: GRAD_TOL };
    check(K, makeCase(mulberry32(44), 8, 9, 1, { lo: -1e4, hi: 1e4, smoothing: 0.1, weight: true }), "±1e4", tol);
    check(K, makeCase(mulberry32(45), 4, 9, 1, { lo: -1e4, hi: 1e4, probTargets: true }), "±1e4", tol);

    const logits = heapF32([1e4, -1e4, 0, -1e4, -1e4, 1e4]);
    const lossOut = heapF32(2);
    const gradOut = heapF32(6);
    const total = K.crossEntropyFwdBwd(logits, heapF32([1, 2]), null, 2, 3, 1, -100, 0, false, lossOut, gradOut, 1);
    expectClose(lossOut, [2e4, 0], { rtol: 1e-7, atol: 0 }, `${K.name} ±1e4 losses`);
    expect(total).toBe(2e4);
    expect(Array.from(gradOut)).toEqual([1, -1, 0, 0, 0, 0]);
  });

  test("every target ignored: zero losses, zero sum, zero gradients", () => {
    const c = makeCase(mulberry32(46), 4, 6, 2, { ignored: 1, weight: true, smoothing: 0.3 });
    expect(c.target.every((t) => t === -100)).toBe(true);
    const lossOut = heapF32(8).fill(7);
    const gradOut = heapF32(48).fill(7);
    const total = K.crossEntropyFwdBwd(heapF32(c.logits), heapF32(c.target), heapF32(c.weight!), 4, 6, 2, -100, 0.3, false,
      lossOut, gradOut, 1);
    expect(total).toBe(0);
    expect(Array.from(lossOut)).toEqual(new Array(8).fill(0));
    expect(Array.from(gradOut)).toEqual(new Array(48).fill(0));
  });

  test("long rows on the plain path (indices, no weight, no smoothing): leading −inf, NaN in the tail, ±inf", () => {
    // C = 8195: 8-class SIMD steps, one vector and 3 scalar classes of tail.
    const classes = 8195;
    const c = makeCase(mulberry32(48), 6, classes, 1, { lo: -30, hi: 30 });
    for (let k = 0; k < 5000; k++) c.logits[classes + k] = -Infinity; // row 1: a leading run of −inf
    c.target[1] = 6000;
    c.logits[2 * classes + 8193] = NaN; // row 2: NaN among the scalar tail
    c.logits[3 * classes + 17] = Infinity; // row 3: +inf
    for (let k = 0; k < classes; k++) c.logits[4 * classes + k] = -Infinity; // row 4: all −inf
    c.target[5] = -100; // row 5: ignored
    const logits = heapF32(c.logits);
    const lossOut = heapF32(6);
    const gradOut = heapF32(6 * classes);
    K.crossEntropyFwdBwd(logits, heapF32(c.target), null, 6, classes, 1, -100, 0, false, lossOut, gradOut, 0.5);
    const ref = reference(c, logits, c.target, null);
    for (const r of [0, 1, 5]) {
      expectClose(lossOut[r], ref.losses[r], LOSS_TOL, `${K.name} row ${r} loss`);
      expectClose(gradOut.subarray(r * classes, (r + 1) * classes), ref.grad.slice(r * classes, (r + 1) * classes).map((g) => g * 0.5),
        GRAD_TOL, `${K.name} row ${r} gradient`);
    }
    for (const r of [2, 3, 4]) {
      expect(lossOut[r], `${K.name} row ${r} loss`).toBeNaN();
      expect(gradOut.subarray(r * classes, (r + 1) * classes).every(Number.isNaN), `${K.name} row ${r} gradient`).toBe(true);
    }
    expect(gradOut[classes + 10], "a −inf logit's gradient").toBe(0);
  });

  test("rows of 1e5 classes whose max grows block after block (the long rows' running max)", () => {
    // Ascending, descending and random rows: the blocks' shifts rise up to 64 times, or never.
    const classes = 100_000;
    const c = makeCase(mulberry32(49), 3, classes, 1, { lo: -20, hi: 20 });
    for (let k = 0; k < classes; k++) {
      c.logits[k] = -30 + (60 * k) / classes;
      c.logits[classes + k] = 30 - (60 * k) / classes;
    }
    c.target[0] = 5;
    c.target[1] = classes - 1;
    check(K, c, "1e5 classes");
  });

  test("a NaN logit makes its own sample NaN and leaves the others alone", () => {
    for (const inner of [1, 3]) {
      const c = makeCase(mulberry32(47), 4, 9, inner, { smoothing: 0.1 });
      const logits = heapF32(c.logits);
      const at = (1 * 9 + 4) * inner; // sample (1, 0), class 4
      logits[at] = NaN;
      const lossOut = heapF32(4 * inner);
      const gradOut = heapF32(36 * inner);
      const total = K.crossEntropyFwdBwd(logits, heapF32(c.target), null, 4, 9, inner, -100, 0.1, false, lossOut, gradOut, 1);
      expect(total).toBeNaN();
      expect(Array.from(lossOut).map(Number.isNaN)).toEqual(Array.from(lossOut, (_, s) => s === inner));
      for (let j = 0; j < gradOut.length; j++) {
        const sample = Math.floor(j / (9 * inner)) * inner + (j % inner);
        expect(Number.isNaN(gradOut[j]), `gradient ${j}`).toBe(sample === inner);
      }
    }
  });
});
