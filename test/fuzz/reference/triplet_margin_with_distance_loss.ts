/**
 * TripletMarginWithDistanceLoss (PyTorch 1.13, functional.py) with its
 * default distance, pairwise_distance (q = 2, eps = 1e-6):
 *   ℓ = max(0, m + d(a, p) − d(a, n)),  with swap: d(a, n) → min(d(a, n), d(p, n))
 * exactly TripletMarginLoss's formula (triplet_margin_loss.ts, which has the
 * gradients and edge cases), with PyTorch's own checks: margin > 0 (default
 * 1). A distance function cannot be a JSON option, so the fuzzer draws only
 * the default distance; the golden fixture's "1 − cosine" cases (a user's
 * function built from Tensor ops) are checked in test/losses instead.
 */
import type { FuzzCase, LossReference } from "./types";
import { tripletElements, tripletInputs, tripletVjp, type TripletOptions } from "./triplet_margin_loss";
import { chance, pick, reductionOf } from "../generate";

const optionsOf = (c: FuzzCase): TripletOptions => ({
  margin: (c.options.margin as number | undefined) ?? 1,
  q: 2,
  eps: 1e-6,
  swap: c.options.swap === true,
});

export const tripletMarginWithDistanceLoss: LossReference = {
  name: "TripletMarginWithDistanceLoss",
  generate(rng, size) {
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.5)) options.margin = pick(rng, [0.5, 2, 1e-3, 10]);
    if (chance(rng, 0.4)) options.swap = true;
    return tripletInputs(rng, size, "TripletMarginWithDistanceLoss", options);
  },
  elements: (c) => tripletElements(c, optionsOf(c)),
  vjp: (c, u) => tripletVjp(c, optionsOf(c), u),
};
