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

// Clamping each log keeps 0 · log 0 = 0 · (−100) finite at x = 0 or 1.
const bce = (x: number, y: number) => -(y * Math.max(Math.log(x), -100) + (1 - y) * Math.max(Math.log1p(-x), -100));
const bceGrad = (x: number, y: number) => (x - y) / Math.max(x * (1 - x), 1e-12);

/** crates/kernels/src/losses/elementwise.rs: BCE (c = the weight). */
export const BCE: ElementwiseKind = {
  name: "BCELoss",
  code: 2,
  js(x, y, w, _d, _p, out) {
    out[0] = w * bce(x, y);
    out[1] = w * bceGrad(x, y);
    out[2] = 0;
  },
  plain(a, b, g, s) {
    let total = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      total += bce(x, y);
      if (g !== null) g[i] = s * bceGrad(x, y);
    }
    return total;
  },
};

/** Options of `BCELoss` and `F.binaryCrossEntropy` (PyTorch's, camelCased). */
export interface BCELossOptions extends LossOptions {
  /**
   * A manual rescaling weight of each element's loss, broadcast against the input (default: none).
   */
  weight?: Tensor | ArrayLike<number>;
}

/**
 * Binary cross entropy on probabilities, as `torch.nn.BCELoss`:
 * ℓ_i = −w_i·(y_i·max(log x_i, −100) + (1 − y_i)·max(log(1 − x_i), −100)).
 * Input outside [0, 1] is a RangeError. Prefer BCEWithLogitsLoss on logits: it is stable where
 * sigmoid followed by BCELoss is not.
 * NOTE: no gradient with respect to the target (PyTorch 1.13 has none either).
 *
 * @example
 * ```ts
 * const probabilities = nx.randn([4], { requiresGrad: true }).sigmoid();
 * new nx.BCELoss()(probabilities, new nx.Tensor([0, 1, 1, 0])).backward();
 * ```
 */
export class BCELoss extends Loss {
  /** The element weights (`weight` option), or null. */
  readonly weight: Tensor | null;

  constructor(opts?: BCELossOptions) {
    const options = checkOptions(opts, ["weight", "reduction"], "BCELoss");
    super(options);
    this.weight = weightTensor(options.weight, "BCELoss: weight");
  }

  /**
   * The loss of the probabilities `input` against `target` (the same shape): a scalar for "mean"
   * (over the elements) and "sum", the element-wise losses (the input's shape) for "none".
   */
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

/**
 * Binary cross entropy on probabilities as a function, `torch.nn.functional.binary_cross_entropy`:
 * ℓ_i = −w_i·(y_i·log x_i + (1 − y_i)·log(1 − x_i)), logs clamped at −100.
 * Same as `new BCELoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.binaryCrossEntropy(nx.randn([4], { requiresGrad: true }).sigmoid(), new nx.Tensor([0, 1, 1, 0])).backward();
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts?: BCELossOptions): Tensor {
  return new BCELoss(opts).forward(input, target);
}
