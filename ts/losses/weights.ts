/**
 * Loss weights: options copied into Tensors (class weights, posWeight) and
 * per-element weights broadcast against the input (BCELoss, BCEWithLogitsLoss).
 */
import { Tensor } from "../tensor";
import { describe } from "../errors";
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

/** A weight option as a private Tensor copy (Tensor or array-like of numbers accepted). */
export function weightTensor(value: unknown, what: string): Tensor | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Tensor) {
    const copy = new Tensor(value.data, { shape: value.shape });
    return copy;
  }
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    throw new TypeError(`${what} must hold numbers, got ${describe(value)}; convert it, e.g. Float32Array.from(w, Number)`);
  }
  if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    try {
      return new Tensor(value as ArrayLike<number>);
    } catch (e) {
      if (e instanceof TypeError) throw new TypeError(`${what}: ${e.message.replace(/^Tensor: /, "")}`);
      throw e;
    }
  }
  throw new TypeError(`${what} must be a Tensor or an array of numbers, got ${describe(value)}`);
}

export function checkWeightLength(weight: Tensor, length: number, what: string, of: string): void {
  if (weight.ndim !== 1 || weight.size !== length) {
    throw new RangeError(`${what} must have ${length} elements (one per ${of}), got shape ${formatShape(weight.shape)}`);
  }
}
