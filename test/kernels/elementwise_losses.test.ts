/**
 * The element-wise loss kernel (elementwiseLossFwdBwd) for MSE, L1, BCE and
 * BCE-with-logits on both backends against float64 references written
 * from the formulas of backend.ts (PyTorch 1.13): per-element losses, the
 * returned float64 sum and the scaled gradient, with and without weights and
 * posWeight; the reference gradients are themselves checked against central
 * differences of the reference losses. Plus a tail sweep over lengths 0…33 on
 * guarded, unaligned views, BCE's clamps at x = 0 and 1, extreme logits
 * (±1e4, ±100, ±88), NaN, and the mean of 4e6 squared errors within 1e-6.
 *
 * Tolerances (per loss, below): the kernels round each element to float32
 * and the wasm log/exp are ≤ 4 ulp, so rtol 1e-6 … 1e-5. BCE-with-logits
 * computes (1 − y)·x + l·softplus(−x) as PyTorch does; that sum cancels when
 * the loss is small, leaving an absolute error of a few ulps of |x| (≤ 10
 * here): atol 1e-5.
 */
import { afterEach, describe, expect, test } from "vitest";
import type { Backend, F32 } from "../../ts/backend/backend";
import { backends } from "../helpers/backends";
import { expectClose, type Tolerance } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32, heapF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform, type Rng } from "../helpers/prng";
import { MSE as MSE_KIND } from "../../ts/losses/mse_loss";
import { L1 as L1_KIND } from "../../ts/losses/l1_loss";
import { BCE as BCE_KIND } from "../../ts/losses/bce_loss";
import { BCE_WITH_LOGITS as BCE_WITH_LOGITS_KIND } from "../../ts/losses/bce_with_logits_loss";

afterEach(freeHeapArrays);

/** One element's inputs: x, y, its weight w and its posWeight entry p (1 when absent). */
interface Elem {
  x: number;
  y: number;
  w: number;
  p: number;
}

interface LossSpec {
  name: string;
  /** Calls the kernel; weight/posWeight are ignored by losses without them. */
  call(K: Backend, x: F32, y: F32, w: F32 | null, pos: F32 | null, classes: number,
    lossOut: F32 | null, gradOut: F32 | null, scale: number): number;
  loss(e: Elem): number;
  grad(e: Elem): number;
  /** Random inputs in the loss's domain. */
  inputs(rng: Rng, n: number): { x: number[]; y: number[] };
  weighted: boolean;
  posWeighted: boolean;
  tol: Tolerance;
  gradTol: Tolerance;
}

const sign = (v: number) => (v > 0 ? 1 : v < 0 ? -1 : 0);
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
/** 1 + (p − 1)·y: BCE-with-logits' weight of the positive term. */
const posTerm = (e: Elem) => 1 + (e.p - 1) * e.y;

const MSE: LossSpec = {
  name: "mseFwdBwd",
  call: (K, x, y, _w, _p, _c, l, g, s) => K.elementwiseLossFwdBwd(MSE_KIND, x, y, null, null, [], l, g, null, s),
  loss: ({ x, y }) => (x - y) ** 2,
  grad: ({ x, y }) => 2 * (x - y),
  inputs: (rng, n) => ({ x: uniform(rng, n, -3, 3), y: uniform(rng, n, -3, 3) }),
  weighted: false,
  posWeighted: false,
  tol: { rtol: 1e-6, atol: 1e-12 },
  gradTol: { rtol: 1e-6, atol: 1e-12 },
};

const L1: LossSpec = {
  name: "l1FwdBwd",
  call: (K, x, y, _w, _p, _c, l, g, s) => K.elementwiseLossFwdBwd(L1_KIND, x, y, null, null, [], l, g, null, s),
  loss: ({ x, y }) => Math.abs(x - y),
  grad: ({ x, y }) => sign(x - y),
  // Every third target equals its input: the gradient is 0 there, as in PyTorch.
  inputs: (rng, n) => {
    const x = uniform(rng, n, -3, 3);
    const y = uniform(rng, n, -3, 3).map((v, i) => (i % 3 === 0 ? Math.fround(x[i]) : v));
    return { x, y };
  },
  weighted: false,
  posWeighted: false,
  tol: { rtol: 1e-6, atol: 0 },
  gradTol: { rtol: 1e-7, atol: 0 },
};

const BCE: LossSpec = {
  name: "bceFwdBwd",
  call: (K, x, y, w, _p, _c, l, g, s) => K.elementwiseLossFwdBwd(BCE_KIND, x, y, w, null, [], l, g, null, s),
  loss: ({ x, y, w }) => -w * (y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log(1 - x), -100)),
  grad: ({ x, y, w }) => (w * (x - y)) / Math.max(x * (1 - x), 1e-12),
  // Soft targets in [0, 1], as BCELoss allows.
  inputs: (rng, n) => ({ x: uniform(rng, n, 0.02, 0.98), y: uniform(rng, n, 0, 1) }),
  weighted: true,
  posWeighted: false,
  tol: { rtol: 1e-6, atol: 1e-6 },
  gradTol: { rtol: 1e-5, atol: 1e-6 },
};

const BCE_WITH_LOGITS: LossSpec = {
  name: "bceWithLogitsFwdBwd",
  call: (K, x, y, w, p, c, l, g, s) => K.elementwiseLossFwdBwd(BCE_WITH_LOGITS_KIND, x, y, w, p === null ? null : p.subarray(0, c), [], l, g, null, s),
  loss: (e) => e.w * ((1 - e.y) * e.x + posTerm(e) * softplus(-e.x)),
  grad: (e) => e.w * (1 - e.y - posTerm(e) * sigmoid(-e.x)),
  inputs: (rng, n) => ({ x: uniform(rng, n, -10, 10), y: uniform(rng, n, 0, 1) }),
  weighted: true,
  posWeighted: true,
  tol: { rtol: 1e-6, atol: 1e-5 },
  gradTol: { rtol: 1e-5, atol: 2e-7 },
};

const LOSSES = [MSE, L1, BCE, BCE_WITH_LOGITS];

interface Variant {
  weight: boolean;
  posWeight: boolean;
}

/** Runs the kernel three ways (loss + grad, grad only with 1/n, sum only) against the reference. */
function check(K: Backend, L: LossSpec, n: number, classes: number, v: Variant, rng: Rng): void {
  const label = `${K.name} ${L.name} n=${n} classes=${classes} weight=${v.weight} posWeight=${v.posWeight}`;
  const { x: xs, y: ys } = L.inputs(rng, n);
  const x = guardedF32(xs);
  const y = guardedF32(ys);
  const w = v.weight ? guardedF32(uniform(rng, n, 0.2, 2)) : null;
  const pos = v.posWeight ? guardedF32(uniform(rng, classes, 0.5, 3)) : null;
  const elems: Elem[] = Array.from(x, (xi, i) => ({ x: xi, y: y[i], w: w?.[i] ?? 1, p: pos?.[i % classes] ?? 1 }));
  const lossRef = elems.map(L.loss);
  const gradRef = elems.map(L.grad);
  const totalRef = lossRef.reduce((s, l) => s + l, 0);
  const totalTol = { rtol: L.tol.rtol, atol: L.tol.atol * Math.max(n, 1) };

  const lossOut = guardedF32(n);
  const gradOut = guardedF32(n);
  const total = L.call(K, x, y, w, pos, classes, lossOut, gradOut, 1);
  expectClose(lossOut, lossRef, L.tol, `${label}: losses`);
  expectClose(gradOut, gradRef, L.gradTol, `${label}: gradient`);
  expectClose(total, totalRef, totalTol, `${label}: returned sum`);

  const scale = 1 / Math.max(n, 1);
  gradOut.fill(0);
  const total2 = L.call(K, x, y, w, pos, classes, null, gradOut, scale);
  expectClose(gradOut, gradRef.map((g) => g * scale), L.gradTol, `${label}: gradient scaled by 1/n`);
  expectClose(total2, totalRef, totalTol, `${label}: returned sum without lossOut`);
  expectClose(L.call(K, x, y, w, pos, classes, null, null, 1), totalRef, totalTol, `${label}: sum only`);

  for (const view of [x, y, lossOut, gradOut]) expectGuardsIntact(view, label);
}

function variants(L: LossSpec): Variant[] {
  const out: Variant[] = [{ weight: false, posWeight: false }];
  if (L.weighted) out.push({ weight: true, posWeight: false });
  if (L.posWeighted) out.push({ weight: false, posWeight: true }, { weight: true, posWeight: true });
  return out;
}

describe("the f64 reference gradients are the derivatives of the reference losses", () => {
  test.each(LOSSES)("$name", (L) => {
    const rng = mulberry32(30);
    const { x, y } = L.inputs(rng, 40);
    const h = 1e-6;
    for (let i = 0; i < x.length; i++) {
      const e = { x: x[i], y: y[i], w: 1.7, p: 2.5 };
      if (L === L1 && Math.abs(e.x - e.y) < 1e-3) continue; // |·| has a kink there
      const fd = (L.loss({ ...e, x: e.x + h }) - L.loss({ ...e, x: e.x - h })) / (2 * h);
      expectClose(L.grad(e), fd, { rtol: 1e-5, atol: 1e-6 }, `${L.name} at x=${e.x}, y=${e.y}`);
    }
  });
});

describe.each(backends())("element-wise loss kernels on $name", (K) => {
  for (const L of LOSSES) {
    test(`${L.name}: random cases, every weight variant`, () => {
      const rng = mulberry32(31);
      for (const v of variants(L)) check(K, L, 35, 5, v, rng);
    });

    test(`${L.name}: tail sweep over lengths 0…33`, () => {
      const rng = mulberry32(32);
      for (let n = 0; n <= 33; n++) {
        for (const v of variants(L)) {
          // posWeight needs n to be a multiple of classes; use the last dimension n or 1·n.
          const classes = v.posWeight ? (n % 3 === 0 && n > 0 ? 3 : Math.max(n, 1)) : 1;
          check(K, L, n, classes, v, rng);
        }
      }
    });
  }

  // The fast loops (crates/kernels/src/losses/fast.rs) walk blocks of 8
  // iterations of 4 chunks of 4 (128 elements) for MSE and L1, then a
  // shorter block, then chunks one by one, then the scalar tail: lengths on
  // and around each of those edges.
  test("every loss at the fast loops' block edges", () => {
    const rng = mulberry32(35);
    for (const L of LOSSES) {
      for (const n of [112, 124, 127, 128, 129, 131, 140, 255, 256, 257, 383, 384, 1000, 1027]) check(K, L, n, 1, { weight: false, posWeight: false }, rng);
    }
  });

  test("BCE clamps each log at −100 (x = 0 or 1) and its gradient denominator at 1e-12", () => {
    const x = heapF32([0, 0, 1, 1, 0.5, 1e-45]); // 1e-45: a subnormal, log ≈ −103
    const y = heapF32([0, 1, 0, 1, 1, 1]);
    const lossOut = heapF32(6);
    const gradOut = heapF32(6);
    const total = K.elementwiseLossFwdBwd(BCE_KIND, x, y, null, null, [], lossOut, gradOut, null, 1);
    expectClose(lossOut, [0, 100, 100, 0, Math.LN2, 100], { rtol: 1e-6, atol: 0 }, `${K.name} BCE clamps`);
    // (x − y) / max(x(1 − x), 1e-12): ±1e12 at the ends, −2 at one half.
    expectClose(gradOut, [0, -1e12, 1e12, 0, -2, -1e12], { rtol: 1e-6, atol: 0 }, `${K.name} BCE gradient clamps`);
    expectClose(total, 300 + Math.LN2, { rtol: 1e-6, atol: 0 }, `${K.name} BCE clamped sum`);
  });

  test("BCE-with-logits is finite and right for logits of ±1e4, ±100, ±88", () => {
    const xs = [1e4, 1e4, -1e4, -1e4, 100, -100, 88, -88, 0];
    const ys = [0, 1, 0, 1, 0, 1, 1, 0, 1];
    const x = heapF32(xs);
    const y = heapF32(ys);
    const lossOut = heapF32(xs.length);
    const gradOut = heapF32(xs.length);
    const elems = xs.map((xi, i) => ({ x: xi, y: ys[i], w: 1, p: 1 }));
    K.elementwiseLossFwdBwd(BCE_WITH_LOGITS_KIND, x, y, null, null, [], lossOut, gradOut, null, 1);
    expect(Array.from(lossOut).every(Number.isFinite)).toBe(true);
    // Relative tolerance: here the losses are 0 or |x| and no cancellation happens.
    expectClose(lossOut, elems.map(BCE_WITH_LOGITS.loss), { rtol: 1e-6, atol: 1e-30 }, `${K.name} extreme logits`);
    expectClose(gradOut, elems.map(BCE_WITH_LOGITS.grad), { rtol: 1e-6, atol: 1e-30 }, `${K.name} extreme logit gradients`);
  });

  test("NaN in the input gives NaN for that element and the sum, and leaves the others alone", () => {
    for (const L of LOSSES) {
      const { x: xs, y: ys } = L.inputs(mulberry32(33), 13);
      xs[9] = NaN;
      const lossOut = heapF32(13);
      const gradOut = heapF32(13);
      const total = L.call(K, heapF32(xs), heapF32(ys), null, null, 1, lossOut, gradOut, 1);
      expect(total, `${L.name} sum`).toBeNaN();
      expect(lossOut[9], `${L.name} loss of NaN`).toBeNaN();
      expect(Array.from(lossOut).filter(Number.isNaN).length, `${L.name} other losses`).toBe(1);
      // sign(NaN) is 0 in PyTorch, so L1's gradient there is 0 rather than NaN.
      if (L === L1) expect(gradOut[9]).toBe(0);
      else expect(gradOut[9], `${L.name} gradient at NaN`).toBeNaN();
      expect(Array.from(gradOut).filter(Number.isNaN).length, `${L.name} other gradients`).toBeLessThanOrEqual(1);
    }
  });

  test("the MSE mean of 4e6 elements is within 1e-6 relative of float64", () => {
    const n = 4_000_000;
    const block = heapF32(2 * n); // one block: a second allocation could grow the memory
    const input = block.subarray(0, n);
    const target = block.subarray(n);
    const rng = mulberry32(34);
    for (let i = 0; i < n; i++) {
      input[i] = rng();
      target[i] = rng() - 0.5;
    }
    let exact = 0;
    for (let i = 0; i < n; i++) exact += (input[i] - target[i]) ** 2;
    expectClose(K.elementwiseLossFwdBwd(MSE_KIND, input, target, null, null, [], null, null, null, 1) / n, exact / n, { rtol: 1e-6, atol: 0 }, `${K.name} MSE mean of 4e6`);
  });
});
