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

export interface NLLLossOptions extends LossOptions {
  /** One weight per class. */
  weight?: Tensor | ArrayLike<number>;
  /** Targets equal to this index contribute nothing (default −100). */
  ignoreIndex?: number;
}

export class NLLLoss extends Loss {
  readonly weight: Tensor | null;
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

/** F.nllLoss(input, target, { weight, ignoreIndex, reduction }) */
export function nllLoss(input: Tensor, target: Tensor, opts?: NLLLossOptions): Tensor {
  return new NLLLoss(opts).forward(input, target);
}
