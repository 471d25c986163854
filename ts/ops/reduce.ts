/**
 * sum, mean, max (and argmax) over one dimension or over everything.
 * Sums accumulate in float64 in both backends. max's gradient is shared
 * evenly among tied maxima, as PyTorch's amax does; a NaN is the maximum
 * and takes the gradient (shared among a line's NaNs), as torch.max does.
 */
import { Tensor, record } from "../tensor";
import { checkTensor } from "../errors";
import { checkBoolean } from "../options";
import { kernelsNow } from "../backend/select";
import { axisSplit, normalizeDim, sizeOf, type Shape } from "../shape";
import { expand } from "./shape_ops";

interface Axis {
  outer: number;
  dim: number;
  inner: number;
  /** Output shape (keepdim applied). */
  shape: number[];
  /** Output shape with the reduced dimension kept as 1 (for broadcasting back). */
  keptShape: number[];
}

function axisOf(x: Tensor, dim: number | undefined, keepdim: boolean, name: string): Axis {
  checkBoolean(keepdim, `${name}: keepdim`);
  if (dim === undefined) {
    return { outer: 1, dim: x.size, inner: 1, shape: [], keptShape: x.shape.map(() => 1) };
  }
  const d = normalizeDim(dim, x.ndim, name);
  if (x.ndim === 0) return { outer: 1, dim: 1, inner: 1, shape: [], keptShape: [] };
  const [outer, size, inner] = axisSplit(x.shape, d);
  const keptShape = x.shape.slice();
  keptShape[d] = 1;
  const shape = keepdim ? keptShape : x.shape.filter((_, i) => i !== d);
  return { outer, dim: size, inner, shape, keptShape };
}

export function sum(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor(x, "sum");
  const axis = axisOf(x, dim, keepdim, "sum");
  const out = Tensor.empty(axis.shape);
  kernelsNow().sumAxis(x.data, axis.outer, axis.dim, axis.inner, out.data);
  return record(out, "sum", [x], (g) => [expand(g.withShape(axis.keptShape), x.shape)]);
}

export function mean(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor(x, "mean");
  const axis = axisOf(x, dim, keepdim, "mean");
  // An empty reduction is 0/0 = NaN, as in PyTorch.
  return sum(x, dim, keepdim).mul(1 / axis.dim);
}

export function max(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor(x, "max");
  const axis = axisOf(x, dim, keepdim, "max");
  if (axis.dim === 0) throw new RangeError(`max: cannot reduce over an empty dimension (shape [${x.shape.join(", ")}])`);
  const out = Tensor.empty(axis.shape);
  kernelsNow().maxAxis(x.data, axis.outer, axis.dim, axis.inner, out.data);
  return record(out, "max", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    const xs = x.data;
    const ms = out.data;
    const gs = g.data;
    const gxs = gx.data;
    const { outer, dim: n, inner } = axis;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const m = ms[o * inner + i];
        const base = o * n * inner + i;
        // A NaN maximum came from the line's NaNs: they get the gradient (torch.max).
        const isMax = Number.isNaN(m) ? Number.isNaN : (v: number) => v === m;
        let ties = 0;
        for (let d = 0; d < n; d++) if (isMax(xs[base + d * inner])) ties++;
        const share = ties === 0 ? 0 : gs[o * inner + i] / ties;
        for (let d = 0; d < n; d++) gxs[base + d * inner] = isMax(xs[base + d * inner]) ? share : 0;
      }
    }
    return [gx];
  });
}

/** Index of the first maximum along `dim` (of the flattened tensor when omitted), as floats. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  checkTensor(x, "argmax");
  const axis = axisOf(x, dim, keepdim, "argmax");
  if (axis.dim === 0) throw new RangeError(`argmax: cannot reduce over an empty dimension (shape [${x.shape.join(", ")}])`);
  const out = Tensor.empty(axis.shape);
  const xs = x.data;
  const os = out.data;
  const { outer, dim: n, inner } = axis;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = 0;
      let bestValue = xs[base];
      for (let d = 1; d < n; d++) {
        const v = xs[base + d * inner];
        if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
          best = d;
          bestValue = v;
        }
      }
      os[o * inner + i] = best;
    }
  }
  return out;
}

/**
 * Sums `g` down to `shape` (the inverse of broadcasting `shape` up to
 * g.shape): leading extra dimensions and dimensions where shape has 1.
 * No graph (used inside backward functions).
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  const K = kernelsNow();
  let t = g;
  const extra = g.ndim - shape.length;
  if (extra > 0) {
    const lead = sizeOf(g.shape.slice(0, extra));
    const rest = g.shape.slice(extra);
    const next = Tensor.empty(rest);
    K.sumAxis(t.data, 1, lead, sizeOf(rest), next.data);
    t = next;
  }
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1 && t.shape[d] !== 1) {
      const [outer, n, inner] = axisSplit(t.shape, d);
      const keptShape = t.shape.slice();
      keptShape[d] = 1;
      const next = Tensor.empty(keptShape);
      K.sumAxis(t.data, outer, n, inner, next.data);
      t = next;
    }
  }
  return t;
}
