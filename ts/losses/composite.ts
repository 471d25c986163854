/**
 * What the losses composed from Tensor ops share (MultiLabelMargin, the
 * triplet losses): the reduction of their per-sample
 * losses ("mean" divides by the number of samples).
 */
import type { Tensor } from "../tensor";
import type { Reduction } from "./reduction";

/** The per-sample losses, reduced. */
export function reduceComposite(perSample: Tensor, reduction: Reduction): Tensor {
  return reduction === "none" ? perSample : reduction === "sum" ? perSample.sum() : perSample.mean();
}
