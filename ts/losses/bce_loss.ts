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
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { runElementwise } from "./elementwise";
import { checkOptions } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { weightTensor, withExpandedWeight } from "./weights";

/** crates/kernels/src/losses/elementwise.rs: BCE (c = the weight). */
export const BCE: ElementwiseKind = {
  name: "BCELoss",
  code: 2,
  js(x, y, w, _d, _p, out) {
    // Clamping each log keeps 0 · log 0 = 0 · (−100) finite at x = 0 or 1.
    const logX = Math.max(Math.log(x), -100);
    const log1mX = Math.max(Math.log1p(-x), -100);
    out[0] = -w * (y * logX + (1 - y) * log1mX);
    out[1] = (w * (x - y)) / Math.max(x * (1 - x), 1e-12);
    out[2] = 0;
  },
};

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
      elementwiseLoss("BCELoss", [input, target], ["a", null], this.reduction, (out, s) =>
        runElementwise(BCE, { a: input, b: target, c: weight }, [], out, s),
      ),
    );
  }
}

/** F.binaryCrossEntropy(input, target, { weight, reduction }) */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts?: BCELossOptions): Tensor {
  return new BCELoss(opts).forward(input, target);
}
