/**
 * L1Loss: ℓ_i = |x_i − y_i|, reduced by mean (default), sum or none.
 * ∂ℓ_i/∂x_i = sign(x_i − y_i) (0 where equal, as PyTorch), computed in the same pass as the loss;
 * ∂ℓ_i/∂y_i = −∂ℓ_i/∂x_i. "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 */
import type { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions } from "../options";
import { checkInputTarget } from "./checks";

export class L1Loss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "L1Loss"));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "L1Loss");
    return elementwiseLoss("L1Loss", input, target, this.reduction, -1, (lossOut, gradOut, gradScale) =>
      kernelsNow().l1FwdBwd(input.data, target.data, lossOut, gradOut, gradScale),
    );
  }
}
