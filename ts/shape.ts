/**
 * Shape arithmetic: sizes, row-major strides, NumPy broadcasting, dims.
 * Pure functions over number arrays; no tensors here.
 */

import { KERNEL_RESERVED_BYTES, MAX_MEMORY_BYTES } from "./wasm/memory";
import { describe } from "./errors";
import { checkInteger } from "./options";

export type Shape = readonly number[];

/** The most float32 elements one tensor can have: what wasm32's 4 GiB memory holds beside the kernels' reserve. */
export const MAX_ELEMENTS = Math.floor((MAX_MEMORY_BYTES - KERNEL_RESERVED_BYTES) / 4);

/** RangeError when `shape` has more elements than any tensor can hold (before any allocation is tried). */
export function checkElementCount(shape: Shape, what: string): void {
  const n = sizeOf(shape);
  if (n > MAX_ELEMENTS) {
    throw new RangeError(
      `${what}: shape ${formatShape(shape)} has ${n.toPrecision(3)} elements; a tensor holds at most ` +
        `${MAX_ELEMENTS.toLocaleString("en")} float32 elements (WebAssembly memory stops at 4 GiB)`,
    );
  }
}

/** A shape argument: an array of non-negative integers (TypeError / RangeError) that fits in memory; copied. */
export function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${what}: shape must be an array of integers, got ${describe(shape)}`);
  shape.forEach((d, i) => {
    if (typeof d !== "number") throw new TypeError(`${what}: shape[${i}] must be an integer, got ${describe(d)}`);
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${what}: shape ${formatShape(shape)} must hold non-negative integers (shape[${i}] is ${d})`);
    }
  });
  checkElementCount(shape, what);
  return shape.slice();
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting of two shapes; RangeError naming both when they don't broadcast. */
export function broadcastShapes(a: Shape, b: Shape, what: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${what}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together (dimension ${i}: ${da} vs ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Element strides of `shape` (row-major) when it is broadcast to `outShape`:
 * 0 on dimensions that are broadcast (missing or of size 1).
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const n = outShape.length;
  const strides = new Array<number>(n).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = i + (n - shape.length);
    strides[o] = shape[i] === 1 && outShape[o] !== 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/** Row-major strides of a contiguous shape. */
export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** Normalises a possibly negative dim against `ndim`; RangeError when out of range. */
export function normalizeDim(dim: number, ndim: number, what: string): number {
  checkInteger(dim, `${what}: dim`);
  const d = dim < 0 ? dim + ndim : dim;
  if (d < 0 || d >= Math.max(ndim, 1)) {
    throw new RangeError(`${what}: dim ${dim} is out of range for a tensor with ${ndim} dimension(s)`);
  }
  return d;
}

/** (outer, dim, inner) view of `shape` around dimension `d`, as the axis kernels take it. */
export function axisSplit(shape: Shape, d: number): [outer: number, dim: number, inner: number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < d; i++) outer *= shape[i];
  for (let i = d + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape.length === 0 ? 1 : shape[d], inner];
}
