/**
 * What the row losses over class indices (cross entropy, NLL, multi-margin,
 * multi-label margin) share: the (N, C, d1, …, dk) layout of the input and
 * the (N, d1, …, dk) targets, the validation of class indices (one per
 * sample, or a −1-ended list per row), and the weighted "mean" denominator
 * Σ w_t over the non-ignored targets. Their kernels share
 * crates/kernels/src/losses/class_rows.rs.
 */
import type { Tensor } from "../tensor";
import { formatShape, sameShape, sizeOf } from "../shape";

export interface ClassLayout {
  n: number;
  classes: number;
  /** d1·…·dk (1 for (C) and (N, C) input). */
  inner: number;
  /** The target's (and the "none" output's) shape: (), (N) or (N, d1, …, dk). */
  sampleShape: number[];
}

/** The layout of (C), (N, C) or (N, C, d1, …) input; RangeError for a 0-d input. */
export function classLayout(input: Tensor, what: string): ClassLayout {
  if (input.ndim === 0) {
    throw new RangeError(`${what}: input must have shape (C), (N, C) or (N, C, d1, …), got a 0-d tensor`);
  }
  const classes = input.ndim === 1 ? input.shape[0] : input.shape[1];
  const n = input.ndim === 1 ? 1 : input.shape[0];
  const spatial = input.shape.slice(2);
  return { n, classes, inner: sizeOf(spatial), sampleShape: input.ndim === 1 ? [] : [n, ...spatial] };
}

/** RangeError unless the target has the layout's sample shape. */
export function checkIndexTargetShape(input: Tensor, target: Tensor, layout: ClassLayout, what: string): void {
  if (!sameShape(target.shape, layout.sampleShape)) {
    throw new RangeError(
      `${what}: for input of shape ${formatShape(input.shape)}, target must have shape ` +
        `${formatShape(layout.sampleShape)} (class indices), got ${formatShape(target.shape)}`,
    );
  }
}

/**
 * Validates class indices (integral, in [0, classes), or ignoreIndex) and
 * returns Σ w_t over the non-ignored targets (the count without weights).
 */
export function classIndexDenominator(target: Tensor, classes: number, ignoreIndex: number, weight: Tensor | null, what: string): number {
  const t = target.data;
  const w = weight?.data ?? null;
  let total = 0;
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === ignoreIndex) continue;
    if (!Number.isInteger(c)) {
      throw new RangeError(`${what}: target ${c} at flat index ${i} is not an integral class index`);
    }
    if (c < 0 || c >= classes) {
      throw new RangeError(
        `${what}: target index ${c} at flat index ${i} is out of range for ${classes} classes (ignoreIndex is ${ignoreIndex})`,
      );
    }
    total += w === null ? 1 : w[c];
  }
  return total;
}

/**
 * RangeError unless each of the n rows of `classes` targets lists class indices in [0, classes),
 * ended by −1 or by the row's end (MultiLabelMarginLoss).
 */
export function checkClassLists(target: Tensor, n: number, classes: number, what: string): void {
  const t = target.data;
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < classes; k++) {
      const c = t[r * classes + k];
      if (c === -1) break;
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        throw new RangeError(
          `${what}: target ${c} at flat index ${r * classes + k} is no class index in [0, ${classes}) and not the −1 that ends the list`,
        );
      }
    }
  }
}
