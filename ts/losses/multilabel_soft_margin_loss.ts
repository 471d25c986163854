/**
 * MultiLabelSoftMarginLoss on logits x of shape (N, C) (or (C), or
 * (N, d1, …, C), as PyTorch: the classes are the last dim) with 0/1
 * (or soft) targets y of the same shape and optional class weights w (C):
 *   ℓ_n = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c))
 * i.e. BCE-with-logits averaged over the classes, per sample; multi-label
 * classification (several tags per image). One fused element-wise kernel:
 * per element w_c·BCE-with-logits(x, y) in its stable form (finite for
 * every finite logit), ∂x = w_c·(σ(x) − y), ∂y = −w_c·x, the class weight
 * cycled along each row; "mean" divides Σ by N·C (the mean over the classes,
 * then over the samples), "sum" by C; "none" sums each row's C losses into
 * its sample's (N,) (a Tensor op, so its gradient follows by autograd).
 * Non-finite logits or targets give the stable form's NaN/∞ (PyTorch's
 * composite gives the same except where its log σ saturates differently).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { checkOptions } from "../options";
import { checkInputTarget } from "./checks";
import { checkWeightLength, weightTensor } from "./weights";
import { elementwiseLoss } from "./reduction";
import { runElementwise } from "./elementwise";
import { BCE_WITH_LOGITS } from "./bce_with_logits_loss";

/** crates/kernels/src/losses/elementwise.rs: MULTILABEL_SOFT_MARGIN (d = the class weight, cycled; second gradient: the target's). */
export const MULTILABEL_SOFT_MARGIN: ElementwiseKind = {
  name: "MultiLabelSoftMarginLoss",
  code: 13,
  js(x, y, _c, w, p, out) {
    BCE_WITH_LOGITS.js(x, y, w, 1, p, out);
    out[2] = -w * x;
  },
};

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
 * "mean" divides by N. As in PyTorch, more dims are accepted, the classes being the last one:
 * (N, d1, …, C) gives one loss per (n, d1, …) for "none", and "mean" averages over all of them.
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
   * N samples) and "sum", one loss per sample (input's shape without its last dim) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "MultiLabelSoftMarginLoss");
    if (input.ndim === 0) {
      throw new RangeError("MultiLabelSoftMarginLoss: input must have shape (N, C), (C) or (N, …, C) (the classes last), got a scalar");
    }
    const classes = input.shape[input.ndim - 1];
    if (this.weight !== null) checkWeightLength(this.weight, classes, "MultiLabelSoftMarginLoss: weight", "class");
    const { reduction } = this;
    // "sum" is Σ_n (1/C)·Σ_c: the element sum divided by C, i.e. the kernel's
    // "mean" over C; "mean" divides by N·C; "none" reduces each row below.
    const loss = elementwiseLoss(
      "MultiLabelSoftMarginLoss",
      [input, target],
      ["a", { second: true }],
      reduction === "sum" ? "mean" : reduction,
      (out, s) => runElementwise(MULTILABEL_SOFT_MARGIN, { a: input, b: target, d: this.weight }, [], out, s),
      reduction === "sum" ? classes : input.size,
    );
    return reduction === "none" ? loss.sum(input.ndim - 1).div(classes) : loss;
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
