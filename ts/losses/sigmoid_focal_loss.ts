/**
 * SigmoidFocalLoss: torchvision's sigmoid_focal_loss (Lin et al., RetinaNet)
 * on logits x with binary (or soft) targets t, alpha α (default 0.25; < 0
 * turns the weighting off) and gamma γ ≥ 0 (default 2):
 *   p = σ(x),  ce = BCEWithLogits(x, t),  q = 1 − p_t = p·(1 − t) + (1 − p)·t
 *   α_t = α·t + (1 − α)·(1 − t)
 *   ℓ = α_t · ce · q^γ
 *   ∂ℓ/∂x = α_t·((p − t)·q^γ + ce·γ·q^(γ−1)·p(1 − p)(1 − 2t))
 * Down-weights easy examples (q → 0) so that rare positives dominate:
 * dense object detection, imbalanced multi-label classification.
 * Stable form: ce = max(x, 0) − x·t + log1p(e^−|x|), p and 1 − p both from
 * e^−|x| (neither cancels), p − t as p·(1 − t) − (1 − p)·t (no
 * cancellation at t = 1, p ≈ 1: found by the differential fuzzer),
 * q^γ = e^(γ·log q) (by multiplication for integral γ); γ = 0 gives α_t·ce.
 * Where q underflows to 0 (a logit saturated on its 0/1 target) ℓ and
 * ∂ℓ/∂x are 0 for every γ: PyTorch's value is 0 too, its gradient NaN for
 * γ < 1 (pow's backward at 0), the limit here.
 * "mean" divides by the number of elements. The class defaults to "mean",
 * the function F.sigmoidFocalLoss to "none", as torchvision.
 * NOTE: input and target must have the same shape; no gradient with respect
 * to the target (pass target.detach()).
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { elementwiseLoss } from "./reduction";
import { checkOptions, FINITE, NON_NEGATIVE, numberOption } from "../options";
import { checkInputTarget, checkTargetWithoutGrad } from "./checks";
import { runElementwise } from "./elementwise";

/** crates/kernels/src/losses/elementwise.rs: SIGMOID_FOCAL, p = [α, γ]. */
export const SIGMOID_FOCAL: ElementwiseKind = {
  name: "SigmoidFocalLoss",
  code: 12,
  js(x, t, _c, _d, [alpha, gamma], out) {
    const e = Math.exp(-Math.abs(x));
    const r = 1 / (1 + e);
    const p = x < 0 ? e * r : r;
    const p1 = x < 0 ? r : e * r;
    const ce = Math.max(x, 0) - x * t + Math.log1p(e);
    const q = p * (1 - t) + p1 * t;
    const qg = gamma === 0 ? 1 : q ** gamma;
    // q = 0 (a saturated logit on its 0/1 target): q^(γ−1) = ∞ for γ < 1, the term's limit is 0.
    const term = gamma === 0 || q === 0 ? 0 : ce * gamma * q ** (gamma - 1) * p * p1 * (1 - 2 * t);
    const at = alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1;
    out[0] = at * ce * qg;
    out[1] = at * ((p * (1 - t) - p1 * t) * qg + term); // p − t without cancelling at t = 1, p ≈ 1
    out[2] = 0;
  },
};

/** Options of `SigmoidFocalLoss` and `F.sigmoidFocalLoss` (torchvision's, camelCased). */
export interface SigmoidFocalLossOptions extends LossOptions {
  /**
   * Weight of the positives in [0, 1], 1 − α for the negatives (default 0.25); negative: no
   * weighting.
   */
  alpha?: number;
  /** Focusing exponent ≥ 0 on 1 − p_t (default 2); 0 gives α-weighted BCE with logits. */
  gamma?: number;
}

/**
 * Focal loss on logits (Lin et al., RetinaNet), torchvision's `sigmoid_focal_loss` as a
 * class (PyTorch has no torch.nn one): down-weights easy examples so that rare positives
 * dominate. ℓ = α_t·BCEWithLogits(x, t)·(1 − p_t)^γ, p = σ(x).
 * The class reduces by "mean" by default, `F.sigmoidFocalLoss` by "none", as torchvision.
 * NOTE: input and target must have the same shape; no gradient with respect to the target
 * (pass target.detach()).
 *
 * @example
 * ```ts
 * const logits = nx.randn([2, 3], { requiresGrad: true });
 * new nx.SigmoidFocalLoss({ gamma: 2 })(logits, new nx.Tensor([[1, 0, 0], [0, 1, 1]])).backward();
 * ```
 */
export class SigmoidFocalLoss extends Loss {
  /** Weight of the positives (default 0.25; negative: no weighting). */
  readonly alpha: number;
  /** The focusing exponent (default 2). */
  readonly gamma: number;

  constructor(opts?: SigmoidFocalLossOptions) {
    const o = checkOptions(opts, ["reduction", "alpha", "gamma"], "SigmoidFocalLoss");
    super(o);
    this.alpha = numberOption(o, "alpha", 0.25, "SigmoidFocalLoss", FINITE);
    this.gamma = numberOption(o, "gamma", 2, "SigmoidFocalLoss", NON_NEGATIVE);
  }

  /**
   * The loss of the logits `input` against the binary (or soft) `target` (the same shape): a scalar
   * for "mean" (over the elements) and "sum", the element-wise losses (the input's shape) for
   * "none".
   */
  forward(input: Tensor, target: Tensor): Tensor {
    checkInputTarget(input, target, "SigmoidFocalLoss");
    checkTargetWithoutGrad(target, "SigmoidFocalLoss");
    return elementwiseLoss("SigmoidFocalLoss", [input, target], ["a", null], this.reduction, (out, s) =>
      runElementwise(SIGMOID_FOCAL, { a: input, b: target }, [this.alpha, this.gamma], out, s),
    );
  }
}

/**
 * Focal loss on logits as a function, torchvision's `torchvision.ops.sigmoid_focal_loss`:
 * ℓ = α_t·BCEWithLogits(x, t)·(1 − p_t)^γ.
 * Same as `new SigmoidFocalLoss(opts).forward(input, target)`
 * but with reduction "none" by default, as torchvision.
 *
 * @example
 * ```ts
 * nx.F.sigmoidFocalLoss(nx.randn([4], { requiresGrad: true }), new nx.Tensor([1, 0, 0, 1])).sum().backward();
 * ```
 */
export function sigmoidFocalLoss(input: Tensor, target: Tensor, opts?: SigmoidFocalLossOptions): Tensor {
  return new SigmoidFocalLoss({ reduction: "none", ...opts }).forward(input, target);
}
