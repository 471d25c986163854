/**
 * L1Loss against PyTorch 1.13 golden values on both backends, including
 * elements where input equals target (gradient sign(0) = 0, as PyTorch).
 * Tolerance: |x − y| is one float32 rounding and sign(x − y) is exact, so
 * 1e-5 relative / 1e-6 absolute.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeLossGolden } from "../helpers/golden";
import { gradcheck, leaf } from "../helpers/gradcheck";

const TIGHT = { rtol: 1e-5, atol: 1e-6 };
describeLossGolden("l1_loss.json", (o) => new nx.L1Loss(o), () => ({ output: TIGHT, grad: TIGHT }));

describe("L1Loss", () => {
  test("gradients with respect to input and target match finite differences away from ties", () => {
    // Inputs and targets 1 apart at least, so no step crosses the kink at x = y.
    const x = new nx.Tensor([[0.5, -2, 3], [1.25, 4, -0.75]], { requiresGrad: true });
    const y = new nx.Tensor([[-1, 0.5, 1], [3, 1, 1.5]], { requiresGrad: true });
    for (const reduction of ["none", "mean", "sum"] as const) {
      gradcheck((a, b) => new nx.L1Loss({ reduction })(a, b), [x, y], `L1Loss ${reduction}`);
    }
  });

  test("the target gradient is the negated input gradient", () => {
    const x = leaf([4, 3], 3);
    const y = leaf([4, 3], 4);
    new nx.L1Loss({ reduction: "sum" })(x, y).backward();
    // `+ 0` maps −0 to 0 so that toEqual compares values only.
    expect(Array.from(y.grad!.data, (v) => v + 0)).toEqual(Array.from(x.grad!.data, (v) => -v + 0));
  });
});
