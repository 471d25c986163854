/**
 * The p-norm over one dimension or over everything (Tensor.norm,
 * torch.norm): (Σ |x|^p)^(1/p) for p > 0 (p = 2 by default), max |x| for
 * p = Infinity. Accumulated in float64. Gradient as PyTorch 1.13:
 *   p = 2: x/‖x‖;  p = 1: sign(x);  other p: sign(x)·|x|^(p−1)/‖x‖^(p−1);
 *   p = ∞: sign(x) shared evenly among the elements of maximal |x|;
 * 0 where the norm is 0 (PyTorch masks that 0/0) and at zero elements
 * (for p < 1, |0|^(p−1) = ∞: PyTorch masks that too).
 */
import { Tensor, record, residentViews } from "../tensor";
import { checkTensor } from "../errors";
import { axisSplit, normalizeDim } from "../shape";

export function norm(x: Tensor, p = 2, dim?: number, keepdim = false): Tensor {
  checkTensor(x, "norm");
  if (typeof p !== "number" || !(p > 0)) throw new RangeError(`norm: p must be a positive number or Infinity, got ${String(p)}`);
  let outer = 1;
  let n = x.size;
  let inner = 1;
  let shape: number[] = [];
  if (dim !== undefined && x.ndim > 0) {
    const d = normalizeDim(dim, x.ndim, "norm");
    [outer, n, inner] = axisSplit(x.shape, d);
    shape = keepdim ? x.shape.map((v, k) => (k === d ? 1 : v)) : x.shape.filter((_, k) => k !== d);
  } else if (keepdim) shape = x.shape.map(() => 1);
  const out = Tensor.empty(shape);
  const [xs, os] = residentViews(x, out);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let acc = 0;
      for (let k = 0; k < n; k++) {
        const a = Math.abs(xs[(o * n + k) * inner + j]);
        acc = p === Infinity ? (a > acc || Number.isNaN(a) ? a : acc) : p === 2 ? acc + a * a : p === 1 ? acc + a : acc + a ** p;
      }
      os[o * inner + j] = p === Infinity || p === 1 ? acc : p === 2 ? Math.sqrt(acc) : acc ** (1 / p);
    }
  }
  return record(out, "norm", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    const [xv, ov, gv, gxv] = residentViews(x, out, g, gx);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const nrm = ov[o * inner + j];
        const gi = gv[o * inner + j];
        let ties = 0;
        if (p === Infinity) for (let k = 0; k < n; k++) if (Math.abs(xv[(o * n + k) * inner + j]) === nrm) ties++;
        for (let k = 0; k < n; k++) {
          const at = (o * n + k) * inner + j;
          const v = xv[at];
          const s = v > 0 ? 1 : v < 0 ? -1 : 0;
          let d: number;
          if (nrm === 0 || v === 0) d = 0; // p < 1: |0|^(p−1) = ∞; torch masks it to 0
          else if (p === 2) d = v / nrm;
          else if (p === 1) d = s;
          else if (p === Infinity) d = Math.abs(v) === nrm ? s / ties : 0;
          else d = (s * Math.abs(v) ** (p - 1)) / nrm ** (p - 1);
          gxv[at] = gi * d;
        }
      }
    }
    return [gx];
  });
}
