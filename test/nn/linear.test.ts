/**
 * Linear: forward and backward against a float64 reference on both
 * backends, PyTorch's initialisation bounds, reproducibility with manualSeed,
 * and argument errors.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";

const TOL = { rtol: 1e-5, atol: 1e-5 };

function values(t: nx.Tensor): number[] {
  return Array.from(t.data);
}

/** y[r, o] = Σ_i x[r, i] W[o, i] + b[o], in float64. */
function reference(x: number[], w: number[], b: number[] | null, rows: number, inF: number, outF: number): number[] {
  const y: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outF; o++) {
      let s = b === null ? 0 : b[o];
      for (let i = 0; i < inF; i++) s += x[r * inF + i] * w[o * inF + i];
      y.push(s);
    }
  }
  return y;
}

describe.each(BACKENDS)("Linear on %s", (backend) => {
  // Odd sizes exercise the SIMD tails; batch 1 and a 3-D input the row folding.
  const cases: { shape: number[]; inF: number; outF: number; bias: boolean }[] = [
    { shape: [5, 7], inF: 7, outF: 3, bias: true },
    { shape: [64, 33], inF: 33, outF: 17, bias: true },
    { shape: [1, 4], inF: 4, outF: 9, bias: false },
    { shape: [2, 3, 6], inF: 6, outF: 5, bias: true },
    { shape: [8], inF: 8, outF: 2, bias: true },
  ];

  it.each(cases)("forward and backward of x $shape → $outF (bias $bias)", ({ shape, inF, outF, bias }) =>
    withBackend(backend, () => {
      nx.manualSeed(11);
      const layer = new nx.Linear(inF, outF, { bias });
      const x = nx.randn(shape, { requiresGrad: true });
      const rows = x.size / inF;
      const outShape = [...shape.slice(0, -1), outF];
      const r = nx.randn(outShape);
      const y = layer(x);
      expect(y.shape).toEqual(outShape);
      expect(y.gradFn?.op).toBe("linear");
      const w = values(layer.weight);
      const b = layer.bias === null ? null : values(layer.bias);
      const xs = values(x);
      expectClose(values(y), reference(xs, w, b, rows, inF, outF), TOL, "y");

      // d/dθ Σ y ⊙ R: dY = R, so dX = R·W, dW = Rᵀ·X, db = Σ_rows R.
      y.mul(r).sum().backward();
      const rs = values(r);
      const dx: number[] = [];
      for (let row = 0; row < rows; row++) {
        for (let i = 0; i < inF; i++) {
          let s = 0;
          for (let o = 0; o < outF; o++) s += rs[row * outF + o] * w[o * inF + i];
          dx.push(s);
        }
      }
      const dw: number[] = [];
      for (let o = 0; o < outF; o++) {
        for (let i = 0; i < inF; i++) {
          let s = 0;
          for (let row = 0; row < rows; row++) s += rs[row * outF + o] * xs[row * inF + i];
          dw.push(s);
        }
      }
      expectClose(values(x.grad!), dx, TOL, "dx");
      expectClose(values(layer.weight.grad!), dw, TOL, "dW");
      if (bias) {
        const db = Array.from({ length: outF }, (_, o) => {
          let s = 0;
          for (let row = 0; row < rows; row++) s += rs[row * outF + o];
          return s;
        });
        expectClose(values(layer.bias!.grad!), db, TOL, "db");
      }
    })
  );

  it("gradients accumulate over two backward passes and skip inputs without grad", () =>
    withBackend(backend, () => {
      nx.manualSeed(3);
      const layer = new nx.Linear(4, 3);
      const x = nx.randn([6, 4]);
      layer(x).sum().backward();
      const once = values(layer.weight.grad!);
      layer(x).sum().backward();
      expectClose(values(layer.weight.grad!), once.map((v) => 2 * v), { rtol: 1e-6, atol: 0 }, "accumulated dW");
      expect(x.grad).toBeNull();
      // d/db Σ y = number of rows, for every output.
      expect(values(layer.bias!.grad!)).toEqual([12, 12, 12]);
    })
  );
});

describe("Linear initialisation", () => {
  it("draws weight and bias from U(−1/√in, 1/√in), as PyTorch's kaiming_uniform(a=√5)", () => {
    nx.manualSeed(0);
    const layer = new nx.Linear(784, 128);
    const bound = 1 / Math.sqrt(784);
    const w = values(layer.weight);
    expect(layer.weight.shape).toEqual([128, 784]);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    // A uniform sample this large reaches close to both ends and has variance bound²/3.
    expect(Math.max(...w)).toBeGreaterThan(0.999 * bound);
    expect(Math.min(...w)).toBeLessThan(-0.999 * bound);
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const variance = w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.01 * bound);
    expect(variance / (bound * bound / 3)).toBeGreaterThan(0.98);
    expect(variance / (bound * bound / 3)).toBeLessThan(1.02);
    const b = values(layer.bias!);
    expect(b.length).toBe(128);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(new Set(b).size).toBe(128);
    expect(layer.weight.requiresGrad && layer.bias!.requiresGrad).toBe(true);
  });

  it("is reproducible with nx.manualSeed and differs between seeds", () => {
    nx.manualSeed(42);
    const a = new nx.Linear(10, 6);
    nx.manualSeed(42);
    const b = new nx.Linear(10, 6);
    nx.manualSeed(43);
    const c = new nx.Linear(10, 6);
    expect(values(a.weight)).toEqual(values(b.weight));
    expect(values(a.bias!)).toEqual(values(b.bias!));
    expect(values(a.weight)).not.toEqual(values(c.weight));
  });

  it("has no bias with { bias: false } and zero-size layers work", () => {
    const layer = new nx.Linear(3, 2, { bias: false });
    expect(layer.bias).toBeNull();
    expect(layer.namedParameters().map(([k]) => k)).toEqual(["weight"]);
    const empty = new nx.Linear(0, 2);
    expect(values(empty(nx.zeros([3, 0])))).toEqual(values(empty.bias!).concat(values(empty.bias!), values(empty.bias!)));
  });
});

describe("Linear errors", () => {
  it("rejects bad sizes, options and inputs with messages naming them", () => {
    expect(() => new nx.Linear(-1, 2)).toThrow(/Linear: inFeatures must be an integer ≥ 0, got -1/);
    expect(() => new nx.Linear(2, 1.5)).toThrow(RangeError);
    expect(() => new nx.Linear(2, 2, { bias: 1 as never })).toThrow(/Linear: bias must be a boolean/);
    expect(() => new nx.Linear(2, 2, { bais: true } as never)).toThrow(/unknown option 'bais'/);
    const layer = new nx.Linear(4, 3);
    expect(() => layer(nx.zeros([2, 5]))).toThrow(/does not end with 4 features/);
    expect(() => layer(new nx.Tensor(1))).toThrow(RangeError);
    expect(() => layer("x" as never)).toThrow(TypeError);
  });
});
