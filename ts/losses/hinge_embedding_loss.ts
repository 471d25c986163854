/**
 * HingeEmbeddingLoss (margin m, default 1) for labels y ∈ {1, −1}, x
 * usually a distance between two embeddings:
 *   ℓ = x              where y = 1   (pull similar pairs together)
 *   ℓ = max(0, m − x)  where y = −1  (push dissimilar pairs beyond m)
 * As PyTorch 1.13 (a composite of where), a label that is neither counts
 * both terms: ℓ = [y ≠ 1]·max(0, m − x) + [y ≠ −1]·x, and
 * ∂ℓ/∂x = [y ≠ −1] − [y ≠ 1]·[m − x ≥ 0] (the gradient passes at m − x = 0,
 * as clamp_min's). "mean" divides by the number of elements.
 * NOTE: input and target must have the same shape (PyTorch broadcasts); the
 * target gradient is 0 (the labels only select), as in PyTorch.
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions, FINITE, numberOption } from "../options";
import { checkInputTarget } from "./checks";
import { runElementwise } from "./elementwise";
import { zeros } from "../factories";

/** crates/kernels/src/losses/elementwise.rs: HINGE_EMBEDDING, p = [margin]. */
export const HINGE_EMBEDDING: ElementwiseKind = {
  name: "HingeEmbeddingLoss",
  code: 10,
  js(x, y, _c, _d, [margin], out) {
    const z = margin - x;
    const notPos = y === 1 ? 0 : 1;
    const notNeg = y === -1 ? 0 : 1;
    out[0] = notPos * Math.max(z, 0) + notNeg * x;
    out[1] = notNeg - notPos * (z >= 0 ? 1 : 0);
    out[2] = 0;
  },
};

/** Options of `HingeEmbeddingLoss` and `F.hingeEmbeddingLoss` (PyTorch's, camelCased). */
export interface HingeEmbeddingLossOptions extends LossOptions {
  /** How far dissimilar pairs (label −1) are pushed (default 1). */
  margin?: number;
}

/**
 * Hinge embedding loss, as `torch.nn.HingeEmbeddingLoss`, for x usually a distance between two
 * embeddings and labels y ∈ {1, −1}: ℓ = x where y = 1, max(0, margin − x) where y = −1.
 * NOTE: input and target must have the same shape (PyTorch broadcasts); the target gradient
 * is 0 (the labels only select), as in PyTorch.
 *
 * @example
 * ```ts
 * const distances = nx.randn([4], { requiresGrad: true }).abs();
 * new nx.HingeEmbeddingLoss()(distances, new nx.Tensor([1, -1, -1, 1])).backward();
 * ```
 */
export class HingeEmbeddingLoss extends Loss {
  /** How far dissimilar pairs are pushed (default 1). */
  readonly margin: number;

  constructor(opts?: HingeEmbeddingLossOptions) {
    const o = checkOptions(opts, ["reduction", "margin"], "HingeEmbeddingLoss");
    super(o);
    this.margin = numberOption(o, "margin", 1, "HingeEmbeddingLoss", FINITE);
  }

  /**
   * The loss of `input` with the labels `target` (the same shape): a scalar for "mean" (over the
   * elements) and "sum", the element-wise losses (the input's shape) for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "HingeEmbeddingLoss");
    return elementwiseLoss("HingeEmbeddingLoss", [input, target], ["a", () => zeros(target.shape)], this.reduction, (out, s) =>
      runElementwise(HINGE_EMBEDDING, { a: input, b: target }, [this.margin], out, s),
    );
  }
}

/**
 * Hinge embedding loss as a function, `torch.nn.functional.hinge_embedding_loss`:
 * ℓ = x where y = 1, max(0, margin − x) where y = −1.
 * Same as `new HingeEmbeddingLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.hingeEmbeddingLoss(nx.randn([4], { requiresGrad: true }), new nx.Tensor([1, -1, -1, 1])).backward();
 * ```
 */
export function hingeEmbeddingLoss(input: Tensor, target: Tensor, opts?: HingeEmbeddingLossOptions): Tensor {
  return new HingeEmbeddingLoss(opts).forward(input, target);
}
