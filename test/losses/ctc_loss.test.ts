/**
 * CTCLoss against PyTorch 1.13 golden values (F.ctc_loss on a log_probs
 * leaf, so the gradient is PyTorch's own e^lp − e^(log αβ + ℓ − lp)): padded
 * and concatenated targets, a blank other than 0 with repeated labels, a
 * target of length 0, unbatched (T, C) input, an impossible alignment with
 * and without zeroInfinity, every reduction ("mean" divides each loss by
 * its target length), on both backends, class and function. Plus the
 * chained gradient through logSoftmax against finite differences, and the
 * errors PyTorch raises.
 *
 * Tolerance: both kernels run the recursions in scaled linear space in
 * float64 (wasm: emissions from a float32 exp, ≤ 1 ulp), and a sample
 * whose states get too small for that (the "confident logits" case) in log
 * space — js in float64, wasm in float32 as PyTorch does,
 * where each of the T steps' log-sum-exp rounds α and β by about an ulp of
 * their magnitude (|α| ≲ 30 here, so ≈ 2e-6 absolute per step), which the
 * gradient's e^{α + β + ℓ − lp} turns into a relative error of ≈ T·2e-6
 * (2.6e-5 measured at T = 12): 1e-4 relative, 2e-6 absolute for both.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeMultiLossGolden } from "../helpers/golden";
import { gradcheck } from "../helpers/gradcheck";
import { BACKENDS, withBackend } from "../helpers/backends";

const TOL = { rtol: 1e-4, atol: 2e-6 };
describeMultiLossGolden(
  "ctc_loss.json",
  (o) => new nx.CTCLoss(o),
  ([lp, t, il, tl], o) => nx.F.ctcLoss(lp, t, il, tl, o),
  () => ({ output: TOL, grad: TOL }),
);

describe("CTCLoss", () => {
  test("the gradient through logSoftmax matches finite differences", () => {
    const logits = nx.randn([7, 2, 4], { seed: 11, requiresGrad: true });
    const targets = new nx.Tensor([[1, 2, 2], [3, 1, 0]]);
    for (const reduction of ["none", "mean", "sum"] as const) {
      const ctc = new nx.CTCLoss({ reduction });
      gradcheck((x) => ctc(x.logSoftmax(2), targets, [7, 6], [3, 2]), [logits], `CTC ${reduction}`);
    }
  });

  test("errors: lengths beyond the input or the targets, indices out of range, blank out of range", () => {
    const lp = nx.randn([5, 2, 3], { seed: 12 }).logSoftmax(2);
    const t = new nx.Tensor([[1, 2], [2, 1]]);
    const ctc = new nx.CTCLoss();
    expect(() => ctc(lp, t, [6, 5], [2, 2])).toThrow(/inputLengths\[0\] = 6 is beyond the input's 5 time steps/);
    expect(() => ctc(lp, t, [5, 5], [3, 2])).toThrow(/targetLengths\[0\] = 3 is beyond the targets' 2 columns/);
    expect(() => ctc(lp, new nx.Tensor([[1, 3], [2, 1]]), [5, 5], [2, 2])).toThrow(/target 3 of sample 0/);
    expect(() => ctc(lp, t, [5], [2, 2])).toThrow(/inputLengths must have 2 entries/);
    expect(() => ctc(lp, t, [5, 4.5], [2, 2])).toThrow(RangeError);
    expect(() => new nx.CTCLoss({ blank: 3 })(lp, t, [5, 5], [2, 2])).toThrow(/blank 3 is out of range for 3 classes/);
    expect(() => new nx.CTCLoss({ zero_infinity: true } as never)).toThrow(/zeroInfinity/);
  });

  test("lengths may be Tensors; the result is a scalar, or (N) losses for 'none'", () => {
    const lp = nx.randn([6, 3, 4], { seed: 13 }).logSoftmax(2);
    const t = new nx.Tensor([1, 2, 3, 1, 2]);
    const a = new nx.CTCLoss({ reduction: "none" })(lp, t, new nx.Tensor([6, 6, 5]), new nx.Tensor([2, 1, 2]));
    expect(a.shape).toEqual([3]);
    const b = new nx.CTCLoss({ reduction: "sum" })(lp, t, [6, 6, 5], [2, 1, 2]);
    expect(b.item()).toBeCloseTo(Array.from(a.data).reduce((x, y) => x + y, 0), 4);
  });
});

describe("CTCLoss: an empty batch (found by the differential fuzzer)", () => {
  test.each(BACKENDS)("%s: mean is NaN (PyTorch's mean of no elements), sum 0, none an empty (0) tensor", (backend) => {
    withBackend(backend, () => {
      const run = (reduction: "mean" | "sum" | "none") => {
        const lp = new nx.Tensor([], { shape: [3, 0, 4], requiresGrad: true });
        return new nx.CTCLoss({ reduction })(lp, new nx.Tensor([], { shape: [0, 2] }), [], []);
      };
      expect(run("mean").item()).toBeNaN();
      expect(run("sum").item()).toBe(0);
      expect(run("none").shape).toEqual([0]);
    });
  });
});

describe("CTCLoss: no possible alignment (found by the differential fuzzer)", () => {
  test.each(BACKENDS)("%s: loss ∞ and every gradient entry NaN within the input length, as PyTorch", (backend) => {
    withBackend(backend, () => {
      // Targets [1, 1] need a blank between the repeats: 3 frames, and there are 2.
      const lp = new nx.Tensor(new Array(2 * 1 * 3).fill(Math.log(1 / 3)), { shape: [2, 1, 3], requiresGrad: true });
      const loss = new nx.CTCLoss({ reduction: "sum" })(lp, new nx.Tensor([[1, 1]]), [2], [2]);
      expect(loss.item()).toBe(Infinity);
      loss.backward();
      expect(Array.from(lp.grad!.data).every(Number.isNaN)).toBe(true);
    });
  });
});
