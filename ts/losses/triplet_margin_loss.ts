/**
 * TripletMarginLoss (margin m = 1, p = 2, eps = 1e-6, swap = false) for
 * anchors a, positives p and negatives n of shape (N, D) or (D):
 *   d(u, v) = ‖u − v + eps‖_p   (over D: PyTorch's pairwise_distance)
 *   ℓ = max(0, m + d(a, p) − d(a, n)),  with swap: d(a, n) → min(d(a, n), d(p, n))
 * Metric learning (face recognition, retrieval): pulls a toward p and away
 * from n. "mean" divides by N. One fused kernel for every p
 * (crates/kernels/src/losses/triplet_margin_loss.rs, tripletMarginFwdBwd in
 * js.ts) computes it as PyTorch 1.13 composes it (norm's gradient 0 where a
 * distance is 0; with swap the min's gradient shared on ties; p = 1 and 2 on
 * SIMD, other p scalar); TripletMarginWithDistanceLoss uses it too when no
 * distance function is given.
 */
import type { Tensor } from "../tensor";
import { Loss, type LossOptions } from "./loss";
import { booleanOption, checkOptions, FINITE, numberOption } from "../options";
import { checkSameShapes } from "./checks";
import type { Reduction } from "./reduction";
import { kernelsNow } from "../backend/select";
import { fusedLoss, viewsOf } from "./reduction";

/** Options of `TripletMarginLoss` and `F.tripletMarginLoss` (PyTorch's, camelCased). */
export interface TripletMarginLossOptions extends LossOptions {
  /** The gap required between the positive and the negative distance (default 1). */
  margin?: number;
  /** The degree of the pairwise distance's norm (> 0, default 2). */
  p?: number;
  /** Added to the difference before the norm, so equal points are differentiable (default 1e-6). */
  eps?: number;
  /**
   * Use the positive–negative distance instead of the anchor–negative one where smaller (default
   * false).
   */
  swap?: boolean;
}

/**
 * ‖u − v + eps‖_p over the last dimension, as `torch.nn.functional.pairwise_distance` (p default
 * 2, eps default 1e-6); the distance of TripletMarginLoss.
 *
 * @example
 * ```ts
 * nx.F.pairwiseDistance(new nx.Tensor([[3, 4]]), nx.zeros([1, 2]), 2, 0).toArray(); // [5]
 * ```
 */
export function pairwiseDistance(u: Tensor, v: Tensor, p = 2, eps = 1e-6): Tensor {
  return u.sub(v).add(eps).norm(p, u.ndim === 0 ? undefined : -1);
}

/** The triplet hinge max(0, m + d(a, p) − d(a, n)) (with the swap), reduced; shared with TripletMarginWithDistanceLoss. */
export function tripletHinge(
  distance: (u: Tensor, v: Tensor) => Tensor,
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  margin: number,
  swap: boolean,
): Tensor {
  const dPos = distance(anchor, positive);
  let dNeg = distance(anchor, negative);
  if (swap) dNeg = dNeg.minimum(distance(positive, negative));
  return dPos.sub(dNeg).add(margin).clamp(0, null);
}

/**
 * Triplet loss for metric learning, as `torch.nn.TripletMarginLoss`: pulls anchors a toward
 * positives p and away from negatives n, all (N, D) or (D):
 * ℓ = max(0, margin + d(a, p) − d(a, n)), d(u, v) = ‖u − v + eps‖_p. "mean" divides by N.
 *
 * @example
 * ```ts
 * const [anchor, positive, negative] = [0, 1, 2].map(() => nx.randn([3, 8], { requiresGrad: true }));
 * new nx.TripletMarginLoss({ margin: 0.5 })(anchor, positive, negative).backward();
 * ```
 */
export class TripletMarginLoss extends Loss<[anchor: Tensor, positive: Tensor, negative: Tensor]> {
  /** The required gap between the distances (default 1). */
  readonly margin: number;
  /** The norm's degree (default 2). */
  readonly p: number;
  /** Added before the norm (default 1e-6). */
  readonly eps: number;
  /** Whether the distance swap is used (default false). */
  readonly swap: boolean;

  constructor(opts?: TripletMarginLossOptions) {
    const o = checkOptions(opts, ["margin", "p", "eps", "swap", "reduction"], "TripletMarginLoss");
    super(o);
    this.margin = numberOption(o, "margin", 1, "TripletMarginLoss", FINITE);
    this.p = numberOption(o, "p", 2, "TripletMarginLoss", { min: 0, minOpen: true });
    this.eps = numberOption(o, "eps", 1e-6, "TripletMarginLoss", FINITE);
    this.swap = booleanOption(o, "swap", false, "TripletMarginLoss");
  }

  /**
   * The loss of the triplets `anchor`, `positive`, `negative` (one shape): a scalar for "mean"
   * (over the N samples) and "sum", one loss per sample for "none".
   */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    checkSameShapes([anchor, positive, negative], ["anchor", "positive", "negative"], "TripletMarginLoss");
    if (anchor.ndim !== 1 && anchor.ndim !== 2) {
      throw new RangeError(`TripletMarginLoss: inputs must have shape (N, D) or (D), got ${anchor.ndim} dimensions`);
    }
    return fusedTriplet(anchor, positive, negative, this.p, this.margin, this.eps, this.swap, this.reduction);
  }
}

/**
 * The fused triplet hinge over (N, D) or (D) triplets with d = ‖u − v + eps‖_p, reduced; also
 * TripletMarginWithDistanceLoss's path for its default distance (pairwise_distance: p 2, eps 1e-6).
 */
export function fusedTriplet(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  p: number,
  margin: number,
  eps: number,
  swap: boolean,
  reduction: Reduction,
): Tensor {
  const batched = anchor.ndim === 2;
  const n = batched ? anchor.shape[0] : 1;
  const dim = anchor.shape[anchor.ndim - 1];
  return fusedLoss({
    name: "TripletMarginLoss",
    inputs: [anchor, positive, negative],
    grads: ["a", { second: true }, "third"],
    reduction,
    noneShape: batched ? [n] : [],
    noneGradShape: batched ? [n, 1] : [],
    denominator: n,
    kernel: (out, gradScale) => {
      const [a, q, r, lo, ga, gq, gr] = viewsOf(anchor, positive, negative, out.loss, out.grad, out.grad2, out.grad3);
      return kernelsNow().tripletMarginFwdBwd(a!, q!, r!, n, dim, p, margin, eps, swap, lo, ga, gq, gr, gradScale);
    },
  });
}

/**
 * Triplet loss as a function, `torch.nn.functional.triplet_margin_loss`:
 * ℓ = max(0, margin + d(a, p) − d(a, n)).
 * Same as `new TripletMarginLoss(opts).forward(anchor, positive, negative)`.
 *
 * @example
 * ```ts
 * nx.F.tripletMarginLoss(nx.randn([3, 8], { requiresGrad: true }), nx.randn([3, 8]), nx.randn([3, 8])).backward();
 * ```
 */
export function tripletMarginLoss(anchor: Tensor, positive: Tensor, negative: Tensor, opts?: TripletMarginLossOptions): Tensor {
  return new TripletMarginLoss(opts).forward(anchor, positive, negative);
}
