/**
 * BCEWithLogitsLoss against PyTorch 1.13 golden values on both backends:
 * posWeight on the last dimension (shapes (C) and (1)), weights broadcast as
 * (C) and (N, 1), logits of ±1e4 and ±30 with targets 0, 1 and 0.5, and the
 * documentation's 10 × 64 example (posWeight ones, logits 1.5).
 * Tolerance: 1e-5 relative / 1e-6 absolute. The softplus form keeps every
 * loss within a few float32 roundings of the exact value (1e4 for a wrong
 * ±1e4 logit, 9.4e-14 for a right 30), which log(sigmoid(x)) would not.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeLossGolden } from "../helpers/golden";
import { gradcheck, leaf } from "../helpers/gradcheck";

const TIGHT = { rtol: 1e-5, atol: 1e-6 };
describeLossGolden("bce_with_logits_loss.json", (o) => new nx.BCEWithLogitsLoss(o), () => ({ output: TIGHT, grad: TIGHT }));

describe("BCEWithLogitsLoss", () => {
  test("input gradient matches finite differences with weight and posWeight", () => {
    const y = new nx.Tensor([[0, 1, 0.25], [1, 0.5, 0]]);
    for (const reduction of ["none", "mean", "sum"] as const) {
      const x = leaf([2, 3], 21);
      const loss = new nx.BCEWithLogitsLoss({ reduction, weight: [0.5, 1, 2], posWeight: [3, 0.5, 1.5] });
      gradcheck((a) => loss(a, y), [x], `BCEWithLogitsLoss ${reduction}`);
    }
  });

  test("NaN logits propagate to their element only", () => {
    const out = new nx.BCEWithLogitsLoss({ reduction: "none" })(new nx.Tensor([0, NaN]), new nx.Tensor([1, 1]));
    expect(out.data[0]).toBeCloseTo(Math.log(2), 6);
    expect(out.data[1]).toBeNaN();
  });

  test("a posWeight of the wrong length is a RangeError naming posWeight", () => {
    const loss = new nx.BCEWithLogitsLoss({ posWeight: [1, 2, 3] });
    expect(() => loss(nx.zeros([2, 4]), nx.ones([2, 4]))).toThrow(RangeError);
    expect(() => loss(nx.zeros([2, 4]), nx.ones([2, 4]))).toThrow(/posWeight/);
  });
});
