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

export interface MarginRankingLossOptions extends LossOptions {
  /** Required gap between the ranked scores (default 0). */
  margin?: number;
}

export class MarginRankingLoss extends Loss<[input1: Tensor, input2: Tensor, target: Tensor]> {
  readonly margin: number;

  constructor(opts?: MarginRankingLossOptions) {
    const o = checkOptions(opts, ["reduction", "margin"], "MarginRankingLoss");
    super(o);
    this.margin = numberOption(o, "margin", 0, "MarginRankingLoss", FINITE);
  }

  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    checkSameShapes([input1, input2, target], ["input1", "input2", "target"], "MarginRankingLoss");
    checkTargetWithoutGrad(target, "MarginRankingLoss");
    return elementwiseLoss("MarginRankingLoss", [input1, input2, target], ["a", -1, null], this.reduction, (out, s) =>
      runElementwise(MARGIN_RANKING, { a: input1, b: input2, c: target }, [this.margin], out, s),
    );
  }
}

/** F.marginRankingLoss(input1, input2, target, { margin, reduction }) */
export function marginRankingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts?: MarginRankingLossOptions): Tensor {
  return new MarginRankingLoss(opts).forward(input1, input2, target);
}
