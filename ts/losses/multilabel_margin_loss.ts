/**
 * MultiLabelMarginLoss on scores x of shape (N, C) or (C) with targets y of
 * the same shape holding each sample's class indices, padded with −1 after
 * the last one (only the indices before the first −1 count):
 *   ℓ_n = (1/C)·Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i))
 * Multi-label classification with a margin between every target class and
 * every other class. "mean" divides by N. One fused kernel
 * (multilabelMarginFwdBwd, crates/kernels/src/losses/multilabel_margin_loss.rs):
 * one pass over the row per listed class, O(C·|targets|) per sample and no
 * C × C buffer. As PyTorch's kernel, a pair counts only where
 * 1 − x_j + x_i > 0: its gradient is 0 at a margin of exactly 0, and a NaN
 * score adds nothing.
 * NOTE: the targets take no gradient; class indices are float tensors
 * holding integral values.
 */
import { Tensor } from "../tensor";
import { kernelsNow } from "../backend/select";
import { Loss, type LossOptions } from "./loss";
import { checkOptions } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { fusedLoss, viewsOf } from "./reduction";
import { checkClassLists } from "./class_targets";

/**
 * Multi-label hinge loss, as `torch.nn.MultiLabelMarginLoss`, on scores (N, C) or (C); each row
 * of the target (the same shape) lists that sample's classes, ended by −1:
 * ℓ_n = (1/C)·Σ_{j ∈ targets} Σ_{i ∉ targets} max(0, 1 − (x_j − x_i)). "mean" divides by N. As
 * PyTorch's kernel, a pair with 1 − (x_j − x_i) ≤ 0, or NaN, adds nothing (gradient 0 there).
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
    checkClassLists(target, n, classes, "MultiLabelMarginLoss");
    return fusedLoss({
      name: "MultiLabelMarginLoss",
      inputs: [input, target],
      grads: ["a", null],
      reduction: this.reduction,
      noneShape: batched ? [n] : [],
      noneGradShape: batched ? [n, 1] : [],
      denominator: n,
      kernel: (out, gradScale) => {
        const workspace = Tensor.empty([classes]);
        const [x, t, ws, lo, go] = viewsOf(input, target, workspace, out.loss, out.grad);
        const total = kernelsNow().multilabelMarginFwdBwd(x!, t!, n, classes, lo, go, ws!, gradScale);
        workspace.dispose();
        return total;
      },
    });
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
