/**
 * KLDivLoss: input x = log q (log-probabilities), target p (or log p with
 * logTarget):
 *   ℓ = p·(log p − x), 0 where p = 0        (logTarget false)
 *   ℓ = e^t·(t − x), t = log p              (logTarget true)
 *   ∂ℓ/∂x = −p;  ∂ℓ/∂p = log p + 1 − x (0 where p = 0), ∂ℓ/∂t = e^t·(t − x + 1)
 * The sum over the classes is KL(p ‖ q). Used for distillation (a student's
 * log-softmax against a teacher's softmax) and distribution matching.
 * Reductions: "batchmean" divides the sum by the batch size input.shape[0]
 * (the true KL divergence per sample, what the documentation recommends);
 * "mean" divides by the number of elements, as PyTorch (which warns);
 * "sum" and "none" as usual. The default is "mean", as in PyTorch.
 * NOTE: input and target must have the same shape (PyTorch broadcasts); the
 * target gradient is 0 where p = 0 (PyTorch 1.13's xlogy gives NaN there);
 * "batchmean" of a 0-d input divides by 1.
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss } from "./loss";
import { elementwiseLoss, REDUCTIONS, type KLDivReduction } from "./reduction";
import { booleanOption, checkOptions } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: KL_DIV, p = [logTarget], second gradient: the target's. */
export const KL_DIV: ElementwiseKind = {
  name: "KLDivLoss",
  code: 6,
  js(x, t, _c, _d, [logTarget], out) {
    if (logTarget !== 0) {
      const et = Math.exp(t);
      out[0] = et * (t - x);
      out[1] = -et;
      out[2] = et * (t - x + 1);
    } else if (t === 0) {
      out[0] = -(t * x);
      out[1] = -t;
      out[2] = 0;
    } else {
      const lt = Math.log(t);
      out[0] = t * (lt - x);
      out[1] = -t;
      out[2] = lt + 1 - x;
    }
  },
};

/** Options of `KLDivLoss` and `F.klDiv` (PyTorch's, camelCased). */
export interface KLDivLossOptions {
  /**
   * "none" | "mean" | "sum" | "batchmean" (default "mean", as PyTorch). "batchmean" divides the sum
   * by input.shape[0], which is the KL divergence per sample; "mean" divides by the number of
   * elements.
   */
  reduction?: KLDivReduction;
  /** The target holds log-probabilities log p rather than p (default false). */
  logTarget?: boolean;
}

const KL_REDUCTIONS: readonly KLDivReduction[] = [...REDUCTIONS, "batchmean"];

/**
 * Kullback–Leibler divergence of a target distribution p from log-probabilities x = log q, as
 * `torch.nn.KLDivLoss`: ℓ = p·(log p − x), 0 where p = 0 (with logTarget, t = log p: ℓ = e^t·(t −
 * x)).
 * Use reduction "batchmean" for the KL divergence per sample; the default "mean" divides by the
 * number of elements, as in PyTorch.
 * NOTE: input and target must have the same shape (PyTorch broadcasts); the target gradient
 * is 0 where p = 0 (PyTorch 1.13 gives NaN there); "batchmean" of a 0-d input divides by 1.
 *
 * @example
 * ```ts
 * const logQ = nx.randn([3, 5], { requiresGrad: true }).logSoftmax(1);
 * const p = nx.randn([3, 5]).softmax(1);
 * new nx.KLDivLoss({ reduction: "batchmean" })(logQ, p).backward();
 * ```
 */
export class KLDivLoss extends Loss<[input: Tensor, target: Tensor], KLDivReduction> {
  /** Whether the target holds log-probabilities (default false). */
  readonly logTarget: boolean;

  constructor(opts?: KLDivLossOptions) {
    const o = checkOptions(opts, ["reduction", "logTarget"], "KLDivLoss");
    super(o, KL_REDUCTIONS);
    this.logTarget = booleanOption(o, "logTarget", false, "KLDivLoss");
  }

  /**
   * The loss of the log-probabilities `input` against `target` (the same shape): a scalar for
   * "mean", "batchmean" and "sum", the element-wise losses for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "KLDivLoss");
    const batch = this.reduction === "batchmean";
    const denominator = batch ? (input.ndim === 0 ? 1 : input.shape[0]) : input.size;
    return elementwiseLoss(
      "KLDivLoss",
      [input, target],
      ["a", { second: true }],
      batch ? "mean" : this.reduction,
      (out, s) => runElementwise(KL_DIV, { a: input, b: target }, [+this.logTarget], out, s),
      denominator,
    );
  }
}

/**
 * Kullback–Leibler divergence as a function, `torch.nn.functional.kl_div`:
 * ℓ = p·(log p − x).
 * Same as `new KLDivLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.klDiv(nx.randn([3, 5], { requiresGrad: true }).logSoftmax(1), nx.randn([3, 5]).softmax(1), { reduction: "batchmean" }).backward();
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, opts?: KLDivLossOptions): Tensor {
  return new KLDivLoss(opts).forward(input, target);
}
