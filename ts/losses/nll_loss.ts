/**
 * NLLLoss on log-probabilities x (usually a log-softmax) of shape (C),
 * (N, C) or (N, C, d1, …, dk), class-index targets of shape (), (N) or
 * (N, d1, …, dk), class weights w (1 when absent):
 *   ℓ_s = −w_t·x_{s,t},  0 where t = ignoreIndex (default −100)
 *   ∂ℓ_s/∂x_{s,c} = −w_t·[c = t]
 * "mean" divides by Σ w_t over the non-ignored targets (NaN with zero
 * gradients when every target is ignored), as PyTorch 1.13.
 * CrossEntropyLoss is log-softmax followed by this, in one kernel.
 * NOTE: class indices may be given as float tensors holding integral values
 * (PyTorch wants an integer tensor); no gradient with respect to the weights.
 */
import type { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { Loss, type LossOptions } from "./loss";
import { fusedLoss, viewsOf } from "./reduction";
import { checkOptions, integerOption } from "../options";
import { checkWeightLength, weightTensor } from "./weights";
import { checkTensor } from "../errors";
import { checkTargetWithoutGrad } from "./checks";
import { checkIndexTargetShape, classIndexDenominator, classLayout } from "./class_targets";

/** Options of `NLLLoss` and `F.nllLoss` (PyTorch's, camelCased). */
export interface NLLLossOptions extends LossOptions {
  /** A manual rescaling weight per class, C entries (default: none, every class weighs 1). */
  weight?: Tensor | ArrayLike<number>;
  /**
   * Targets equal to this contribute neither loss nor gradient, and are left out of the "mean"
   * (default −100).
   */
  ignoreIndex?: number;
}

/**
 * Negative log-likelihood of class indices under log-probabilities (usually a log-softmax),
 * as `torch.nn.NLLLoss`: ℓ_s = −w_t·x_{s,t}, 0 where t = ignoreIndex.
 * Input (C), (N, C) or (N, C, d1, …), targets (), (N) or (N, d1, …); "mean" divides by Σ w_t
 * over the non-ignored targets.
 * NOTE: class indices may be float tensors holding integral values (PyTorch wants an integer
 * tensor); no gradient with respect to the weights.
 *
 * @example
 * ```ts
 * const logProbabilities = nx.randn([3, 5], { requiresGrad: true }).logSoftmax(1);
 * new nx.NLLLoss()(logProbabilities, new nx.Tensor([1, 0, 4])).backward();
 * ```
 */
export class NLLLoss extends Loss {
  /** The class weights (`weight` option), or null. */
  readonly weight: Tensor | null;
  /** The ignored class index (default −100). */
  readonly ignoreIndex: number;

  constructor(opts?: NLLLossOptions) {
    const o = checkOptions(opts, ["weight", "ignoreIndex", "reduction"], "NLLLoss");
    super(o);
    this.weight = weightTensor(o.weight, "NLLLoss: weight");
    // Any safe integer: compared exactly with the targets (int64 in PyTorch), as CrossEntropyLoss.
    this.ignoreIndex = integerOption(o, "ignoreIndex", -100, "NLLLoss", {
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
    });
  }

  /**
   * The loss of the log-probabilities `input` against the class indices `target`: a scalar for
   * "mean" and "sum", one loss per sample for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(input, "NLLLoss: input");
    checkTensor(target, "NLLLoss: target");
    const layout = classLayout(input, "NLLLoss");
    const { n, classes, inner, sampleShape } = layout;
    checkIndexTargetShape(input, target, layout, "NLLLoss");
    checkTargetWithoutGrad(target, "NLLLoss");
    const weight = this.weight;
    if (weight !== null) checkWeightLength(weight, classes, "NLLLoss: weight", "class");
    const denominator = classIndexDenominator(target, classes, this.ignoreIndex, weight, "NLLLoss");
    // Validated: every target is a class index or ignoreIndex, so the kernel
    // needs the ignored index only when it is a real class.
    const ignore = this.ignoreIndex >= 0 && this.ignoreIndex < classes ? this.ignoreIndex : -1;
    return fusedLoss({
      name: "NLLLoss",
      inputs: [input, target],
      grads: ["a", null],
      reduction: this.reduction,
      noneShape: sampleShape,
      noneGradShape: input.ndim === 1 ? [] : [n, 1, ...input.shape.slice(2)],
      denominator,
      kernel: (out, gradScale) => {
        const [x, t, w, lo, go] = viewsOf(input, target, weight, out.loss, out.grad);
        return kernelsNow().nllFwdBwd(x!, t!, w, n, classes, inner, ignore, lo, go, gradScale);
      },
    });
  }
}

/**
 * Negative log-likelihood as a function, `torch.nn.functional.nll_loss`:
 * ℓ_s = −w_t·x_{s,t}.
 * Same as `new NLLLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.nllLoss(nx.randn([3, 5], { requiresGrad: true }).logSoftmax(1), new nx.Tensor([1, 0, 4])).backward();
 * ```
 */
export function nllLoss(input: Tensor, target: Tensor, opts?: NLLLossOptions): Tensor {
  return new NLLLoss(opts).forward(input, target);
}
