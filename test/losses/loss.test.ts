/**
 * What every loss shares (the nx.nn.Loss base): callable instances, the
 * `reduction` getter, the documentation's custom Loss subclass (golden values
 * on both backends and a short training run through Tensor ops), and the
 * errors common to all losses: unknown reduction, mismatched shapes, wrong
 * kinds, and that a failed call leaves every tensor as it was.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeLossGolden } from "../helpers/golden";
import { leaf } from "../helpers/gradcheck";

/** Uniform test data in [lo, hi) from the tests' own PRNG, not requiring grad. */
const values = (shape: number[], seed: number, lo = -2, hi = 2) => leaf(shape, seed, lo, hi).detach();

/** API.md's custom loss: mean((input − target)²) from Tensor ops. */
class CustomLoss extends nx.nn.Loss {
  forward(input: nx.Tensor, target: nx.Tensor): nx.Tensor {
    return input.sub(target).pow(2).mean();
  }
}

// Each element is a few float32 roundings; the mean is summed in float64.
const TIGHT = { rtol: 1e-5, atol: 1e-6 };
describeLossGolden("custom_loss.json", () => new CustomLoss(), () => ({ output: TIGHT, grad: TIGHT }));

/** Each built-in loss with a valid (input, target) pair of shape (3, 4). */
const LOSSES: [string, (o?: { reduction?: nx.Reduction }) => nx.Loss, () => [nx.Tensor, nx.Tensor]][] = [
  ["MSELoss", (o) => new nx.MSELoss(o), () => [values([3, 4], 1), values([3, 4], 2)]],
  ["L1Loss", (o) => new nx.L1Loss(o), () => [values([3, 4], 1), values([3, 4], 2)]],
  ["CrossEntropyLoss", (o) => new nx.CrossEntropyLoss(o), () => [values([3, 4], 1), new nx.Tensor([0, 3, 1])]],
  ["BCELoss", (o) => new nx.BCELoss(o), () => [values([3, 4], 1, 0, 1), values([3, 4], 2, 0, 1)]],
  ["BCEWithLogitsLoss", (o) => new nx.BCEWithLogitsLoss(o), () => [values([3, 4], 1), values([3, 4], 2, 0, 1)]],
  ["NLLLoss", (o) => new nx.NLLLoss(o), () => [values([3, 4], 1).logSoftmax(1), new nx.Tensor([0, 3, 1])]],
  ["KLDivLoss", (o) => new nx.KLDivLoss(o) as unknown as nx.Loss, () => [values([3, 4], 1).logSoftmax(1), values([3, 4], 2).softmax(1)]],
  ["HuberLoss", (o) => new nx.HuberLoss(o), () => [values([3, 4], 1), values([3, 4], 2)]],
  ["SmoothL1Loss", (o) => new nx.SmoothL1Loss(o), () => [values([3, 4], 1), values([3, 4], 2)]],
  ["PoissonNLLLoss", (o) => new nx.PoissonNLLLoss(o), () => [values([3, 4], 1), values([3, 4], 2, 0, 5)]],
  ["SoftMarginLoss", (o) => new nx.SoftMarginLoss(o), () => [values([3, 4], 1), values([3, 4], 2)]],
  ["HingeEmbeddingLoss", (o) => new nx.HingeEmbeddingLoss(o), () => [values([3, 4], 1, 0, 2), values([3, 4], 2)]],
  ["SigmoidFocalLoss", (o) => new nx.SigmoidFocalLoss(o), () => [values([3, 4], 1), values([3, 4], 2, 0, 1)]],
];

/** Losses whose target holds class indices (one per sample, not per element). */
const INDEX_TARGETS = ["CrossEntropyLoss", "NLLLoss"];

describe.each(LOSSES)("%s", (name, make, data) => {
  test("instances are callable: criterion(a, b) equals criterion.forward(a, b)", () => {
    for (const reduction of ["none", "mean", "sum"] as const) {
      const criterion = make({ reduction });
      const [a, b] = data();
      expect(typeof criterion).toBe("function");
      expect(criterion).toBeInstanceOf(nx.nn.Loss);
      expect(criterion(a, b).toArray()).toEqual(criterion.forward(a, b).toArray());
    }
  });

  test("reduction getter: 'mean' by default, else as given", () => {
    expect(make().reduction).toBe("mean");
    expect(make({ reduction: "sum" }).reduction).toBe("sum");
    expect(make({ reduction: "none" }).reduction).toBe("none");
  });

  test("'sum' is the sum of 'none', 'mean' divides it by the element count (no weights)", () => {
    const [a, b] = data();
    const none = Array.from(make({ reduction: "none" })(a, b).data);
    const total = none.reduce((s, v) => s + v, 0);
    expect(make({ reduction: "sum" })(a, b).item()).toBeCloseTo(total, 4);
    expect(make()(a, b).item()).toBeCloseTo(total / none.length, 5);
  });

  test("an unknown reduction is an error naming it", () => {
    let error: unknown = null;
    try {
      make({ reduction: "avg" as nx.Reduction });
    } catch (e) {
      error = e;
    }
    expect(error instanceof RangeError || error instanceof TypeError).toBe(true);
    expect(String(error)).toMatch(/avg/);
  });

  test("mismatched shapes are a RangeError naming both shapes", () => {
    const [a] = data();
    const wrong = INDEX_TARGETS.includes(name) ? new nx.Tensor([0, 1, 2, 3]) : nx.zeros([4, 3]);
    const shapes = INDEX_TARGETS.includes(name) ? /\[3, 4\][^]*\[4\]|\[4\][^]*\[3, 4\]/ : /\[3, 4\][^]*\[4, 3\]|\[4, 3\][^]*\[3, 4\]/;
    expect(() => make()(a, wrong)).toThrow(RangeError);
    expect(() => make()(a, wrong)).toThrow(shapes);
  });

  test("wrong kinds (arrays, numbers, null instead of Tensors) are TypeErrors", () => {
    const [a, b] = data();
    const criterion = make();
    const asArray = a.toArray() as unknown as nx.Tensor;
    expect(() => criterion(asArray, b)).toThrow(TypeError);
    expect(() => criterion(a, b.toArray() as unknown as nx.Tensor)).toThrow(TypeError);
    expect(() => criterion(a, 1 as unknown as nx.Tensor)).toThrow(TypeError);
    expect(() => criterion(null as unknown as nx.Tensor, b)).toThrow(TypeError);
  });

  test("a failed call leaves the tensors, their gradients and later results unchanged", () => {
    const [a, b] = data();
    a.requiresGrad = true;
    const criterion = make({ reduction: "sum" });
    const first = criterion(a, b);
    first.backward();
    const snapshot = [a.data.slice(), b.data.slice(), a.grad!.data.slice(), first.data.slice()];
    const other = values([5, 6], 9);
    const otherBefore = other.data.slice();

    expect(() => criterion(a, nx.zeros([7]))).toThrow(RangeError);
    expect(() => criterion(a, [1, 2] as unknown as nx.Tensor)).toThrow(TypeError);

    expect([a.data.slice(), b.data.slice(), a.grad!.data.slice(), first.data.slice()]).toEqual(snapshot);
    expect(other.data.slice()).toEqual(otherBefore);
    expect(criterion(a, b).item()).toBe(first.item());
  });
});

describe("nx.nn.Loss", () => {
  test("nx.nn re-exports the loss classes", () => {
    expect(nx.nn.CrossEntropyLoss).toBe(nx.CrossEntropyLoss);
    expect(nx.nn.MSELoss).toBe(nx.MSELoss);
    expect(nx.nn.BCEWithLogitsLoss).toBe(nx.BCEWithLogitsLoss);
    for (const [name] of LOSSES) expect((nx.nn as Record<string, unknown>)[name]).toBe((nx as Record<string, unknown>)[name]);
    for (const name of ["GaussianNLLLoss", "MarginRankingLoss"]) {
      expect((nx.nn as Record<string, unknown>)[name]).toBe((nx as Record<string, unknown>)[name]);
    }
    expect(new nx.L1Loss()).toBeInstanceOf(nx.nn.Loss);
  });

  test("a custom subclass is callable, keeps its reduction, and equals MSELoss", () => {
    const custom = new CustomLoss({ reduction: "sum" });
    expect(custom.reduction).toBe("sum");
    const x = values([4, 3], 5);
    const y = values([4, 3], 6);
    expect(custom(x, y).item()).toBeCloseTo(new nx.MSELoss()(x, y).item(), 6);
  });

  test("gradient flows through the custom loss's Tensor ops: gradient descent fits y = 2x − 1", () => {
    const x = values([16, 1], 7);
    const y = x.mul(2).sub(1).detach();
    const w = nx.zeros([1, 1], { requiresGrad: true });
    const b = nx.zeros([1], { requiresGrad: true });
    const criterion = new CustomLoss();
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      w.grad = null;
      b.grad = null;
      const loss = criterion(x.matmul(w).add(b), y);
      loss.backward();
      losses.push(loss.item());
      w.data[0] -= 0.1 * w.grad!.data[0];
      b.data[0] -= 0.1 * b.grad!.data[0];
    }
    expect(losses[0]).toBeGreaterThan(1);
    expect(losses[losses.length - 1]).toBeLessThan(1e-8);
    expect(w.data[0]).toBeCloseTo(2, 4);
    expect(b.data[0]).toBeCloseTo(-1, 4);
  });
});
