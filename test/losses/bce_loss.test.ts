/**
 * BCELoss against PyTorch 1.13 golden values on both backends: hard and soft
 * targets, inputs at exactly 0 and 1 (log terms clamped at −100, gradient
 * (x − y) / max(x(1 − x), 1e-12) = ±1e12), weights broadcast as (C) and
 * (N, 1) against (N, C), and the documentation's BCE-after-sigmoid example.
 * Tolerance: each log is one float32 rounding of an exact float32 input, so
 * 1e-5 relative / 1e-6 absolute, which also holds for the ±1e12 gradients.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeLossGolden } from "../helpers/golden";
import { gradcheck } from "../helpers/gradcheck";

const TIGHT = { rtol: 1e-5, atol: 1e-6 };
describeLossGolden("bce_loss.json", (o) => new nx.BCELoss(o), () => ({ output: TIGHT, grad: TIGHT }));

describe("BCELoss", () => {
  test("input gradient matches finite differences with a broadcast weight", () => {
    const y = new nx.Tensor([[0, 1, 0.25], [1, 0.5, 0]]);
    for (const reduction of ["none", "mean", "sum"] as const) {
      const x = new nx.Tensor([[0.2, 0.7, 0.4], [0.9, 0.35, 0.05]], { requiresGrad: true });
      const bce = new nx.BCELoss({ reduction, weight: new nx.Tensor([[0.5], [2]]) });
      gradcheck((a) => bce(a, y), [x], `BCELoss ${reduction}`);
    }
  });

  test("input outside [0, 1], NaN included, is a RangeError naming the value", () => {
    const bce = new nx.BCELoss();
    const y = new nx.Tensor([0, 1, 1]);
    expect(() => bce(new nx.Tensor([0.5, 1.5, 0.2]), y)).toThrow(RangeError);
    expect(() => bce(new nx.Tensor([0.5, 1.5, 0.2]), y)).toThrow(/1\.5/);
    expect(() => bce(new nx.Tensor([0.5, -0.25, 0.2]), y)).toThrow(/-0\.25/);
    expect(() => bce(new nx.Tensor([0.5, NaN, 0.2]), y)).toThrow(RangeError);
    expect(() => bce(new nx.Tensor([0.5, NaN, 0.2]), y)).toThrow(/NaN/);
  });

  test("a weight that does not broadcast to the input is a RangeError", () => {
    const bce = new nx.BCELoss({ weight: [1, 2] });
    expect(() => bce(nx.full([3, 4], 0.5), nx.ones([3, 4]))).toThrow(RangeError);
  });
});
