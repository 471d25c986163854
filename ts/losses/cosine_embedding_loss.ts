/**
 * CosineEmbeddingLoss (margin m, default 0) for pairs (x1, x2) of shape
 * (N, D) or (D) and labels y ∈ {1, −1} of shape (N) or ():
 *   cos = Σ x1·x2 / sqrt((Σ x1² + 1e-12)·(Σ x2² + 1e-12))   (over D)
 *   ℓ = 1 − cos where y = 1,  max(0, cos − m) where y = −1,  0 otherwise
 * For learning embeddings where similar pairs point the same way
 * (face verification, semantic similarity). "mean" divides by N.
 * Computed as PyTorch 1.13 composes it (the 1e-12 inside each squared
 * magnitude, the gradient passing at cos − m = 0), in one fused kernel
 * (crates/kernels/src/losses/cosine_embedding_loss.rs, cosineEmbeddingFwdBwd
 * in js.ts) with the gradients of both inputs.
 * NOTE: the labels take no gradient (pass target.detach()).
 */
import type { Tensor } from "../tensor";
import { Loss, type LossOptions } from "./loss";
import { checkOptions, FINITE, numberOption } from "../options";
import { checkTargetWithoutGrad } from "./checks";
import { checkTensor } from "../errors";
import { formatShape, sameShape } from "../shape";
import { kernelsNow } from "../backend/select";
import { fusedLoss, viewsOf } from "./reduction";

/** Options of `CosineEmbeddingLoss` and `F.cosineEmbeddingLoss` (PyTorch's, camelCased). */
export interface CosineEmbeddingLossOptions extends LossOptions {
  /**
   * Dissimilar pairs (label −1) cost only where their cosine exceeds this, in [−1, 1] (default 0).
   */
  margin?: number;
}

const EPSILON = 1e-12;

/**
 * Cosine embedding loss, as `torch.nn.CosineEmbeddingLoss`, for pairs of embeddings (N, D) or
 * (D) with labels y ∈ {1, −1} of shape (N) or (): ℓ = 1 − cos(x1, x2) where y = 1,
 * max(0, cos(x1, x2) − margin) where y = −1. "mean" divides by N.
 * NOTE: the labels take no gradient (pass target.detach()).
 *
 * @example
 * ```ts
 * const a = nx.randn([3, 8], { requiresGrad: true });
 * const b = nx.randn([3, 8], { requiresGrad: true });
 * new nx.CosineEmbeddingLoss({ margin: 0.2 })(a, b, new nx.Tensor([1, -1, 1])).backward();
 * ```
 */
export class CosineEmbeddingLoss extends Loss<[input1: Tensor, input2: Tensor, target: Tensor]> {
  /** The cosine above which dissimilar pairs cost (default 0). */
  readonly margin: number;

  constructor(opts?: CosineEmbeddingLossOptions) {
    const o = checkOptions(opts, ["reduction", "margin"], "CosineEmbeddingLoss");
    super(o);
    this.margin = numberOption(o, "margin", 0, "CosineEmbeddingLoss", FINITE);
  }

  /**
   * The loss of the embeddings `input1`, `input2` with the labels `target`: a scalar for "mean"
   * (over the N samples) and "sum", one loss per sample for "none".
   */
  forward(input1: Tensor, input2: Tensor, target: Tensor): Tensor {
    checkTensor(input1, "CosineEmbeddingLoss: input1");
    checkTensor(input2, "CosineEmbeddingLoss: input2");
    checkTensor(target, "CosineEmbeddingLoss: target");
    const batched = input1.ndim === 2;
    if (!(input1.ndim === 1 || batched) || !sameShape(input1.shape, input2.shape)) {
      throw new RangeError(
        `CosineEmbeddingLoss: input1 and input2 must both have shape (N, D) or (D), got ${formatShape(input1.shape)} and ${formatShape(input2.shape)}`,
      );
    }
    const labels = batched ? [input1.shape[0]] : [];
    if (!sameShape(target.shape, labels)) {
      throw new RangeError(`CosineEmbeddingLoss: target must have shape ${formatShape(labels)}, got ${formatShape(target.shape)}`);
    }
    checkTargetWithoutGrad(target, "CosineEmbeddingLoss");
    const n = batched ? input1.shape[0] : 1;
    const d = input1.shape[input1.ndim - 1];
    return fusedLoss({
      name: "CosineEmbeddingLoss",
      inputs: [input1, input2, target],
      grads: ["a", { second: true }, null],
      reduction: this.reduction,
      noneShape: labels,
      noneGradShape: batched ? [n, 1] : [],
      denominator: n,
      kernel: (out, gradScale) => {
        const [a, b, y, lo, g1, g2] = viewsOf(input1, input2, target, out.loss, out.grad, out.grad2);
        return kernelsNow().cosineEmbeddingFwdBwd(a!, b!, y!, n, d, this.margin, lo, g1, g2, gradScale);
      },
    });
  }
}

/**
 * Cosine embedding loss as a function, `torch.nn.functional.cosine_embedding_loss`:
 * ℓ = 1 − cos where y = 1, max(0, cos − margin) where y = −1.
 * Same as `new CosineEmbeddingLoss(opts).forward(input1, input2, target)`.
 *
 * @example
 * ```ts
 * nx.F.cosineEmbeddingLoss(nx.randn([3, 8], { requiresGrad: true }), nx.randn([3, 8]), new nx.Tensor([1, -1, 1])).backward();
 * ```
 */
export function cosineEmbeddingLoss(input1: Tensor, input2: Tensor, target: Tensor, opts?: CosineEmbeddingLossOptions): Tensor {
  return new CosineEmbeddingLoss(opts).forward(input1, input2, target);
}
