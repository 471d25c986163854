/**
 * Element-wise unary ops and pow(number), forward and backward side by side.
 * The backward kernels take both x and y = f(x), so exp/sqrt/sigmoid/tanh
 * reuse the forward's output instead of recomputing it.
 */
import { Tensor, record } from "../tensor";
import { checkTensor } from "../errors";
import { checkNumber } from "../options";
import { kernelsNow } from "../backend/select";
import { UnaryOp } from "../backend/backend";

function unaryOp(x: Tensor, op: UnaryOp, name: string): Tensor {
  checkTensor(x, name);
  const y = Tensor.empty(x.shape);
  kernelsNow().unary(op, x.data, y.data);
  return record(y, name, [x], (g) => {
    const gx = Tensor.empty(x.shape);
    kernelsNow().unaryBackward(op, x.data, y.data, g.data, gx.data);
    return [gx];
  });
}

export const neg = (x: Tensor) => unaryOp(x, UnaryOp.neg, "neg");
export const abs = (x: Tensor) => unaryOp(x, UnaryOp.abs, "abs");
export const exp = (x: Tensor) => unaryOp(x, UnaryOp.exp, "exp");
export const log = (x: Tensor) => unaryOp(x, UnaryOp.log, "log");
export const sqrt = (x: Tensor) => unaryOp(x, UnaryOp.sqrt, "sqrt");
export const relu = (x: Tensor) => unaryOp(x, UnaryOp.relu, "relu");
export const sigmoid = (x: Tensor) => unaryOp(x, UnaryOp.sigmoid, "sigmoid");
export const tanh = (x: Tensor) => unaryOp(x, UnaryOp.tanh, "tanh");

/**
 * x ** p for a number p, as PyTorch: Math.pow except p = ±0.5 (sqrt and
 * 1/sqrt: NaN at −∞) and |x| = 1 with p = ±∞ (1); gradient p · x^(p−1).
 */
export function pow(x: Tensor, p: number): Tensor {
  checkTensor(x, "pow");
  checkNumber(p, "pow: exponent");
  const y = Tensor.empty(x.shape);
  kernelsNow().powScalar(x.data, p, y.data);
  return record(y, "pow", [x], (g) => {
    const gx = Tensor.empty(x.shape);
    kernelsNow().powScalarBackward(x.data, p, g.data, gx.data);
    return [gx];
  });
}
