/**
 * softmax and logSoftmax along one dimension, max-shifted in the kernels so
 * that no exp overflows. Backward uses the saved output only:
 * logSoftmax: gx = gy − softmax · Σ gy;  softmax: gx = y · (gy − Σ gy·y).
 */
import { Tensor, record } from "../tensor";
import { checkTensor } from "../errors";
import { kernelsNow } from "../backend/select";
import { axisSplit, normalizeDim } from "../shape";

export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkTensor(x, "logSoftmax");
  const [outer, n, inner] = axisSplit(x.shape, normalizeDim(dim, x.ndim, "logSoftmax"));
  const y = Tensor.empty(x.shape);
  kernelsNow().logSoftmax(x.data, outer, n, inner, y.data);
  return record(y, "logSoftmax", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    kernelsNow().logSoftmaxBackward(y.data, g.data, outer, n, inner, gx.data);
    return [gx];
  });
}

export function softmax(x: Tensor, dim: number): Tensor {
  checkTensor(x, "softmax");
  const [outer, n, inner] = axisSplit(x.shape, normalizeDim(dim, x.ndim, "softmax"));
  const y = Tensor.empty(x.shape);
  kernelsNow().softmax(x.data, outer, n, inner, y.data);
  return record(y, "softmax", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    kernelsNow().softmaxBackward(y.data, g.data, outer, n, inner, gx.data);
    return [gx];
  });
}
