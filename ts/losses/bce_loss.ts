/**
 * BCELoss on probabilities x ∈ [0, 1]:
 *   ℓ_i = −w_i · (y_i · max(log x_i, −100) + (1 − y_i) · max(log(1 − x_i), −100))
 * Each log is clamped at −100 as PyTorch does, so x = 0 or 1 gives a finite
 * loss. Gradient (PyTorch's formula): w_i (x_i − y_i) / max(x_i (1 − x_i), 1e-12).
 * "mean" divides by the number of elements (weights do not change it).
 * `weight` broadcasts against the input. Input outside [0, 1], NaN included,
 * is a RangeError (PyTorch rejects it too). Prefer BCEWithLogitsLoss on
 * logits: it is stable where sigmoid followed by BCELoss is not.
 * NOTE: no gradient with respect to the target (PyTorch 1.13 has none either).
 */
import { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { weightTensor, withExpandedWeight } from "./weights";

export interface BCELossOptions extends LossOptions {
  /** Rescales each element's loss; broadcasts against the input. */
  weight?: Tensor | ArrayLike<number>;
}

export class BCELoss extends Loss {
  readonly weight: Tensor | null;

  constructor(opts?: BCELossOptions) {
    const options = checkOptions(opts, ["weight", "reduction"], "BCELoss");
    super(options);
    this.weight = weightTensor(options.weight, "BCELoss: weight");
  }

  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "BCELoss");
    checkTargetWithoutGrad(target, "BCELoss");
    const x = input.data;
    for (let i = 0; i < x.length; i++) {
      if (!(x[i] >= 0 && x[i] <= 1)) {
        throw new RangeError(
          `BCELoss: input values must be probabilities in [0, 1], got ${x[i]} at flat index ${i} (use BCEWithLogitsLoss on logits)`,
        );
      }
    }
    return withExpandedWeight(this.weight, input.shape, "BCELoss", (weight) =>
      elementwiseLoss("BCELoss", input, target, this.reduction, null, (lossOut, gradOut, gradScale) =>
        kernelsNow().bceFwdBwd(input.data, target.data, weight?.data ?? null, lossOut, gradOut, gradScale),
      ),
    );
  }
}
