/**
 * Shape ops: reshape (shares storage), transpose (copies), clone, and the
 * internal `expand` used by backward functions. Copies with a permutation or
 * a broadcast reuse the strided broadcast kernel as `x · 1` (exact for every
 * float, NaN and −0 included).
 */
import { Tensor, record, residentViews } from "../tensor";
import { checkTensor } from "../errors";
import { kernelsNow } from "../backend/select";
import { BinaryOp } from "../backend/backend";
import { broadcastStrides, contiguousStrides, formatShape, normalizeDim, sizeOf, type Shape } from "../shape";
import { untracked } from "../memory/scope";

let one: Tensor | null = null;
/** A persistent scalar 1 (pinned; never written): broadcast with stride 0 by the copy kernels, and backward's implied seed. */
export function scalarOne(): Tensor {
  if (one === null || one.isDisposed) {
    one = untracked(() => new Tensor(1));
    one.pinned = true;
  }
  return one;
}

/** Copies `src` (read with `srcStrides`, element units) into a new contiguous tensor of `shape`. */
function stridedCopy(src: Tensor, srcStrides: number[], shape: Shape): Tensor {
  const out = Tensor.empty(shape);
  const zeros = shape.map(() => 0);
  const K = kernelsNow();
  const [srcView, unitView, outView] = residentViews(src, scalarOne(), out);
  K.binaryBroadcast(BinaryOp.mul, srcView, srcStrides, unitView, zeros, outView, shape);
  return out;
}

/** Broadcasts `t` up to `shape` (materialised); no graph. */
export function expand(t: Tensor, shape: Shape): Tensor {
  if (t.size === sizeOf(shape) && t.ndim === shape.length) return t;
  return stridedCopy(t, broadcastStrides(t.shape, shape), shape);
}

export function reshape(x: Tensor, dims: readonly number[]): Tensor {
  checkTensor(x, "reshape");
  let inferred = -1;
  let known = 1;
  dims.forEach((d, i) => {
    if (d === -1 && inferred < 0) inferred = i;
    else if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`reshape: invalid shape ${formatShape(dims)}: dimensions must be non-negative integers (one may be -1)`);
    } else known *= d;
  });
  const shape = dims.slice();
  if (inferred >= 0) {
    if (known === 0 || x.size % known !== 0) {
      throw new RangeError(`reshape: shape ${formatShape(dims)} is invalid for a tensor of ${x.size} elements`);
    }
    shape[inferred] = x.size / known;
  }
  if (sizeOf(shape) !== x.size) {
    throw new RangeError(
      `reshape: shape ${formatShape(dims)} holds ${sizeOf(shape)} elements but the tensor of shape ${formatShape(x.shape)} has ${x.size}`,
    );
  }
  return record(x.withShape(shape), "reshape", [x], (g) => [g.withShape(x.shape)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  checkTensor(x, "transpose");
  if (x.ndim < 2 && dim0 === -2 && dim1 === -1) {
    // PyTorch's t() of a 0-d or 1-d tensor is the tensor itself.
    return record(x.withShape(x.shape), "transpose", [x], (g) => [g]);
  }
  const d0 = normalizeDim(dim0, x.ndim, "transpose");
  const d1 = normalizeDim(dim1, x.ndim, "transpose");
  const strides = contiguousStrides(x.shape);
  const shape = x.shape.slice();
  [shape[d0], shape[d1]] = [shape[d1], shape[d0]];
  [strides[d0], strides[d1]] = [strides[d1], strides[d0]];
  const out = stridedCopy(x, strides, shape);
  return record(out, "transpose", [x], (g) => [transpose(g, d0, d1)]);
}

export function clone(x: Tensor): Tensor {
  checkTensor(x, "clone");
  const out = Tensor.empty(x.shape);
  out.data.set(x.data);
  return record(out, "clone", [x], (g) => [g]);
}
