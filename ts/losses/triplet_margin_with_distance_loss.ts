/**
 * TripletMarginWithDistanceLoss (distanceFunction, margin m = 1, swap =
 * false): TripletMarginLoss with any distance, a function of two Tensors
 * returning one distance per sample (default: pairwiseDistance, the
 * Euclidean ‖u − v + 1e-6‖₂):
 *   ℓ = max(0, m + dist(a, p) − dist(a, n)),  with swap: dist(a, n) → min(dist(a, n), dist(p, n))
 * For metric learning with a learned or non-Euclidean distance (e.g.
 * 1 − cosine similarity). The distance must be built from Tensor ops so
 * that gradients flow through it. "mean" divides by the number of distances.
 */
import type { Tensor } from "../tensor";
import { Loss, type LossOptions } from "./loss";
import { booleanOption, checkOptions, functionOption, numberOption, POSITIVE } from "../options";
import { checkSameShapes } from "./checks";
import { reduceComposite } from "./composite";
import { fusedTriplet, pairwiseDistance, tripletHinge } from "./triplet_margin_loss";
import { isTensor } from "../errors";

/** A distance for TripletMarginWithDistanceLoss: one distance per sample of `a` and `b`, built from Tensor ops. */
export type DistanceFunction = (a: Tensor, b: Tensor) => Tensor;

/**
 * Options of `TripletMarginWithDistanceLoss` and `F.tripletMarginWithDistanceLoss` (PyTorch's,
 * camelCased).
 */
export interface TripletMarginWithDistanceLossOptions extends LossOptions {
  /**
   * (a, b) → one distance per sample, built from Tensor ops so gradients flow (default:
   * `F.pairwiseDistance`, the Euclidean distance).
   */
  distanceFunction?: DistanceFunction;
  /** The gap required between the positive and the negative distance (> 0, default 1). */
  margin?: number;
  /**
   * Use the positive–negative distance instead of the anchor–negative one where smaller (default
   * false).
   */
  swap?: boolean;
}

/**
 * Triplet loss with any distance, as `torch.nn.TripletMarginWithDistanceLoss`, for metric
 * learning with a learned or non-Euclidean distance:
 * ℓ = max(0, margin + dist(a, p) − dist(a, n)). "mean" divides by the number of distances.
 *
 * @example
 * ```ts
 * const cosineDistance = (a: nx.Tensor, b: nx.Tensor) =>
 *   a.mul(b).sum(1).div(a.norm(2, 1).mul(b.norm(2, 1))).neg().add(1);
 * const criterion = new nx.TripletMarginWithDistanceLoss({ distanceFunction: cosineDistance, margin: 0.5 });
 * const [anchor, positive, negative] = [0, 1, 2].map(() => nx.randn([3, 8], { requiresGrad: true }));
 * criterion(anchor, positive, negative).backward();
 * ```
 */
export class TripletMarginWithDistanceLoss extends Loss<[anchor: Tensor, positive: Tensor, negative: Tensor]> {
  /** The distance (default: `F.pairwiseDistance`). */
  readonly distanceFunction: DistanceFunction;
  /** The required gap between the distances (default 1). */
  readonly margin: number;
  /** Whether the distance swap is used (default false). */
  readonly swap: boolean;
  /** No distanceFunction given: PyTorch's pairwise_distance, which the fused triplet kernel computes. */
  private readonly defaultDistance: boolean;

  constructor(opts?: TripletMarginWithDistanceLossOptions) {
    const o = checkOptions(opts, ["distanceFunction", "margin", "swap", "reduction"], "TripletMarginWithDistanceLoss");
    super(o);
    const given = functionOption<DistanceFunction>(o, "distanceFunction", "TripletMarginWithDistanceLoss");
    this.defaultDistance = given === undefined;
    this.distanceFunction = given ?? ((a, b) => pairwiseDistance(a, b));
    // PyTorch requires margin > 0 here.
    this.margin = numberOption(o, "margin", 1, "TripletMarginWithDistanceLoss", POSITIVE);
    this.swap = booleanOption(o, "swap", false, "TripletMarginWithDistanceLoss");
  }

  /**
   * The loss of the triplets `anchor`, `positive`, `negative` (one shape): a scalar for "mean" and
   * "sum", one loss per distance for "none".
   */
  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    checkSameShapes([anchor, positive, negative], ["anchor", "positive", "negative"], "TripletMarginWithDistanceLoss");
    if (this.defaultDistance && (anchor.ndim === 1 || anchor.ndim === 2)) {
      // pairwise_distance(p = 2, eps = 1e-6): TripletMarginLoss's fused kernel.
      return fusedTriplet(anchor, positive, negative, 2, this.margin, 1e-6, this.swap, this.reduction);
    }
    const distance: DistanceFunction = (a, b) => {
      const d = this.distanceFunction(a, b);
      if (!isTensor(d)) throw new TypeError("TripletMarginWithDistanceLoss: distanceFunction must return a Tensor");
      return d;
    };
    return reduceComposite(tripletHinge(distance, anchor, positive, negative, this.margin, this.swap), this.reduction);
  }
}

/**
 * Triplet loss with any distance as a function,
 * `torch.nn.functional.triplet_margin_with_distance_loss`:
 * ℓ = max(0, margin + dist(a, p) − dist(a, n)).
 * Same as `new TripletMarginWithDistanceLoss(opts).forward(anchor, positive, negative)`.
 *
 * @example
 * ```ts
 * const l1 = (a: nx.Tensor, b: nx.Tensor) => a.sub(b).abs().sum(1);
 * nx.F.tripletMarginWithDistanceLoss(nx.randn([3, 8], { requiresGrad: true }), nx.randn([3, 8]), nx.randn([3, 8]), { distanceFunction: l1 }).backward();
 * ```
 */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts?: TripletMarginWithDistanceLossOptions,
): Tensor {
  return new TripletMarginWithDistanceLoss(opts).forward(anchor, positive, negative);
}
