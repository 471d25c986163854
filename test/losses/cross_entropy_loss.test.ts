/**
 * CrossEntropyLoss against PyTorch 1.13 golden values on both backends:
 * shapes (C), (N, C), (N, C, d1), (N, C, d1, d2); class weights; ignoreIndex
 * (some and all targets ignored); label smoothing; probability targets;
 * logits of ±1e4 and ±88; the documentation's examples. Plus finite-difference
 * checks of the input and probability-target gradients, and the errors.
 *
 * Tolerance: 1e-5 relative / 1e-6 absolute everywhere, including the ±1e4
 * rows. That is deliberate: a row [1e4, 1e4, 1e4, 1e4, 1e4] has loss log 5,
 * and 1e-5 relative of it (1.6e-5) is far below float32's spacing at 1e4
 * (1e-3). So the test passes only if −log p_t is formed as
 * (max − x_t) + log Σ exp(x − max), never as logsumexp(x) − x_t, which would
 * round 1e4 + log 5 to that grid first.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeLossGolden } from "../helpers/golden";
import { gradcheck, leaf } from "../helpers/gradcheck";

const TIGHT = { rtol: 1e-5, atol: 1e-6 };
describeLossGolden("cross_entropy_loss.json", (o) => new nx.CrossEntropyLoss(o), () => ({ output: TIGHT, grad: TIGHT }));

const logits = () => leaf([3, 5], 11).detach();

describe("CrossEntropyLoss gradients", () => {
  test("input gradient matches finite differences (weights, smoothing, ignored, (N,C,d1))", () => {
    const t = new nx.Tensor([[0, 2], [-100, 1]]);
    for (const reduction of ["none", "mean", "sum"] as const) {
      const x = leaf([2, 3, 2], 12);
      const ce = new nx.CrossEntropyLoss({ reduction, weight: [0.5, 2, 1], labelSmoothing: 0.2 });
      gradcheck((a) => ce(a, t), [x], `CE ${reduction}`);
    }
  });

  test("probability targets: gradients with respect to logits and target match finite differences", () => {
    for (const reduction of ["none", "mean", "sum"] as const) {
      const x = leaf([3, 4], 13);
      const q = leaf([3, 4], 14).softmax(1).detach();
      q.requiresGrad = true;
      const ce = new nx.CrossEntropyLoss({ reduction, weight: [1, 0.5, 2, 1.5], labelSmoothing: 0.1 });
      gradcheck((a, b) => ce(a, b), [x, q], `CE probabilities ${reduction}`);
    }
  });
});

describe("CrossEntropyLoss errors", () => {
  const ce = new nx.CrossEntropyLoss();

  test("a class index out of range names the index and the class count", () => {
    expect(() => ce(logits(), new nx.Tensor([0, 7, 1]))).toThrow(RangeError);
    expect(() => ce(logits(), new nx.Tensor([0, 7, 1]))).toThrow(/\b7\b.*\b5 classes/);
    expect(() => ce(logits(), new nx.Tensor([0, -1, 1]))).toThrow(/-1.*\b5 classes/);
    expect(() => ce(logits(), new nx.Tensor([5, 0, 1]))).toThrow(RangeError);
  });

  test("a non-integral class index is a RangeError naming it", () => {
    expect(() => ce(logits(), new nx.Tensor([0, 1.5, 1]))).toThrow(RangeError);
    expect(() => ce(logits(), new nx.Tensor([0, 1.5, 1]))).toThrow(/1\.5/);
    expect(() => ce(logits(), new nx.Tensor([NaN, 1, 1]))).toThrow(RangeError);
  });

  test("a target of the wrong shape names both shapes", () => {
    expect(() => ce(logits(), new nx.Tensor([0, 1]))).toThrow(RangeError);
    expect(() => ce(logits(), new nx.Tensor([0, 1]))).toThrow(/\[3, 5\][^]*\[2\]|\[2\][^]*\[3, 5\]/);
  });

  test("a weight of the wrong length is a RangeError", () => {
    const wrong = new nx.CrossEntropyLoss({ weight: [1, 2, 3, 4] });
    expect(() => wrong(logits(), new nx.Tensor([0, 1, 2]))).toThrow(RangeError);
    expect(() => wrong(logits(), new nx.Tensor([0, 1, 2]))).toThrow(/weight/);
  });

  test("labelSmoothing outside [0, 1] is a RangeError naming it", () => {
    for (const bad of [-0.1, 1.5, NaN]) {
      expect(() => new nx.CrossEntropyLoss({ labelSmoothing: bad })).toThrow(RangeError);
      expect(() => new nx.CrossEntropyLoss({ labelSmoothing: bad })).toThrow(/labelSmoothing/);
    }
    expect(new nx.CrossEntropyLoss({ labelSmoothing: 1 }).labelSmoothing).toBe(1);
  });

  test("an ignored target may be out of range; a custom ignoreIndex is honoured", () => {
    const out = new nx.CrossEntropyLoss({ ignoreIndex: 255, reduction: "none" })(logits(), new nx.Tensor([255, 0, 255]));
    const d = out.data;
    expect([d[0], d[2]]).toEqual([0, 0]);
    expect(d[1]).toBeGreaterThan(0);
    expect(() => new nx.CrossEntropyLoss({ ignoreIndex: 255 })(logits(), new nx.Tensor([-100, 0, 1]))).toThrow(RangeError);
  });
});
