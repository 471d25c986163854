/**
 * CrossEntropyLoss on logits x of shape (C), (N, C) or (N, C, d1, …, dk).
 *
 * With p = softmax over the class dimension, −log p_c is computed as
 * (max − x_c) + log Σ_j exp(x_j − max): max-shifted, so no exp overflows, and
 * in this order so per-sample values stay exact for ±1e4 logits.
 *
 * Class-index targets, shape (), (N) or (N, d1, …, dk), integral values in
 * [0, C) or equal to ignoreIndex; with ε = labelSmoothing, w the class weights:
 *   ℓ_s = (1 − ε) · w_t · (−log p_t) + (ε / C) · Σ_c w_c · (−log p_c),  0 if ignored
 *   "mean" divides by Σ w_t over the non-ignored samples (the count without
 *   weights); with every target ignored it is NaN with zero gradients; when
 *   that sum is 0 otherwise (zero weights), NaN with NaN gradients.
 * Probability targets, the input's shape, q = (1 − ε) · target + ε / C:
 *   ℓ_s = −Σ_c w_c q_c log p_c;  "mean" divides by N · d1 · … · dk (NaN
 *   when the input is empty, C = 0 included); ignoreIndex ≥ 0 is rejected.
 * These are PyTorch 1.13's semantics; the gradient is computed in the same
 * pass as the loss (crossEntropyFwdBwd).
 * NOTE: class indices may be given as float tensors holding integral values
 * (PyTorch wants an integer tensor). Gradients with respect to probability
 * targets are supported (−(1 − ε) w_c log p_c per element), those with
 * respect to class weights are not.
 */
import { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { Loss, type LossOptions } from "./loss";
import { fusedLoss, viewsOf } from "./reduction";
import { checkInteger, checkNumber, checkOptions } from "../options";
import { checkWeightLength, weightTensor } from "./weights";
import { checkTensor } from "../errors";
import { formatShape, sameShape } from "../shape";
import { classIndexDenominator, classLayout } from "./class_targets";
import { checkTargetWithoutGrad } from "./checks";

/** Options of `CrossEntropyLoss` and `F.crossEntropy` (PyTorch's, camelCased). */
export interface CrossEntropyLossOptions extends LossOptions {
  /** A manual rescaling weight per class, C entries (default: none, every class weighs 1). */
  weight?: Tensor | ArrayLike<number>;
  /**
   * Class-index targets equal to this contribute neither loss nor gradient, and are left out of the
   * "mean" (default −100).
   */
  ignoreIndex?: number;
  /**
   * In [0, 1]: the target becomes (1 − ε)·target + ε/C, mixing in the uniform distribution (default
   * 0, no smoothing).
   */
  labelSmoothing?: number;
}

/**
 * Cross entropy between logits and class indices or class probabilities, as
 * `torch.nn.CrossEntropyLoss`: log-softmax and NLLLoss in one stable kernel.
 * ℓ_s = (1 − ε)·w_t·(−log p_t) + (ε/C)·Σ_c w_c·(−log p_c), p = softmax(x) over the class dimension.
 * Logits are (C), (N, C) or (N, C, d1, …); targets are class indices of shape (), (N)
 * or (N, d1, …), or probabilities of the input's shape. With class indices, "mean" divides by
 * Σ w_t over the non-ignored targets.
 * NOTE: class indices may be float tensors holding integral values (PyTorch wants an
 * integer tensor); probability targets get a gradient, class weights do not.
 *
 * @example
 * ```ts
 * const logits = nx.randn([3, 5], { requiresGrad: true });
 * const target = new nx.Tensor([1, 0, 4]);
 * new nx.CrossEntropyLoss({ labelSmoothing: 0.1 })(logits, target).backward();
 * ```
 */
export class CrossEntropyLoss extends Loss {
  /** The class weights (`weight` option), or null. */
  readonly weight: Tensor | null;
  /** The ignored class index (default −100). */
  readonly ignoreIndex: number;
  /** The label smoothing ε (default 0). */
  readonly labelSmoothing: number;

  constructor(opts?: CrossEntropyLossOptions) {
    const options = checkOptions(opts, ["weight", "ignoreIndex", "reduction", "labelSmoothing"], "CrossEntropyLoss");
    super(options);
    this.weight = weightTensor(options.weight, "CrossEntropyLoss: weight");
    // Any safe integer: compared exactly with the targets (int64 in PyTorch).
    this.ignoreIndex = checkInteger(options.ignoreIndex ?? -100, "CrossEntropyLoss: ignoreIndex", {
      min: Number.MIN_SAFE_INTEGER,
      max: Number.MAX_SAFE_INTEGER,
    });
    this.labelSmoothing = checkNumber(options.labelSmoothing ?? 0, "CrossEntropyLoss: labelSmoothing", { min: 0, max: 1 });
  }

  /**
   * The loss of the logits `input` against `target` (class indices, or probabilities of the
   * input's shape): a scalar for "mean" and "sum", one loss per sample for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkTensor(input, "CrossEntropyLoss: input");
    checkTensor(target, "CrossEntropyLoss: target");
    const { n, classes, inner, sampleShape } = classLayout(input, "CrossEntropyLoss");
    if (this.weight !== null) checkWeightLength(this.weight, classes, "CrossEntropyLoss: weight", "class");

    const probTargets = sameShape(target.shape, input.shape);
    if (!probTargets && !sameShape(target.shape, sampleShape)) {
      throw new RangeError(
        `CrossEntropyLoss: for input of shape ${formatShape(input.shape)}, target must have shape ` +
          `${formatShape(sampleShape)} (class indices) or ${formatShape(input.shape)} (class probabilities), got ${formatShape(target.shape)}`,
      );
    }
    if (probTargets && this.ignoreIndex >= 0) {
      // PyTorch: "ignore_index is not supported for floating point target".
      throw new RangeError(
        `CrossEntropyLoss: ignoreIndex (${this.ignoreIndex}) is not supported with class-probability targets ` +
          `(target of the input's shape ${formatShape(input.shape)}); leave ignoreIndex unset or negative`,
      );
    }
    if (!probTargets) checkTargetWithoutGrad(target, "CrossEntropyLoss (class-index targets)");
    // Probability targets: PyTorch's "mean" is NaN for an empty input (C = 0 included).
    const denominator = probTargets
      ? (input.size === 0 ? 0 : n * inner)
      : classIndexDenominator(target, classes, this.ignoreIndex, this.weight, "CrossEntropyLoss");

    const smoothing = this.labelSmoothing;
    const weight = this.weight;
    return fusedLoss({
      name: "CrossEntropyLoss",
      inputs: [input, target],
      grads: ["a", probTargets ? (g) => this.probabilityTargetGrad(input, g, denominator) : null],
      reduction: this.reduction,
      noneShape: sampleShape,
      noneGradShape: input.ndim === 1 ? [] : [n, 1, ...input.shape.slice(2)],
      denominator,
      kernel: (out, gradScale) => {
        const [x, t, w, lo, go] = viewsOf(input, target, weight, out.loss, out.grad);
        return kernelsNow().crossEntropyFwdBwd(
          x!, t!, w, n, classes, inner, this.ignoreIndex, smoothing, probTargets, lo, go, gradScale,
        );
      },
    });
  }

  /** ∂ℓ/∂target_c = −(1 − ε) · w_c · log p_c, scaled like the loss. */
  private probabilityTargetGrad(input: Tensor, g: Tensor, denominator: number): Tensor {
    const dim = input.ndim === 1 ? 0 : 1;
    let grad = input.logSoftmax(dim).mul(-(1 - this.labelSmoothing));
    if (this.weight !== null) {
      const shape = input.shape.map((_, i) => (i === dim ? input.shape[dim] : 1));
      grad = grad.mul(this.weight.withShape(shape));
    }
    if (this.reduction === "none") {
      const perSample = input.ndim === 1 ? [] : input.shape.map((d, i) => (i === 1 ? 1 : d));
      return grad.mul(g.withShape(perSample));
    }
    const scale = this.reduction === "mean" ? (denominator === 0 ? 0 : 1 / denominator) : 1;
    return grad.mul(g.data[0] * scale);
  }
}

/**
 * Cross entropy as a function, `torch.nn.functional.cross_entropy`:
 * ℓ_s = (1 − ε)·w_t·(−log p_t) + (ε/C)·Σ_c w_c·(−log p_c).
 * Same as `new CrossEntropyLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.crossEntropy(nx.randn([3, 5], { requiresGrad: true }), new nx.Tensor([1, 0, 4])).backward();
 * ```
 */
export function crossEntropy(input: Tensor, target: Tensor, opts?: CrossEntropyLossOptions): Tensor {
  return new CrossEntropyLoss(opts).forward(input, target);
}
