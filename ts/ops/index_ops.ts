/**
 * Ops that move elements, forward and backward side by side: squeeze,
 * unsqueeze (views), narrow/slice, cat, stack, gather. Plain loops over
 * contiguous blocks (the same code on both backends). Backward of a copy is
 * the copy the other way: slices of the incoming gradient, or scatter-adds
 * into zeros (gather's repeated indices accumulate, as PyTorch).
 */
import { Tensor, record, residentViews } from "../tensor";
import { checkTensor, describe } from "../errors";
import { axisSplit, formatShape, normalizeDim, sameShape } from "../shape";
import { reshape } from "./shape_ops";

/** Without dimension `dim` of size 1 (every size-1 dimension when omitted); a view. */
export function squeeze(x: Tensor, dim?: number): Tensor {
  checkTensor(x, "squeeze");
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim(dim, x.ndim, "squeeze");
  if (x.ndim === 0 || x.shape[d] !== 1) return reshape(x, x.shape.slice());
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

/** With a dimension of size 1 inserted at `dim` (−ndim−1 ≤ dim ≤ ndim); a view. */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  checkTensor(x, "unsqueeze");
  const d = normalizeDim(dim, x.ndim + 1, "unsqueeze");
  const shape = x.shape.slice();
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

function checkInt(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${what} must be an integer, got ${describe(v)}`);
  return v;
}

/** Elements start … start + length − 1 along `dim` (torch.narrow), copied. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  checkTensor(x, "narrow");
  if (x.ndim === 0) throw new RangeError("narrow: cannot slice a 0-d tensor");
  const d = normalizeDim(dim, x.ndim, "narrow");
  const size = x.shape[d];
  let s = checkInt(start, "narrow: start");
  checkInt(length, "narrow: length");
  if (s < 0) s += size;
  if (s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} and length ${length} are out of range for dimension ${dim} of size ${size}`);
  }
  const [outer, , inner] = axisSplit(x.shape, d);
  const shape = x.shape.slice();
  shape[d] = length;
  const out = Tensor.empty(shape);
  const [xs, os] = residentViews(x, out);
  const block = length * inner;
  for (let o = 0; o < outer; o++) os.set(xs.subarray((o * size + s) * inner, (o * size + s) * inner + block), o * block);
  return record(out, "narrow", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    const [gv, gxv] = residentViews(g, gx);
    gxv.fill(0);
    for (let o = 0; o < outer; o++) gxv.set(gv.subarray(o * block, (o + 1) * block), (o * size + s) * inner);
    return [gx];
  });
}

/**
 * Python's x[..., start:end] along `dim` (step 1): negative indices count
 * from the end and out-of-range bounds are clipped, as in Python.
 */
export function slice(x: Tensor, dim: number, start = 0, end?: number): Tensor {
  checkTensor(x, "slice");
  if (x.ndim === 0) throw new RangeError("slice: cannot slice a 0-d tensor");
  const size = x.shape[normalizeDim(dim, x.ndim, "slice")];
  const clip = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
  const s = clip(checkInt(start, "slice: start"));
  const e = end === undefined ? size : clip(checkInt(end, "slice: end"));
  return narrow(x, dim, s, Math.max(e - s, 0));
}

/** The tensors joined along `dim`; they must agree on every other dimension (torch.cat). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError("cat: expected a non-empty array of Tensors");
  tensors.forEach((t, i) => checkTensor(t, `cat: tensors[${i}]`));
  const first = tensors[0];
  if (first.ndim === 0) throw new RangeError("cat: 0-d tensors cannot be joined (use stack)");
  const d = normalizeDim(dim, first.ndim, "cat");
  tensors.forEach((t, i) => {
    const other = t.shape.map((v: number, k: number) => (k === d ? first.shape[d] : v));
    if (t.ndim !== first.ndim || !sameShape(other, first.shape)) {
      throw new RangeError(
        `cat: tensors[${i}] has shape ${formatShape(t.shape)}, which does not match tensors[0]'s ${formatShape(first.shape)} except in dimension ${dim}`,
      );
    }
  });
  const [outer, , inner] = axisSplit(first.shape, d);
  const sizes = tensors.map((t) => t.shape[d]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const shape = first.shape.slice();
  shape[d] = total;
  const out = Tensor.empty(shape);
  const views = residentViews(...tensors, out);
  const os = views[views.length - 1];
  for (let o = 0; o < outer; o++) {
    let at = o * total * inner;
    tensors.forEach((_, k) => {
      const block = sizes[k] * inner;
      os.set(views[k].subarray(o * block, (o + 1) * block), at);
      at += block;
    });
  }
  return record(out, "cat", [...tensors], (g) => {
    let offset = 0;
    return tensors.map((t, k) => {
      const part = narrow(g, d, offset, sizes[k]);
      offset += sizes[k];
      return t.requiresGrad ? part : null;
    });
  });
}

/** The tensors (all of one shape) stacked along a new dimension `dim` (torch.stack). */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError("stack: expected a non-empty array of Tensors");
  tensors.forEach((t, i) => {
    checkTensor(t, `stack: tensors[${i}]`);
    if (!sameShape(t.shape, tensors[0].shape)) {
      throw new RangeError(`stack: tensors[${i}] has shape ${formatShape(t.shape)}, tensors[0] ${formatShape(tensors[0].shape)}`);
    }
  });
  return cat(tensors.map((t) => unsqueeze(t, dim)), dim);
}

/**
 * out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and so on: torch.gather).
 * `index` holds integral values in [0, x.shape[dim]) and has x's number of
 * dimensions, no larger than x's in the others; the output has its shape.
 * The gradient scatter-adds into x's shape (repeated indices accumulate).
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  checkTensor(x, "gather: input");
  checkTensor(index, "gather: index");
  const nd = Math.max(x.ndim, 1);
  const d = normalizeDim(dim, nd, "gather");
  const xShape = x.ndim === 0 ? [1] : x.shape;
  const iShape = index.ndim === 0 ? [1] : index.shape;
  if (iShape.length !== nd || iShape.some((v, k) => k !== d && v > xShape[k])) {
    throw new RangeError(
      `gather: index of shape ${formatShape(index.shape)} must have the input's ${nd} dimensions and be no larger than ${formatShape(x.shape)} except in dimension ${dim}`,
    );
  }
  const iv = index.data;
  for (let i = 0; i < iv.length; i++) {
    if (!Number.isInteger(iv[i]) || iv[i] < 0 || iv[i] >= xShape[d]) {
      throw new RangeError(`gather: index ${iv[i]} at flat index ${i} is out of range for dimension ${dim} of size ${xShape[d]}`);
    }
  }
  // Offsets into x for every output position, computed once for both passes.
  const xStrides = xShape.map((_, k) => xShape.slice(k + 1).reduce((a, b) => a * b, 1));
  const offsets = new Int32Array(iv.length);
  const pos = new Array<number>(nd).fill(0);
  for (let i = 0; i < iv.length; i++) {
    let off = 0;
    for (let k = 0; k < nd; k++) off += (k === d ? iv[i] : pos[k]) * xStrides[k];
    offsets[i] = off;
    for (let k = nd - 1; k >= 0 && ++pos[k] === iShape[k]; k--) pos[k] = 0;
  }
  const out = Tensor.empty(index.shape);
  const [xs, os] = residentViews(x, out);
  for (let i = 0; i < offsets.length; i++) os[i] = xs[offsets[i]];
  return record(out, "gather", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    const [gv, gxv] = residentViews(g, gx);
    gxv.fill(0);
    for (let i = 0; i < offsets.length; i++) gxv[offsets[i]] += gv[i];
    return [gx];
  });
}
