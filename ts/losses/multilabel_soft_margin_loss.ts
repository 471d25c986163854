/**
 * MultiLabelSoftMarginLoss on logits x of shape (N, C) (or (C)) with 0/1
 * (or soft) targets y of the same shape and optional class weights w (C):
 *   ℓ_n = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c))
 * i.e. BCE-with-logits averaged over the classes, per sample; multi-label
 * classification (several tags per image). log σ is computed stably
 * (min(x, 0) − log1p(e^−|x|)). "mean" divides by N.
 * Composed from Tensor ops as PyTorch 1.13 composes it, so the gradients
 * (input and target) follow by autograd.
 */
import type { Tensor } from "../tensor";
import { Loss, type LossOptions } from "./loss";
import { checkOptions } from "../options";
import { checkInputTarget } from "./checks";
import { checkWeightLength, weightTensor } from "./weights";
import { reduceComposite } from "./composite";

/**
 * Options of `MultiLabelSoftMarginLoss` and `F.multilabelSoftMarginLoss` (PyTorch's, camelCased).
 */
export interface MultiLabelSoftMarginLossOptions extends LossOptions {
  /** A manual rescaling weight per class, C entries (default: none, every class weighs 1). */
  weight?: Tensor | ArrayLike<number>;
}

/**
 * Multi-label one-versus-all loss on logits, as `torch.nn.MultiLabelSoftMarginLoss`: BCE with
 * logits averaged over the C classes, per sample, for inputs (N, C) or (C) and 0/1 (or soft)
 * targets of the same shape: ℓ_n = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)).
 * "mean" divides by N.
 *
 * @example
 * ```ts
 * const logits = nx.randn([2, 3], { requiresGrad: true });
 * new nx.MultiLabelSoftMarginLoss()(logits, new nx.Tensor([[1, 0, 1], [0, 1, 0]])).backward();
 * ```
 */
export class MultiLabelSoftMarginLoss extends Loss {
  /** The class weights (`weight` option), or null. */
  readonly weight: Tensor | null;

  constructor(opts?: MultiLabelSoftMarginLossOptions) {
    const o = checkOptions(opts, ["weight", "reduction"], "MultiLabelSoftMarginLoss");
    super(o);
    this.weight = weightTensor(o.weight, "MultiLabelSoftMarginLoss: weight");
  }

  /**
   * The loss of the logits `input` against `target` (the same shape): a scalar for "mean" (over the
   * N samples) and "sum", one loss per sample for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "MultiLabelSoftMarginLoss");
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new RangeError(`MultiLabelSoftMarginLoss: input must have shape (N, C) or (C), got ${input.ndim} dimensions`);
    }
    const classes = input.shape[input.ndim - 1];
    if (this.weight !== null) checkWeightLength(this.weight, classes, "MultiLabelSoftMarginLoss: weight", "class");
    let loss = target.mul(input.logSigmoid()).add(target.neg().add(1).mul(input.neg().logSigmoid())).neg();
    if (this.weight !== null) loss = loss.mul(this.weight);
    return reduceComposite(loss.sum(input.ndim - 1).div(classes), this.reduction);
  }
}

/**
 * Multi-label soft margin loss as a function, `torch.nn.functional.multilabel_soft_margin_loss`:
 * ℓ_n = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c)).
 * Same as `new MultiLabelSoftMarginLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.multilabelSoftMarginLoss(nx.randn([2, 3], { requiresGrad: true }), new nx.Tensor([[1, 0, 1], [0, 1, 0]])).backward();
 * ```
 */
export function multilabelSoftMarginLoss(input: Tensor, target: Tensor, opts?: MultiLabelSoftMarginLossOptions): Tensor {
  return new MultiLabelSoftMarginLoss(opts).forward(input, target);
}
