/**
 * HuberLoss (delta δ > 0, default 1), d = x − y:
 *   ℓ = ½·d²            where |d| < δ
 *   ℓ = δ·(|d| − ½·δ)   elsewhere
 *   ∂ℓ/∂x = clamp(d, −δ, δ),  ∂ℓ/∂y = −∂ℓ/∂x
 * Quadratic near zero, linear beyond δ: regression that outliers do not
 * dominate. Computed as written (no cancellation); "mean" divides by the
 * number of elements. δ ≤ 0 is a RangeError, as in PyTorch.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions, numberOption, POSITIVE } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: HUBER, p = [δ]. */
export const HUBER: ElementwiseKind = {
  name: "HuberLoss",
  code: 4,
  js(x, y, _c, _d, [delta], out) {
    const d = x - y;
    const ad = Math.abs(d);
    out[0] = ad < delta ? 0.5 * d * d : delta * (ad - 0.5 * delta);
    out[1] = Math.min(Math.max(d, -delta), delta);
    out[2] = 0;
  },
};

/** Options of `HuberLoss` and `F.huberLoss` (PyTorch's, camelCased). */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (> 0, default 1). */
  delta?: number;
}

/**
 * Huber loss, as `torch.nn.HuberLoss`: quadratic near zero, linear beyond δ, so outliers do
 * not dominate a regression. With d = x − y: ℓ = ½·d² where |d| < δ, δ·(|d| − ½·δ) elsewhere.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 *
 * @example
 * ```ts
 * new nx.HuberLoss({ delta: 0.5 })(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export class HuberLoss extends Loss {
  /** Where the loss turns from quadratic to linear (default 1). */
  readonly delta: number;

  constructor(opts?: HuberLossOptions) {
    const o = checkOptions(opts, ["reduction", "delta"], "HuberLoss");
    super(o);
    this.delta = numberOption(o, "delta", 1, "HuberLoss", POSITIVE);
  }

  /**
   * The loss of `input` against `target` (the same shape): a scalar for "mean" (over the elements)
   * and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "HuberLoss");
    return elementwiseLoss("HuberLoss", [input, target], ["a", -1], this.reduction, (out, s) =>
      runElementwise(HUBER, { a: input, b: target }, [this.delta], out, s),
    );
  }
}

/**
 * Huber loss as a function, `torch.nn.functional.huber_loss`:
 * ℓ = ½·d² where |d| < δ, δ·(|d| − ½·δ) elsewhere.
 * Same as `new HuberLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.huberLoss(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5]), { delta: 0.5 }).backward();
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, opts?: HuberLossOptions): Tensor {
  return new HuberLoss(opts).forward(input, target);
}
