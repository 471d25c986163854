/**
 * MarginRankingLoss (margin m, default 0) for pairs (x1, x2) and labels
 * y ∈ {1, −1} saying which should rank higher:
 *   ℓ = max(0, −y·(x1 − x2) + m)
 *   ∂ℓ/∂x1 = −y·[z ≥ 0],  ∂ℓ/∂x2 = −∂ℓ/∂x1   (z the term in max; the gradient
 *   passes at z = 0, as PyTorch's clamp_min)
 * For learning to rank (retrieval, recommendation). "mean" divides by the
 * number of elements.
 * NOTE: the three tensors must have the same shape (PyTorch broadcasts);
 * no gradient with respect to the labels (pass target.detach()).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions, FINITE, numberOption } from "../options";
import { checkSameShapes, checkTargetWithoutGrad } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: MARGIN_RANKING, c = the labels, p = [margin]. */
export const MARGIN_RANKING: ElementwiseKind = {
  name: "MarginRankingLoss",
  code: 11,
  js(x1, x2, y, _d, [margin], out) {
    const z = -y * (x1 - x2) + margin;
    out[0] = Math.max(z, 0);
    out[1] = z >= 0 ? -y : 0;
    out[2] = 0;
  },
};

/** Options of `MarginRankingLoss` and `F.marginRankingLoss` (PyTorch's, camelCased). */
export interface MarginRankingLossOptions extends LossOptions {
  /** The gap required between the two scores, in the order the label asks for (default 0). */
  margin?: number;
}

/**
 * Ranking hinge for pairs of scores, as `torch.nn.MarginRankingLoss`: labels y ∈ {1, −1} say
 * whether x1 or x2 should rank higher. ℓ = max(0, −y·(x1 − x2) + margin).
 * NOTE: the three tensors must have the same shape (PyTorch broadcasts); no gradient with
 * respect to the labels (pass target.detach()).
 *
 * @example
 * ```ts
 * const x1 = nx.randn([3], { requiresGrad: true });
 * const x2 = nx.randn([3], { requiresGrad: true });
 * new nx.MarginRankingLoss({ margin: 0.1 })(x1, x2, new nx.Tensor([1, -1, 1])).backward();
 * ```
 */
export class MarginRankingLoss extends Loss<[input1: Tensor, input2: Tensor, target: Tensor]> {
  /** The required gap between the scores (default 0). */
  readonly margin: number;

  constructor(opts?: MarginRankingLossOptions) {
    const o = checkOptions(opts, ["reduction", "margin"], "MarginRankingLoss");
    super(o);
    this.margin = numberOption(o, "margin", 0, "MarginRankingLoss", FINITE);
  }

  /**
   * The loss of the scores `input1` and `input2` with the labels `target` (all one shape): a scalar
   * for "mean" (over the elements) and "sum", the element-wise losses (the input's shape) for
   * "none".
   */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    checkSameShapes([input1, input2, target], ["input1", "input2", "target"], "MarginRankingLoss");
    checkTargetWithoutGrad(target, "MarginRankingLoss");
    return elementwiseLoss("MarginRankingLoss", [input1, input2, target], ["a", -1, null], this.reduction, (out, s) =>
      runElementwise(MARGIN_RANKING, { a: input1, b: input2, c: target }, [this.margin], out, s),
    );
  }
}

/**
 * Ranking hinge as a function, `torch.nn.functional.margin_ranking_loss`:
 * ℓ = max(0, −y·(x1 − x2) + margin).
 * Same as `new MarginRankingLoss(opts).forward(input1, input2, target)`.
 *
 * @example
 * ```ts
 * nx.F.marginRankingLoss(nx.randn([3], { requiresGrad: true }), nx.randn([3]), new nx.Tensor([1, -1, 1])).backward();
 * ```
 */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts?: MarginRankingLossOptions): Tensor {
  return new MarginRankingLoss(opts).forward(input1, input2, target);
}
