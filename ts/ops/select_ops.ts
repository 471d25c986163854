/**
 * Ops that choose between values, forward and backward side by side:
 * clamp, minimum, maximum, where; and the smooth activations softplus and
 * logSigmoid. Plain loops over the views (the same code on both backends):
 * they serve custom and composite losses, not hot paths.
 *
 * Gradients as PyTorch 1.13: clamp passes the gradient where
 * min ≤ x ≤ max (inclusive); minimum/maximum give it to the chosen operand
 * and half to each on ties; where gives it to the operand it took; softplus
 * (beta, threshold 20) is linear above the threshold, as PyTorch's.
 * Broadcast operands get their gradient summed back to their shape.
 */
import { Tensor, record, residentViews } from "../tensor";
import { checkTensor, describe } from "../errors";
import { broadcastShapes, sameShape } from "../shape";
import { expand } from "./shape_ops";
import { sumTo } from "./reduce";

/** y = f(x) element-wise, with ∂y/∂x = df(x, y). */
function mapUnary(x: Tensor, name: string, f: (v: number) => number, df: (v: number, y: number) => number): Tensor {
  checkTensor(x, name);
  const y = Tensor.empty(x.shape);
  const [xs, ys] = residentViews(x, y);
  for (let i = 0; i < xs.length; i++) ys[i] = f(xs[i]);
  return record(y, name, [x], (g) => {
    const gx = Tensor.empty(x.shape);
    const [xv, yv, gv, gxv] = residentViews(x, y, g, gx);
    for (let i = 0; i < xv.length; i++) gxv[i] = gv[i] * df(xv[i], yv[i]);
    return [gx];
  });
}

function checkBound(v: unknown, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || Number.isNaN(v)) throw new TypeError(`${what} must be a number or null, got ${describe(v)}`);
  return v;
}

/** min(max(x, lo), hi); either bound may be null (absent). */
export function clamp(x: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = checkBound(min, "clamp: min") ?? -Infinity;
  const hi = checkBound(max, "clamp: max") ?? Infinity;
  if (min == null && max == null) throw new TypeError("clamp: give at least one of min and max");
  // PyTorch: with min > max every element becomes max.
  return mapUnary(
    x,
    "clamp",
    (v) => (Number.isNaN(v) ? v : Math.min(Math.max(v, lo), hi)),
    (v) => (v >= lo && v <= hi ? 1 : 0),
  );
}

/** log(1 + e^(βx))/β, and x itself where βx > threshold (PyTorch's defaults β = 1, threshold = 20). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return mapUnary(
    x,
    "softplus",
    (v) => (v * beta > threshold ? v : (Math.max(v * beta, 0) + Math.log1p(Math.exp(-Math.abs(v * beta)))) / beta),
    (v) => (v * beta > threshold ? 1 : 1 / (1 + Math.exp(-v * beta))),
  );
}

/** log σ(x) = −softplus(−x) = min(x, 0) − log1p(e^−|x|): finite for every finite x; ∂ = σ(−x). */
export function logSigmoid(x: Tensor): Tensor {
  return mapUnary(
    x,
    "logSigmoid",
    (v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))),
    (v) => 1 / (1 + Math.exp(v)),
  );
}

/** `t` broadcast to `shape`: itself if it has that shape, else a copy (no graph). */
function broadcastTo(t: Tensor, shape: readonly number[]): Tensor {
  return sameShape(t.shape, shape) ? t : expand(t, shape);
}

/** A number operand as a 0-d tensor. */
function operand(v: Tensor | number, what: string): Tensor {
  if (typeof v === "number") return new Tensor(v);
  checkTensor(v, what);
  return v;
}

/** maximum (sign 1) or minimum (sign −1) of two broadcast tensors. */
function extremum(a: Tensor, b: Tensor | number, sign: 1 | -1, name: string): Tensor {
  checkTensor(a, `${name}: input`);
  const bt = operand(b, `${name}: other`);
  const shape = broadcastShapes(a.shape, bt.shape, name);
  const ae = broadcastTo(a, shape);
  const be = broadcastTo(bt, shape);
  const out = Tensor.empty(shape);
  const [av, bv, ov] = residentViews(ae, be, out);
  for (let i = 0; i < ov.length; i++) {
    const x = av[i];
    const y = bv[i];
    // NaN propagates, as torch.maximum/minimum.
    ov[i] = Number.isNaN(x) || Number.isNaN(y) ? NaN : sign * x >= sign * y ? x : y;
  }
  return record(out, name, [a, bt], (g) => {
    const ga = Tensor.empty(shape);
    const gb = Tensor.empty(shape);
    const [xv, yv, gv, gav, gbv] = residentViews(ae, be, g, ga, gb);
    for (let i = 0; i < gv.length; i++) {
      const d = sign * (xv[i] - yv[i]);
      const share = d > 0 ? 1 : d < 0 ? 0 : 0.5; // ties: half each, as PyTorch
      gav[i] = gv[i] * share;
      gbv[i] = gv[i] * (1 - share);
    }
    return [sumTo(ga, a.shape), sumTo(gb, bt.shape)];
  });
}

/** Element-wise maximum, broadcasting (torch.maximum). */
export const maximum = (a: Tensor, b: Tensor | number) => extremum(a, b, 1, "maximum");
/** Element-wise minimum, broadcasting (torch.minimum). */
export const minimum = (a: Tensor, b: Tensor | number) => extremum(a, b, -1, "minimum");

/** a where condition ≠ 0, else b, all three broadcast (torch.where); condition takes no gradient. */
export function where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
  checkTensor(condition, "where: condition");
  const at = operand(a, "where: input");
  const bt = operand(b, "where: other");
  const shape = broadcastShapes(broadcastShapes(condition.shape, at.shape, "where"), bt.shape, "where");
  const ce = broadcastTo(condition, shape);
  const ae = broadcastTo(at, shape);
  const be = broadcastTo(bt, shape);
  const out = Tensor.empty(shape);
  const [cv, av, bv, ov] = residentViews(ce, ae, be, out);
  for (let i = 0; i < ov.length; i++) ov[i] = cv[i] !== 0 ? av[i] : bv[i];
  return record(out, "where", [at, bt], (g) => {
    const ga = Tensor.empty(shape);
    const gb = Tensor.empty(shape);
    const [c, gv, gav, gbv] = residentViews(ce, g, ga, gb);
    for (let i = 0; i < gv.length; i++) {
      const take = c[i] !== 0;
      gav[i] = take ? gv[i] : 0;
      gbv[i] = take ? 0 : gv[i];
    }
    return [sumTo(ga, at.shape), sumTo(gb, bt.shape)];
  });
}
