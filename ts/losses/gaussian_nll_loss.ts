/**
 * GaussianNLLLoss: the negative log-likelihood of a target y under
 * N(μ = x, σ² = var), per element, with v = max(var, eps):
 *   ℓ = ½·(log v + (x − y)²/v)  [+ ½·log 2π with `full`]
 *   ∂ℓ/∂x = (x − y)/v,  ∂ℓ/∂y = −∂ℓ/∂x,  ∂ℓ/∂var = ½·(1/v − (x − y)²/v²)
 * The clamp at eps (default 1e-6) is for stability only and, as PyTorch
 * documents, autograd ignores it: the var gradient is the formula above even
 * where var < eps. For regression that predicts its own uncertainty.
 * `var` has the input's shape, or the input's shape without its last
 * dimension (one variance per sample, homoscedastic), or that shape with a
 * last dimension of 1; it is broadcast, and its gradient summed back.
 * "mean" divides by the number of elements of the input.
 * A negative variance is a RangeError, as in PyTorch (a ValueError there).
 * NOTE: target must have the input's shape (PyTorch broadcasts it).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { booleanOption, checkOptions, numberOption, POSITIVE } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";
import { checkTensor } from "../errors";
import { formatShape, sameShape } from "../shape";
import { expand } from "../ops/shape_ops";
import { sumTo } from "../ops/reduce";

/** crates/kernels/src/losses/elementwise.rs: GAUSSIAN_NLL, c = var, p = [full, eps], second gradient: var's. */
export const GAUSSIAN_NLL: ElementwiseKind = {
  name: "GaussianNLLLoss",
  code: 8,
  js(x, y, variance, _d, [full, eps], out) {
    const v = Math.max(variance, eps);
    const d = x - y;
    const r = d / v;
    out[0] = 0.5 * (Math.log(v) + d * r) + (full !== 0 ? 0.5 * Math.log(2 * Math.PI) : 0);
    out[1] = r;
    out[2] = (0.5 * (1 - d * r)) / v;
  },
};

/** Options of `GaussianNLLLoss` and `F.gaussianNllLoss` (PyTorch's, camelCased). */
export interface GaussianNLLLossOptions extends LossOptions {
  /** Add the constant ½·log 2π (default false). */
  full?: boolean;
  /**
   * The variance is clamped to at least this, for stability; the gradient ignores the clamp (> 0,
   * default 1e-6).
   */
  eps?: number;
}

/**
 * Negative log-likelihood of a target y under N(x, var), as `torch.nn.GaussianNLLLoss`, for
 * regression that predicts its own uncertainty: ℓ = ½·(log v + (x − y)²/v), v = max(var, eps).
 * `variance` has the input's shape, or one variance per sample (the shape without its last
 * dimension, or with it 1). A negative variance is a RangeError.
 * NOTE: target must have the input's shape (PyTorch broadcasts it).
 *
 * @example
 * ```ts
 * const mean = nx.randn([3, 5], { requiresGrad: true });
 * const variance = nx.ones([3, 1], { requiresGrad: true });
 * new nx.GaussianNLLLoss()(mean, nx.randn([3, 5]), variance).backward();
 * ```
 */
export class GaussianNLLLoss extends Loss<[input: Tensor, target: Tensor, variance: Tensor]> {
  /** Whether the constant ½·log 2π is added (default false). */
  readonly full: boolean;
  /** The variance's lower clamp (default 1e-6). */
  readonly eps: number;

  constructor(opts?: GaussianNLLLossOptions) {
    const o = checkOptions(opts, ["reduction", "full", "eps"], "GaussianNLLLoss");
    super(o);
    this.full = booleanOption(o, "full", false, "GaussianNLLLoss");
    this.eps = numberOption(o, "eps", 1e-6, "GaussianNLLLoss", POSITIVE);
  }

  /**
   * The loss of the means `input` against `target` (the same shape) with `variance`: a scalar for
   * "mean" (over the input's elements) and "sum", the element-wise losses for "none".
   */
  forward(input: Tensor, target: Tensor, variance: Tensor): Tensor {
    checkInputTarget(input, target, "GaussianNLLLoss");
    checkTensor(variance, "GaussianNLLLoss: var");
    const lead = input.shape.slice(0, -1);
    let varShape: readonly number[];
    if (sameShape(variance.shape, input.shape)) varShape = input.shape;
    else if (input.ndim > 0 && sameShape(variance.shape, lead)) varShape = [...lead, 1];
    else if (input.ndim > 0 && sameShape(variance.shape, [...lead, 1])) varShape = variance.shape;
    else {
      throw new RangeError(
        `GaussianNLLLoss: var of shape ${formatShape(variance.shape)} must have the input's shape ${formatShape(input.shape)}, ` +
          `or ${formatShape(lead)} or ${formatShape([...lead, 1])} (one variance per sample)`,
      );
    }
    const v = variance.data;
    for (let i = 0; i < v.length; i++) {
      if (v[i] < 0) {
        throw new RangeError(`GaussianNLLLoss: var has a negative entry (${v[i]} at flat index ${i}); variances must be ≥ 0`);
      }
    }
    const expanded = expand(variance.withShape(varShape), input.shape);
    try {
      return elementwiseLoss(
        "GaussianNLLLoss",
        [input, target, variance],
        ["a", -1, { second: true, map: (g) => sumTo(g, varShape).withShape(variance.shape) }],
        this.reduction,
        (out, s) => runElementwise(GAUSSIAN_NLL, { a: input, b: target, c: expanded }, [+this.full, this.eps], out, s),
      );
    } finally {
      if (expanded.ownsStorage && expanded.storage !== variance.storage) expanded.dispose();
    }
  }
}

/**
 * Gaussian negative log-likelihood as a function, `torch.nn.functional.gaussian_nll_loss`:
 * ℓ = ½·(log v + (x − y)²/v).
 * Same as `new GaussianNLLLoss(opts).forward(input, target, variance)`.
 *
 * @example
 * ```ts
 * nx.F.gaussianNllLoss(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5]), nx.ones([3, 5])).backward();
 * ```
 */
export function gaussianNllLoss(input: Tensor, target: Tensor, variance: Tensor, opts?: GaussianNLLLossOptions): Tensor {
  return new GaussianNLLLoss(opts).forward(input, target, variance);
}
