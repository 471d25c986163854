/**
 * PoissonNLLLoss: the negative log-likelihood of a target count y under
 * Poisson(λ), with the input x = log λ (logInput, the default) or x = λ:
 *   ℓ = e^x − y·x                 ∂ℓ/∂x = e^x − y           ∂ℓ/∂y = −x          (logInput)
 *   ℓ = x − y·log(x + eps)        ∂ℓ/∂x = 1 − y/(x + eps)   ∂ℓ/∂y = −log(x + eps)
 * With `full`, Stirling's approximation of log(y!) is added where y > 1:
 * y·log y − y + ½·log(2πy) (∂ℓ/∂y gains log y + 1/(2y)). The eps (default
 * 1e-8) keeps log finite at λ = 0. For count regression (events, photons).
 * "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { booleanOption, checkOptions, NON_NEGATIVE, numberOption } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: POISSON_NLL, p = [logInput, full, eps], second gradient: the target's. */
export const POISSON_NLL: ElementwiseKind = {
  name: "PoissonNLLLoss",
  code: 7,
  js(x, y, _c, _d, [logInput, full, eps], out) {
    if (logInput !== 0) {
      const ex = Math.exp(x);
      out[0] = ex - y * x;
      out[1] = ex - y;
      out[2] = -x;
    } else {
      const l = Math.log(x + eps);
      out[0] = x - y * l;
      out[1] = 1 - y / (x + eps);
      out[2] = -l;
    }
    if (full !== 0 && y > 1) {
      const ly = Math.log(y);
      out[0] += y * ly - y + 0.5 * Math.log(2 * Math.PI * y);
      out[2] += ly + 0.5 / y;
    }
  },
};

/** Options of `PoissonNLLLoss` and `F.poissonNllLoss` (PyTorch's, camelCased). */
export interface PoissonNLLLossOptions extends LossOptions {
  /** The input is log λ (default true); false: the input is λ itself. */
  logInput?: boolean;
  /**
   * Add Stirling's approximation of log(y!), y·log y − y + ½·log(2πy) where y > 1 (default false).
   */
  full?: boolean;
  /** Added to λ inside the log when logInput is false, so λ = 0 stays finite (default 1e-8). */
  eps?: number;
}

/**
 * Negative log-likelihood of target counts y under Poisson(λ), as `torch.nn.PoissonNLLLoss`,
 * for count regression: ℓ = e^x − y·x with x = log λ (logInput), ℓ = x − y·log(x + eps) with x = λ.
 * NOTE: input and target must have the same shape (PyTorch broadcasts).
 *
 * @example
 * ```ts
 * const logRate = nx.randn([2, 3], { requiresGrad: true });
 * new nx.PoissonNLLLoss()(logRate, new nx.Tensor([[0, 1, 3], [2, 0, 1]])).backward();
 * ```
 */
export class PoissonNLLLoss extends Loss {
  /** Whether the input is log λ (default true). */
  readonly logInput: boolean;
  /** Whether Stirling's term is added (default false). */
  readonly full: boolean;
  /** Added to λ inside the log when logInput is false (default 1e-8). */
  readonly eps: number;

  constructor(opts?: PoissonNLLLossOptions) {
    const o = checkOptions(opts, ["reduction", "logInput", "full", "eps"], "PoissonNLLLoss");
    super(o);
    this.logInput = booleanOption(o, "logInput", true, "PoissonNLLLoss");
    this.full = booleanOption(o, "full", false, "PoissonNLLLoss");
    this.eps = numberOption(o, "eps", 1e-8, "PoissonNLLLoss", NON_NEGATIVE);
  }

  /**
   * The loss of `input` (log λ, or λ) against the counts `target` (the same shape): a scalar for
   * "mean" (over the elements) and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "PoissonNLLLoss");
    const params = [+this.logInput, +this.full, this.eps];
    return elementwiseLoss("PoissonNLLLoss", [input, target], ["a", { second: true }], this.reduction, (out, s) =>
      runElementwise(POISSON_NLL, { a: input, b: target }, params, out, s),
    );
  }
}

/**
 * Poisson negative log-likelihood as a function, `torch.nn.functional.poisson_nll_loss`:
 * ℓ = e^x − y·x (logInput), x − y·log(x + eps) otherwise.
 * Same as `new PoissonNLLLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.poissonNllLoss(nx.randn([3], { requiresGrad: true }), new nx.Tensor([0, 2, 1])).backward();
 * ```
 */
export function poissonNllLoss(input: Tensor, target: Tensor, opts?: PoissonNLLLossOptions): Tensor {
  return new PoissonNLLLoss(opts).forward(input, target);
}
