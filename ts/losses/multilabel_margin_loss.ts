/**
 * MultiLabelMarginLoss on scores x of shape (N, C) or (C) with targets y of
 * the same shape holding each sample's class indices, padded with −1 after
 * the last one (only the indices before the first −1 count):
 *   ℓ_n = (1/C)·Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i))
 * Multi-label classification with a margin between every target class and
 * every other class. "mean" divides by N. Composed from Tensor ops over the
 * (C × C) pairs of each sample (relu; the gradient at a margin of exactly 0
 * is 0, as PyTorch's kernel); memory grows as N·C².
 * NOTE: the targets take no gradient; class indices are float tensors
 * holding integral values.
 */
import { Tensor } from "../tensor";
import { Loss, type LossOptions } from "./loss";
import { checkOptions } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { reduceComposite } from "./composite";

/**
 * Multi-label hinge loss, as `torch.nn.MultiLabelMarginLoss`, on scores (N, C) or (C); each row
 * of the target (the same shape) lists that sample's classes, ended by −1:
 * ℓ_n = (1/C)·Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i)). "mean" divides by N; memory
 * grows as N·C².
 * NOTE: the targets take no gradient; class indices are float tensors holding integral values.
 *
 * @example
 * ```ts
 * const scores = new nx.Tensor([[0.1, 0.2, 0.4, 0.8]], { requiresGrad: true });
 * const loss = new nx.MultiLabelMarginLoss()(scores, new nx.Tensor([[3, 0, -1, 1]]));
 * loss.backward(); // loss.item() ≈ 0.85, as in PyTorch's documentation
 * ```
 */
export class MultiLabelMarginLoss extends Loss {
  constructor(opts?: LossOptions) {
    super(checkOptions(opts, ["reduction"], "MultiLabelMarginLoss"));
  }

  /**
   * The loss of the scores `input` against the class lists `target` (the same shape): a scalar for
   * "mean" (over the N samples) and "sum", one loss per sample for "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "MultiLabelMarginLoss");
    if (input.ndim !== 1 && input.ndim !== 2) {
      throw new RangeError(`MultiLabelMarginLoss: input must have shape (N, C) or (C), got ${input.ndim} dimensions`);
    }
    checkTargetWithoutGrad(target, "MultiLabelMarginLoss");
    const batched = input.ndim === 2;
    const classes = input.shape[input.ndim - 1];
    const n = batched ? input.shape[0] : 1;
    // pairs[r, j, i] = (times j is listed as a target) · [i is no target]: a constant.
    const pairs = new Float32Array(n * classes * classes);
    const tv = target.data;
    for (let r = 0; r < n; r++) {
      const listed = new Float32Array(classes);
      for (let k = 0; k < classes; k++) {
        const c = tv[r * classes + k];
        if (c === -1) break;
        if (!Number.isInteger(c) || c < 0 || c >= classes) {
          throw new RangeError(
            `MultiLabelMarginLoss: target ${c} at flat index ${r * classes + k} is no class index in [0, ${classes}) and not the −1 that ends the list`,
          );
        }
        listed[c]++;
      }
      for (let j = 0; j < classes; j++) {
        if (listed[j] === 0) continue;
        for (let i = 0; i < classes; i++) if (listed[i] === 0) pairs[(r * classes + j) * classes + i] = listed[j];
      }
    }
    const mask = new Tensor(pairs, { shape: [n, classes, classes] });
    const x = batched ? input : input.unsqueeze(0);
    // z[r, j, i] = 1 − x_j + x_i
    const z = x.unsqueeze(1).sub(x.unsqueeze(2)).add(1).relu().mul(mask);
    const perSample = z.sum(2).sum(1).div(classes);
    return reduceComposite(batched ? perSample : perSample.reshape([]), this.reduction);
  }
}

/**
 * Multi-label hinge loss as a function, `torch.nn.functional.multilabel_margin_loss`:
 * ℓ_n = (1/C)·Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i)).
 * Same as `new MultiLabelMarginLoss(opts).forward(input, target)`.
 *
 * @example
 * ```ts
 * nx.F.multilabelMarginLoss(nx.randn([2, 4], { requiresGrad: true }), new nx.Tensor([[3, 0, -1, 1], [1, -1, 0, 0]])).backward();
 * ```
 */
export function multilabelMarginLoss(input: Tensor, target: Tensor, opts?: LossOptions): Tensor {
  return new MultiLabelMarginLoss(opts).forward(input, target);
}
