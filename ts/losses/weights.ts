/** Broadcasting of per-element weights (BCELoss, BCEWithLogitsLoss) against the input. */
import type { Tensor } from "../tensor";
import { broadcastShapes, formatShape, sameShape } from "../shape";
import { expand } from "../ops/shape_ops";

/**
 * `weight` broadcast to `shape` (the input's), as a tensor of the input's
 * size; the weight itself when no broadcast is needed. RangeError when the
 * weight would change the output's shape.
 */
export function expandWeight(weight: Tensor, shape: readonly number[], what: string): Tensor {
  if (sameShape(weight.shape, shape)) return weight;
  const broadcast = broadcastShapes(weight.shape, shape, what);
  if (!sameShape(broadcast, shape)) {
    throw new RangeError(`${what}: weight of shape ${formatShape(weight.shape)} does not broadcast to the input's shape ${formatShape(shape)}`);
  }
  return expand(weight, shape);
}

/** Runs `fn` with `weight` expanded to `shape`, freeing the expanded copy afterwards. */
export function withExpandedWeight<T>(
  weight: Tensor | null,
  shape: readonly number[],
  what: string,
  fn: (expanded: Tensor | null) => T,
): T {
  const expanded = weight === null ? null : expandWeight(weight, shape, what);
  try {
    return fn(expanded);
  } finally {
    if (expanded !== null && expanded !== weight) expanded.dispose();
  }
}
