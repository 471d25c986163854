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
    const d = x - y;
    out[0] = Math.abs(d);
    out[1] = sign(d);
    out[2] = 0;
  },
};

export class L1Loss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "L1Loss"));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "L1Loss");
    return elementwiseLoss("L1Loss", [input, target], ["a", -1], this.reduction, (out, s) =>
      runElementwise(L1, { a: input, b: target }, [], out, s),
    );
  }
}

/** F.l1Loss(input, target, { reduction }) */
export function l1Loss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return new L1Loss(opts).forward(input, target);
}
