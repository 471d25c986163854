/**
 * BCEWithLogitsLoss on logits x, with l_i = 1 + (p_c − 1) y_i
 * (p = posWeight, c the element's index on the last dimension):
 *   ℓ_i = w_i · ((1 − y_i) x_i + l_i · softplus(−x_i)),
 *   softplus(z) = max(z, 0) + log1p(exp(−|z|))
 * which equals −w_i (p_c y_i log σ(x_i) + (1 − y_i) log(1 − σ(x_i))) but is
 * finite and accurate for every finite logit (±1e4 included), unlike
 * log(sigmoid(x)). Gradient: w_i ((1 − y_i) − l_i σ(−x_i)).
 * A non-finite x, y or posWeight takes PyTorch's literal formulas instead,
 * so NaN and ±∞ come out as in PyTorch 1.13 (docs/nan-inf.md).
 * "mean" divides by the number of elements. `weight` broadcasts against the
 * input; `posWeight` has one entry per class (the last dimension).
 * NOTE: posWeight must have shape (C) or (1) (PyTorch broadcasts any shape);
 * no gradient with respect to the target.
 */
import { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { sigmoid } from "../backend/js_math";
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
    out[0] = w * bceWithLogits(x, y, p);
    out[1] = w * gradOfLast;
    out[2] = 0;
  },
  plain(a, b, g, s) {
    let total = 0;
    for (let i = 0; i < a.length; i++) {
      total += bceWithLogits(a[i], b[i], 1);
      if (g !== null) g[i] = s * gradOfLast;
    }
    return total;
  },
};

/** ∂loss/∂x of the last bceWithLogits call: its second result, without an allocation per element. */
let gradOfLast = 0;

/**
 * The loss of one element (weight 1, posWeight p), its gradient into
 * gradOfLast; softplus(−x) and σ(−x) from one e^−|x|.
 */
function bceWithLogits(x: number, y: number, p: number): number {
  if (!(Number.isFinite(x) && Number.isFinite(y) && Number.isFinite(p))) return bceWithLogitsLiteral(x, y, p);
  const e = Math.exp(-Math.abs(x));
  const l = 1 + (p - 1) * y;
  // (1 − y) − l·σ(−x) over the common denominator 1 + e: nothing cancels
  // where the gradient is tiny (σ(x) − y for y = 0, x ≪ 0 is e/(1 + e)).
  gradOfLast = (x >= 0 ? 1 - y - p * y * e : (1 - y) * e - p * y) / (1 + e);
  // (1 − y)·x + l·(max(−x, 0) + log1p(e)) with the x terms collected: for x < 0
  // it is −p·y·x + l·log1p(e), so x − x does not cancel away a tiny loss
  // (x = −37, y = 0: 7e-17, which is 0 after the cancellation).
  return (x >= 0 ? (1 - y) * x : -p * y * x) + l * Math.log1p(e);
}

/**
 * BCE-with-logits for a non-finite x, y or p, by PyTorch 1.13's literal
 * formulas, so that NaN and ∞ come out where PyTorch's do (e.g. x = −∞,
 * y = 1 is NaN there, from (1 − y)·x = 0·(−∞)); see BceWithLogits in
 * crates/kernels/src/losses/elementwise.rs. Weight 1; the gradient into gradOfLast.
 */
function bceWithLogitsLiteral(x: number, y: number, p: number): number {
  const m = Number.isNaN(x) ? x : Math.max(-x, 0);
  const l = p === 1 ? 1 : (p - 1) * y + 1;
  const t = p === 1 ? y : p * y;
  gradOfLast = p === 1 ? sigmoid(x) - y : (t + 1 - y) * sigmoid(x) - t;
  return (1 - y) * x + l * (m + Math.log(Math.exp(-m) + Math.exp(-x - m)));
}

/** Options of `BCEWithLogitsLoss` and `F.binaryCrossEntropyWithLogits` (PyTorch's, camelCased). */
export interface BCEWithLogitsLossOptions extends LossOptions {
  /**
   * A manual rescaling weight of each element's loss, broadcast against the input (default: none).
   */
  weight?: Tensor | ArrayLike<number>;
  /**
   * A weight of the positive examples per class, (C) entries for the input's last dimension, or (1)
   * (default: none, 1).
   */
  posWeight?: Tensor | ArrayLike<number>;
}

/**
 * Binary cross entropy on logits, as `torch.nn.BCEWithLogitsLoss`: sigmoid and BCELoss in one
 * stable form, finite for every finite logit.
 * ℓ_i = w_i·((1 − y_i)·x_i + l_i·softplus(−x_i)),  l_i = 1 + (posWeight_c − 1)·y_i.
 * NOTE: posWeight must have shape (C) or (1) (PyTorch broadcasts any shape); no gradient with
 * respect to the target.
 *
 * @example
 * ```ts
 * const logits = nx.randn([4, 3], { requiresGrad: true });
 * new nx.BCEWithLogitsLoss({ posWeight: [2, 1, 1] })(logits, nx.ones([4, 3])).backward();
 * ```
 */
export class BCEWithLogitsLoss extends Loss {
  /** The element weights (`weight` option), or null. */
  readonly weight: Tensor | null;
  /** The positive-example weights (`posWeight` option), or null. */
  readonly posWeight: Tensor | null;

  constructor(opts?: BCEWithLogitsLossOptions) {
    const options = checkOptions(opts, ["weight", "posWeight", "reduction"], "BCEWithLogitsLoss");
    super(options);
    this.weight = weightTensor(options.weight, "BCEWithLogitsLoss: weight");
    this.posWeight = weightTensor(options.posWeight, "BCEWithLogitsLoss: posWeight");
  }

  /**
   * The loss of the logits `input` against `target` (the same shape): a scalar for "mean" (over the
   * elements) and "sum", the element-wise losses (the input's shape) for "none".
   */
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

/**
 * Binary cross entropy on logits as a function,
 * `torch.nn.functional.binary_cross_entropy_with_logits`:
 * ℓ_i = w_i·((1 − y_i)·x_i + l_i·softplus(−x_i)).
 * Same as `new BCEWithLogitsLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.binaryCrossEntropyWithLogits(nx.randn([4], { requiresGrad: true }), new nx.Tensor([0, 1, 1, 0])).backward();
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts?: BCEWithLogitsLossOptions): Tensor {
  return new BCEWithLogitsLoss(opts).forward(input, target);
}
