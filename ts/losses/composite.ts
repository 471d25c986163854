/**
 * What the losses composed from Tensor ops share (CosineEmbedding,
 * MultiLabelSoftMargin, MultiMargin, MultiLabelMargin, the triplet losses):
 * the reduction of their per-sample losses ("mean" divides by the number of
 * samples), and the comparison masks they need as constant tensors.
 */
import type { Tensor } from "../tensor";
import type { Reduction } from "./reduction";
import { where } from "../ops/select_ops";

/** The per-sample losses, reduced. */
export function reduceComposite(perSample: Tensor, reduction: Reduction): Tensor {
  return reduction === "none" ? perSample : reduction === "sum" ? perSample.sum() : perSample.mean();
}

/** 1 where t equals v, else 0 (a constant tensor: comparisons take no gradient). */
export function equalMask(t: Tensor, v: number): Tensor {
  return where(t.detach().sub(v), 0, 1);
}
