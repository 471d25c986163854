/**
 * L1Loss: ℓ_i = |x_i − y_i|, reduced by mean (default), sum or none.
 * ∂ℓ_i/∂x_i = sign(x_i − y_i) (0 where equal, as PyTorch), computed in the same pass as the loss;
 * ∂ℓ_i/∂y_i = −∂ℓ_i/∂x_i. "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { sign } from "../backend/js_math";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: L1. */
export const L1: ElementwiseKind = {
  name: "L1Loss",
  code: 1,
  js(x, y, _c, _d, _p, out) {
    out[0] = Math.abs(x - y);
    out[1] = sign(x - y);
    out[2] = 0;
  },
  plain(a, b, g, s) {
    let total = 0;
    for (let i = 0; i < a.length; i++) {
      const d = a[i] - b[i];
      total += Math.abs(d);
      if (g !== null) g[i] = s * sign(d);
    }
    return total;
  },
};

/**
 * Mean absolute error, as `torch.nn.L1Loss`: ℓ_i = |x_i − y_i| (gradient 0 where x_i = y_i).
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 *
 * @example
 * ```ts
 * new nx.L1Loss()(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export class L1Loss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "L1Loss"));
  }

  /**
   * The loss of `input` against `target` (the same shape): a scalar for "mean" (over the elements)
   * and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "L1Loss");
    return elementwiseLoss("L1Loss", [input, target], ["a", -1], this.reduction, (out, s) =>
      runElementwise(L1, { a: input, b: target }, [], out, s),
    );
  }
}

/**
 * Mean absolute error as a function, `torch.nn.functional.l1_loss`:
 * ℓ_i = |x_i − y_i|.
 * Same as `new L1Loss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.l1Loss(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return new L1Loss(opts).forward(input, target);
}
