/**
 * SoftMarginLoss: logistic loss for labels y ∈ {−1, 1}:
 *   ℓ = log(1 + e^(−y·x)) = softplus(−y·x),  ∂ℓ/∂x = −y·σ(−y·x)
 * computed as max(z, 0) + log1p(e^−|z|) with z = −y·x, finite for every
 * finite x (never log(1 + exp(z)), which overflows at z > 88). Two-class
 * classification on raw scores. "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts); no
 * gradient with respect to the target (PyTorch 1.13 has none either).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { sigmoid, softplus } from "../backend/js_math";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: SOFT_MARGIN. */
export const SOFT_MARGIN: ElementwiseKind = {
  name: "SoftMarginLoss",
  code: 9,
  js(x, y, _c, _d, _p, out) {
    const z = -y * x;
    out[0] = softplus(z);
    out[1] = -y * sigmoid(z);
    out[2] = 0;
  },
};

/**
 * Two-class logistic loss on raw scores, as `torch.nn.SoftMarginLoss`, labels y ∈ {−1, 1}:
 * ℓ = log(1 + e^(−y·x)), computed stably.
 * NOTE: input and target must have the same shape (PyTorch broadcasts); no gradient with
 * respect to the target (PyTorch 1.13 has none either).
 *
 * @example
 * ```ts
 * new nx.SoftMarginLoss()(nx.randn([4], { requiresGrad: true }), new nx.Tensor([1, -1, -1, 1])).backward();
 * ```
 */
export class SoftMarginLoss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "SoftMarginLoss"));
  }

  /**
   * The loss of the scores `input` with the labels `target` (the same shape): a scalar for "mean"
   * (over the elements) and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "SoftMarginLoss");
    checkTargetWithoutGrad(target, "SoftMarginLoss");
    return elementwiseLoss("SoftMarginLoss", [input, target], ["a", null], this.reduction, (out, s) =>
      runElementwise(SOFT_MARGIN, { a: input, b: target }, [], out, s),
    );
  }
}

/**
 * Two-class logistic loss as a function, `torch.nn.functional.soft_margin_loss`:
 * ℓ = log(1 + e^(−y·x)).
 * Same as `new SoftMarginLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.softMarginLoss(nx.randn([4], { requiresGrad: true }), new nx.Tensor([1, -1, -1, 1])).backward();
 * ```
 */
export function softMarginLoss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return new SoftMarginLoss(opts).forward(input, target);
}
