/**
 * MultiMarginLoss (p ∈ {1, 2}, margin m = 1, class weights w) on scores x of
 * shape (N, C) or (C) with class-index targets y of shape (N) or ():
 *   ℓ_n = (1/C)·Σ_{i ≠ y} w_y·max(0, m − x_y + x_i)^p
 *   ∂ℓ/∂x_i = (p/C)·w_y·z_i^(p−1) for i ≠ y with z_i > 0, ∂ℓ/∂x_y = −Σ of those
 * The multi-class hinge (SVM) loss. "mean" divides by N (the weights do not
 * change it, as in PyTorch). p other than 1 or 2 is a RangeError, as PyTorch.
 * Fused forward + gradient kernel (crates/kernels/src/losses/multi_margin_loss.rs,
 * multiMarginFwdBwd in js.ts); the gradient at z = 0 is 0, as PyTorch's
 * kernel (z > 0).
 * NOTE: class indices may be float tensors holding integral values; no
 * gradient with respect to the weights.
 */
import type { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { fusedLoss, viewsOf } from "./reduction";
import { Loss, type LossOptions } from "./loss";
import { checkOptions, FINITE, numberOption } from "../options";
import { checkTargetWithoutGrad } from "./checks";
import { checkWeightLength, weightTensor } from "./weights";
import { checkTensor } from "../errors";
import { formatShape, sameShape } from "../shape";
import { classIndexDenominator } from "./class_targets";

/** Options of `MultiMarginLoss` and `F.multiMarginLoss` (PyTorch's, camelCased). */
export interface MultiMarginLossOptions extends LossOptions {
  /** 1 (hinge) or 2 (squared hinge); default 1. */
  p?: number;
  /** The margin by which the target class's score should exceed the others (default 1). */
  margin?: number;
  /**
   * A manual rescaling weight per class, C entries, applied by each sample's target class (default:
   * none, 1).
   */
  weight?: Tensor | ArrayLike<number>;
}

/**
 * Multi-class hinge (SVM) loss, as `torch.nn.MultiMarginLoss`, on scores (N, C) or (C) with class
 * indices (N) or (): ℓ_n = (1/C)·Σ_{i ≠ y} w_y·max(0, margin − x_y + x_i)^p. "mean" divides by N.
 * NOTE: class indices may be float tensors holding integral values; no gradient with respect
 * to the weights.
 *
 * @example
 * ```ts
 * const scores = nx.randn([3, 5], { requiresGrad: true });
 * new nx.MultiMarginLoss({ p: 2 })(scores, new nx.Tensor([1, 0, 4])).backward();
 * ```
 */
export class MultiMarginLoss extends Loss {
  /** 1 (hinge) or 2 (squared hinge), default 1. */
  readonly p: number;
  /** The required margin (default 1). */
  readonly margin: number;
  /** The class weights (`weight` option), or null. */
  readonly weight: Tensor | null;

  constructor(opts?: MultiMarginLossOptions) {
    const o = checkOptions(opts, ["p", "margin", "weight", "reduction"], "MultiMarginLoss");
    super(o);
    this.p = numberOption(o, "p", 1, "MultiMarginLoss");
    if (this.p !== 1 && this.p !== 2) {
      throw new RangeError(`MultiMarginLoss: p must be 1 or 2 (only p = 1 and p = 2 are supported, as in PyTorch), got ${this.p}`);
    }
    this.margin = numberOption(o, "margin", 1, "MultiMarginLoss", FINITE);
    this.weight = weightTensor(o.weight, "MultiMarginLoss: weight");
  }

  /**
   * The loss of the scores `input` against the class indices `target`: a scalar for "mean" (over
   * the N samples) and "sum", one loss per sample for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(input, "MultiMarginLoss: input");
    checkTensor(target, "MultiMarginLoss: target");
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new RangeError(`MultiMarginLoss: input must have shape (N, C) or (C), got ${formatShape(input.shape)}`);
    }
    const batched = input.ndim === 2;
    const classes = input.shape[input.ndim - 1];
    const samples = batched ? [input.shape[0]] : [];
    if (!sameShape(target.shape, samples)) {
      throw new RangeError(`MultiMarginLoss: for input of shape ${formatShape(input.shape)}, target must have shape ${formatShape(samples)}, got ${formatShape(target.shape)}`);
    }
    checkTargetWithoutGrad(target, "MultiMarginLoss");
    if (this.weight !== null) checkWeightLength(this.weight, classes, "MultiMarginLoss: weight", "class");
    // Validates the indices (no ignoreIndex here: NaN never equals a target).
    classIndexDenominator(target, classes, NaN, null, "MultiMarginLoss");
    const n = batched ? input.shape[0] : 1;
    const weight = this.weight;
    return fusedLoss({
      name: "MultiMarginLoss",
      inputs: [input, target],
      grads: ["a", null],
      reduction: this.reduction,
      noneShape: samples,
      noneGradShape: batched ? [n, 1] : [],
      denominator: n,
      kernel: (out, gradScale) => {
        const [x, t, w, lo, go] = viewsOf(input, target, weight, out.loss, out.grad);
        return kernelsNow().multiMarginFwdBwd(x!, t!, w, n, classes, this.p, this.margin, lo, go, gradScale);
      },
    });
  }
}

/**
 * Multi-class hinge loss as a function, `torch.nn.functional.multi_margin_loss`:
 * ℓ_n = (1/C)·Σ_{i ≠ y} w_y·max(0, margin − x_y + x_i)^p.
 * Same as `new MultiMarginLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.multiMarginLoss(nx.randn([3, 5], { requiresGrad: true }), new nx.Tensor([1, 0, 4])).backward();
 * ```
 */
export function multiMarginLoss(input: Tensor, target: Tensor, opts?: MultiMarginLossOptions): Tensor {
  return new MultiMarginLoss(opts).forward(input, target);
}
