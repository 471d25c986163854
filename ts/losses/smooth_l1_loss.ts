/**
 * SmoothL1Loss (beta β ≥ 0, default 1), d = x − y:
 *   ℓ = ½·d²/β     where |d| < β
 *   ℓ = |d| − ½·β  elsewhere
 *   ∂ℓ/∂x = h(d),  ∂ℓ/∂y = h(−d),  h(d) = −1 where d ≤ −β, 1 where d ≥ β, else d/β
 * (tested in that order, as PyTorch 1.13: with β = 0 both gradients at
 * d = 0 are −1, so ∂ℓ/∂y is not −∂ℓ/∂x there)
 * HuberLoss divided by β (so its linear part has slope 1); β = 0 is L1Loss,
 * as in PyTorch. Used for box regression in object detection. "mean"
 * divides by the number of elements. β < 0 is a RangeError, as in PyTorch.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions, NON_NEGATIVE, numberOption } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: SMOOTH_L1, p = [β], second gradient: the target's. */
export const SMOOTH_L1: ElementwiseKind = {
  name: "SmoothL1Loss",
  code: 5,
  js(x, y, _c, _d, [beta], out) {
    const d = x - y;
    const ad = Math.abs(d);
    out[0] = ad < beta ? (0.5 * d * d) / beta : ad - 0.5 * beta;
    out[1] = d <= -beta ? -1 : d >= beta ? 1 : d / beta;
    out[2] = -d <= -beta ? -1 : -d >= beta ? 1 : -d / beta;
  },
};

/** Options of `SmoothL1Loss` and `F.smoothL1Loss` (PyTorch's, camelCased). */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (≥ 0, default 1; 0 gives L1Loss). */
  beta?: number;
}

/**
 * Smooth L1 loss, as `torch.nn.SmoothL1Loss`: HuberLoss divided by β, so the linear part has
 * slope 1; used for box regression. With d = x − y: ℓ = ½·d²/β where |d| < β, |d| − ½·β elsewhere.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 *
 * @example
 * ```ts
 * new nx.SmoothL1Loss({ beta: 0.5 })(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from quadratic to linear (default 1). */
  readonly beta: number;

  constructor(opts?: SmoothL1LossOptions) {
    const o = checkOptions(opts, ["reduction", "beta"], "SmoothL1Loss");
    super(o);
    this.beta = numberOption(o, "beta", 1, "SmoothL1Loss", NON_NEGATIVE);
  }

  /**
   * The loss of `input` against `target` (the same shape): a scalar for "mean" (over the elements)
   * and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "SmoothL1Loss");
    return elementwiseLoss("SmoothL1Loss", [input, target], ["a", { second: true }], this.reduction, (out, s) =>
      runElementwise(SMOOTH_L1, { a: input, b: target }, [this.beta], out, s),
    );
  }
}

/**
 * Smooth L1 loss as a function, `torch.nn.functional.smooth_l1_loss`:
 * ℓ = ½·d²/β where |d| < β, |d| − ½·β elsewhere.
 * Same as `new SmoothL1Loss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.smoothL1Loss(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, opts?: SmoothL1LossOptions): Tensor {
  return new SmoothL1Loss(opts).forward(input, target);
}
