/**
 * nn.utils.clipGradNorm and nn.Flatten against PyTorch 1.13
 * (test/golden/gen_training_utils.py), and nn.Dropout by its semantics: its
 * mask stream is not PyTorch's, so it is checked exactly where it is exact
 * (kept elements scaled by 1/(1 − p), the rest 0, the gradient the same
 * mask, eval and p = 0 the identity, p = 1 all zeros, the same seed the same
 * mask) and statistically elsewhere (the kept fraction), on both backends.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";

interface ClipCase {
  shapes: number[][];
  maxNorm: number;
  normType: 2 | "inf";
  grads: number[][];
  total: number;
  after: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../golden/training_utils.json", import.meta.url), "utf8")) as {
  clip: ClipCase[];
  flatten: { shape: number[]; startDim: number; endDim: number; out: number[] }[];
};

/** float64 accumulation here against PyTorch's float32 reductions. */
const CLIP_TOL = { rtol: 2e-6, atol: 1e-7 };

describe.each(BACKENDS)("training utilities on %s", (backend) => {
  it.each(fixture.clip.map((c) => [`maxNorm ${c.maxNorm}, norm ${c.normType}`, c] as const))(
    "clipGradNorm, %s: the total norm and the clipped gradients as PyTorch",
    (_, c) =>
      withBackend(backend, () => {
        const params = c.shapes.map((s) => nx.zeros(s).detach());
        params.forEach((p) => (p.requiresGrad = true));
        c.grads.forEach((g, i) => (params[i].grad = new nx.Tensor(g, { shape: c.shapes[i] })));
        const normType = c.normType === "inf" ? Infinity : 2;
        const total = nx.nn.utils.clipGradNorm(params, c.maxNorm, { normType });
        expect(total.shape).toEqual([]);
        expectClose(total.item(), c.total, CLIP_TOL, "total norm");
        c.after.forEach((g, i) => expectClose(params[i].grad!.data, g, CLIP_TOL, `gradient ${i} after clipping`));
        expect(params[3].grad).toBeNull();
        // Clipping worked when it had to: the new norm is ≤ maxNorm (+ float32 rounding).
        const again = nx.nn.utils.clipGradNorm(params, Infinity, { normType }).item();
        expect(again).toBeLessThanOrEqual(Math.min(c.total, c.maxNorm) * (1 + 1e-6));
      }),
  );

  it("clipGradNorm: one Tensor, no gradients (norm 0), NaN spreads unless errorIfNonfinite", () =>
    withBackend(backend, () => {
      const p = nx.zeros([2]).detach();
      p.requiresGrad = true;
      expect(nx.nn.utils.clipGradNorm(p, 1).item()).toBe(0);
      p.grad = new nx.Tensor([3, 4]);
      expect(nx.nn.utils.clipGradNorm(p, 1).item()).toBe(5);
      expectClose(p.grad.data, [0.6, 0.8], { rtol: 1e-6, atol: 0 }, "clipped to norm 1");
      p.grad = new nx.Tensor([NaN, 1]);
      expect(() => nx.nn.utils.clipGradNorm([p], 1, { errorIfNonfinite: true })).toThrow(/total norm of order 2 of the gradients is NaN/);
      expect(Number.isNaN(nx.nn.utils.clipGradNorm([p], 1, { normType: Infinity }).item())).toBe(true);
      expect(Number.isNaN(p.grad.data[1])).toBe(true);
    }));

  it.each(fixture.flatten.map((c) => [`${JSON.stringify(c.shape)} (${c.startDim}, ${c.endDim})`, c] as const))(
    "Flatten %s: PyTorch's shape, values and gradient unchanged",
    (_, c) =>
      withBackend(backend, () => {
        const size = c.shape.reduce((a, b) => a * b, 1);
        const x = new nx.Tensor(Array.from({ length: size }, (_, i) => i - 3.5), { shape: c.shape, requiresGrad: true });
        const y = new nx.nn.Flatten(c.startDim, c.endDim)(x);
        expect(y.shape).toEqual(c.out);
        expectClose(y.data, x.data, { rtol: 0, atol: 0 }, "values");
        y.mul(2).sum().backward();
        expect(x.grad!.shape).toEqual(c.shape);
        expectClose(x.grad!.data, new Array(size).fill(2), { rtol: 0, atol: 0 }, "gradient");
      }),
  );

  it("Dropout(p) in training: kept elements scaled by 1/(1 − p), the rest 0, the gradient the same mask", () =>
    withBackend(backend, () => {
      nx.manualSeed(7);
      const p = 0.3;
      const n = 20_000;
      const x = new nx.Tensor(Array.from({ length: n }, (_, i) => 1 + (i % 7)), { shape: [200, 100], requiresGrad: true });
      const y = new nx.nn.Dropout(p)(x);
      y.sum().backward();
      const xs = x.data;
      const ys = y.data;
      const gs = x.grad!.data;
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (ys[i] === 0) {
          expect(gs[i]).toBe(0);
          continue;
        }
        kept++;
        expect(ys[i]).toBe(Math.fround(xs[i] * Math.fround(1 / (1 - p))));
        expect(gs[i]).toBe(Math.fround(1 / (1 - p)));
      }
      // Bernoulli(0.7) over 20,000 draws: sd √(n p (1 − p)) ≈ 65; 5 sd either way.
      expect(Math.abs(kept - n * (1 - p))).toBeLessThan(5 * Math.sqrt(n * p * (1 - p)));
    }));

  it("Dropout: the same seed gives the same mask; eval and p = 0 return the input; p = 1 gives zeros", () =>
    withBackend(backend, () => {
      const x = nx.ones([64]);
      const d = new nx.nn.Dropout(0.5);
      nx.manualSeed(3);
      const a = Array.from(d(x).data);
      nx.manualSeed(3);
      const b = Array.from(d(x).data);
      expect(a).toEqual(b);
      expect(new Set(a)).toEqual(new Set([0, 2]));
      expect(d.eval()(x)).toBe(x);
      expect(new nx.nn.Dropout(0)(x)).toBe(x);
      expect(Array.from(new nx.nn.Dropout(1)(x).data)).toEqual(new Array(64).fill(0));
      expect(String(d)).toBe("Dropout(p=0.5)");
      expect(new nx.nn.Dropout().p).toBe(0.5); // PyTorch's default
    }));
});

describe("training utility errors", () => {
  it("name what is wrong", () => {
    expect(() => new nx.nn.Dropout(1.5)).toThrow(new RangeError("Dropout: probability p must be between 0 and 1, got 1.5"));
    expect(() => new nx.nn.Dropout(NaN)).toThrow(RangeError);
    expect(() => new nx.nn.Dropout(0.5)([1, 2] as never)).toThrow(/Dropout: input must be a Tensor/);
    expect(() => new nx.nn.Flatten(2, 1)(nx.zeros([2, 3, 4]))).toThrow(/flatten: startDim 2 comes after endDim 1/);
    expect(() => new nx.nn.Flatten(1, 5)(nx.zeros([2, 3]))).toThrow(RangeError);
    expect(() => new nx.nn.Flatten(0.5)).toThrow(TypeError);
    const p = nx.zeros([2], { requiresGrad: true });
    expect(() => nx.nn.utils.clipGradNorm([p], 1, { normType: 1 as never })).toThrow(/clipGradNorm: normType must be 2 or Infinity, got 1/);
    expect(() => nx.nn.utils.clipGradNorm([p], "1" as never)).toThrow(/clipGradNorm: maxNorm must be a number/);
    expect(() => nx.nn.utils.clipGradNorm([p], 1, { norm_type: 2 } as never)).toThrow(/unknown option 'norm_type'/);
    expect(() => nx.nn.utils.clipGradNorm(5 as never, 1)).toThrow(/clipGradNorm: parameters must be a Tensor or an iterable/);
    expect(() => nx.nn.utils.clipGradNorm([p, 3] as never, 1)).toThrow(/parameter 1 must be a Tensor/);
  });
});
