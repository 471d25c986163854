/**
 * MSELoss against PyTorch 1.13 golden values on both backends, plus its
 * target gradient and NaN propagation.
 * Tolerance: (x − y)² and 2(x − y) are one or two float32 roundings of exact
 * float32 inputs and sums are accumulated in float64, so 1e-5 relative
 * (1e-6 absolute near zero) is ample yet catches any float32 summation drift.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeLossGolden } from "../helpers/golden";
import { gradcheck, leaf } from "../helpers/gradcheck";

const TIGHT = { rtol: 1e-5, atol: 1e-6 };
describeLossGolden("mse_loss.json", (o) => new nx.MSELoss(o), () => ({ output: TIGHT, grad: TIGHT }));

describe("MSELoss", () => {
  test("gradients with respect to input and target match finite differences", () => {
    for (const reduction of ["none", "mean", "sum"] as const) {
      const x = leaf([3, 5], 1);
      const y = leaf([3, 5], 2);
      gradcheck((a, b) => new nx.MSELoss({ reduction })(a, b), [x, y], `MSELoss ${reduction}`);
    }
  });

  test("NaN in the input propagates to that element only", () => {
    const x = new nx.Tensor([1, NaN, 3]);
    const y = new nx.Tensor([0, 0, 1]);
    expect(new nx.MSELoss({ reduction: "none" })(x, y).toArray()).toEqual([1, NaN, 4]);
    expect(new nx.MSELoss()(x, y).item()).toBeNaN();
  });
});
