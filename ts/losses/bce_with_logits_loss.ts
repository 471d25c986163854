/**
 * BCEWithLogitsLoss on logits x, with l_i = 1 + (p_c − 1) y_i
 * (p = posWeight, c the element's index on the last dimension):
 *   ℓ_i = w_i · ((1 − y_i) x_i + l_i · softplus(−x_i)),
 *   softplus(z) = max(z, 0) + log1p(exp(−|z|))
 * which equals −w_i (p_c y_i log σ(x_i) + (1 − y_i) log(1 − σ(x_i))) but is
 * finite and accurate for every finite logit (±1e4 included), unlike
 * log(sigmoid(x)). Gradient: w_i ((1 − y_i) − l_i σ(−x_i)).
 * "mean" divides by the number of elements. `weight` broadcasts against the
 * input; `posWeight` has one entry per class (the last dimension).
 * NOTE: posWeight must have shape (C) or (1) (PyTorch broadcasts any shape);
 * no gradient with respect to the target.
 */
import { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { sigmoid, softplus } from "../backend/js_math";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { runElementwise } from "./elementwise";
import { checkOptions } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { weightTensor, withExpandedWeight } from "./weights";
import { formatShape } from "../shape";

/** crates/kernels/src/losses/elementwise.rs: BCE_WITH_LOGITS (c = the weight, d = posWeight, cycled). */
export const BCE_WITH_LOGITS: ElementwiseKind = {
  name: "BCEWithLogitsLoss",
  code: 3,
  js(x, y, w, p, _p, out) {
    if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(p))) {
      literal(x, y, w, p, out);
      return;
    }
    const l = 1 + (p - 1) * y;
    out[0] = w * ((1 - y) * x + l * softplus(-x));
    out[1] = w * (1 - y - l * sigmoid(-x));
    out[2] = 0;
  },
};

/**
 * BCE-with-logits for a non-finite x, y or p, by PyTorch 1.13's literal
 * formulas, so that NaN and ∞ come out where PyTorch's do (see
 * crates/kernels/src/losses/elementwise.rs, BceWithLogits::literal).
 */
function literal(x: number, y: number, w: number, p: number, out: Float64Array): void {
  const m = Number.isNaN(x) ? x : Math.max(-x, 0);
  const l = p === 1 ? 1 : (p - 1) * y + 1;
  const t = p === 1 ? y : p * y;
  out[0] = w * ((1 - y) * x + l * (m + Math.log(Math.exp(-m) + Math.exp(-x - m))));
  out[1] = w * (p === 1 ? sigmoid(x) - y : (t + 1 - y) * sigmoid(x) - t);
  out[2] = 0;
}

export interface BCEWithLogitsLossOptions extends LossOptions {
  /** Rescales each element's loss; broadcasts against the input. */
  weight?: Tensor | ArrayLike<number>;
  /** Weight of positive examples, one per class (the input's last dimension). */
  posWeight?: Tensor | ArrayLike<number>;
}

export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;

  constructor(opts?: BCEWithLogitsLossOptions) {
    const options = checkOptions(opts, ["weight", "posWeight", "reduction"], "BCEWithLogitsLoss");
    super(options);
    this.weight = weightTensor(options.weight, "BCEWithLogitsLoss: weight");
    this.posWeight = weightTensor(options.posWeight, "BCEWithLogitsLoss: posWeight");
  }

  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "BCEWithLogitsLoss");
    checkTargetWithoutGrad(target, "BCEWithLogitsLoss");
    const classes = input.ndim === 0 ? 1 : input.shape[input.ndim - 1];
    const posWeight = this.posWeight;
    if (posWeight !== null && !(posWeight.ndim <= 1 && (posWeight.size === classes || posWeight.size === 1))) {
      throw new RangeError(
        `BCEWithLogitsLoss: posWeight of shape ${formatShape(posWeight.shape)} must have ${classes} elements ` +
          `(one per class, the input's last dimension) or 1`,
      );
    }
    return withExpandedWeight(posWeight, [classes], "BCEWithLogitsLoss: posWeight", (pos) =>
      withExpandedWeight(this.weight, input.shape, "BCEWithLogitsLoss", (weight) =>
        elementwiseLoss("BCEWithLogitsLoss", [input, target], ["a", null], this.reduction, (out, s) =>
          runElementwise(BCE_WITH_LOGITS, { a: input, b: target, c: weight, d: pos }, [], out, s),
        ),
      ),
    );
  }
}

/** F.binaryCrossEntropyWithLogits(input, target, { weight, posWeight, reduction }) */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts?: BCEWithLogitsLossOptions): Tensor {
  return new BCEWithLogitsLoss(opts).forward(input, target);
}
