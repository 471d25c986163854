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
import { pairwiseDistance, tripletHinge } from "./triplet_margin_loss";
import { isTensor } from "../errors";

export type DistanceFunction = (a: Tensor, b: Tensor) => Tensor;

export interface TripletMarginWithDistanceLossOptions extends LossOptions {
  /** (a, b) → distances (default: pairwise Euclidean distance). */
  distanceFunction?: DistanceFunction;
  /** Required gap between the positive and the negative distance (default 1). */
  margin?: number;
  /** Use the positive–negative distance when smaller (default false). */
  swap?: boolean;
}

export class TripletMarginWithDistanceLoss extends Loss<[anchor: Tensor, positive: Tensor, negative: Tensor]> {
  readonly distanceFunction: DistanceFunction;
  readonly margin: number;
  readonly swap: boolean;

  constructor(opts?: TripletMarginWithDistanceLossOptions) {
    const o = checkOptions(opts, ["distanceFunction", "margin", "swap", "reduction"], "TripletMarginWithDistanceLoss");
    super(o);
    this.distanceFunction = functionOption<DistanceFunction>(o, "distanceFunction", "TripletMarginWithDistanceLoss") ?? ((a, b) => pairwiseDistance(a, b));
    // PyTorch requires margin > 0 here.
    this.margin = numberOption(o, "margin", 1, "TripletMarginWithDistanceLoss", POSITIVE);
    this.swap = booleanOption(o, "swap", false, "TripletMarginWithDistanceLoss");
  }

  forward(anchor: Tensor, positive: Tensor, negative: Tensor): Tensor {
    checkSameShapes([anchor, positive, negative], ["anchor", "positive", "negative"], "TripletMarginWithDistanceLoss");
    const distance: DistanceFunction = (a, b) => {
      const d = this.distanceFunction(a, b);
      if (!isTensor(d)) throw new TypeError("TripletMarginWithDistanceLoss: distanceFunction must return a Tensor");
      return d;
    };
    return reduceComposite(tripletHinge(distance, anchor, positive, negative, this.margin, this.swap), this.reduction);
  }
}

/** F.tripletMarginWithDistanceLoss(anchor, positive, negative, { distanceFunction, margin, swap, reduction }) */
export function tripletMarginWithDistanceLoss(
  anchor: Tensor,
  positive: Tensor,
  negative: Tensor,
  opts?: TripletMarginWithDistanceLossOptions,
): Tensor {
  return new TripletMarginWithDistanceLoss(opts).forward(anchor, positive, negative);
}
