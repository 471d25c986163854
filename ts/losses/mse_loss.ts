/**
 * MSELoss: ℓ_i = (x_i − y_i)², reduced by mean (default), sum or none.
 * ∂ℓ_i/∂x_i = 2(x_i − y_i), computed in the same pass as the loss;
 * ∂ℓ_i/∂y_i = −∂ℓ_i/∂x_i. "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";

const mse = (x: number, y: number) => (x - y) * (x - y);
const mseGrad = (x: number, y: number) => 2 * (x - y);

/** crates/kernels/src/losses/elementwise.rs: MSE. */
export const MSE: ElementwiseKind = {
  name: "MSELoss",
  code: 0,
  js(x, y, _c, _d, _p, out) {
    out[0] = mse(x, y);
    out[1] = mseGrad(x, y);
    out[2] = 0;
  },
  plain(a, b, g, s) {
    let total = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      const y = b[i];
      total += mse(x, y);
      if (g !== null) g[i] = s * mseGrad(x, y);
    }
    return total;
  },
};

/**
 * Mean squared error, as `torch.nn.MSELoss`: ℓ_i = (x_i − y_i)².
 * NOTE: input and target must have the same shape (PyTorch broadcasts with a warning).
 *
 * @example
 * ```ts
 * new nx.MSELoss()(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export class MSELoss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "MSELoss"));
  }

  /**
   * The loss of `input` against `target` (the same shape): a scalar for "mean" (over the elements)
   * and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "MSELoss");
    return elementwiseLoss("MSELoss", [input, target], ["a", -1], this.reduction, (out, s) =>
      runElementwise(MSE, { a: input, b: target }, [], out, s),
    );
  }
}

/**
 * Mean squared error as a function, `torch.nn.functional.mse_loss`:
 * ℓ_i = (x_i − y_i)².
 * Same as `new MSELoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.mseLoss(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5]), { reduction: "sum" }).backward();
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return new MSELoss(opts).forward(input, target);
}
