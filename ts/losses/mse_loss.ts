/**
 * MSELoss: ℓ_i = (x_i − y_i)², reduced by mean (default), sum or none.
 * ∂ℓ_i/∂x_i = 2(x_i − y_i), computed in the same pass as the loss;
 * ∂ℓ_i/∂y_i = −∂ℓ_i/∂x_i. "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 */
import type { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions } from "../options";
import { checkInputTarget } from "./checks";

export class MSELoss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "MSELoss"));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "MSELoss");
    return elementwiseLoss("MSELoss", input, target, this.reduction, -1, (lossOut, gradOut, gradScale) =>
      kernelsNow().mseFwdBwd(input.data, target.data, lossOut, gradOut, gradScale),
    );
  }
}
