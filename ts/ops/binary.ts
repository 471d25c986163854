/**
 * add, sub, mul, div with NumPy broadcasting (Tensor or number operands).
 *
 * Same shapes use the flat kernel, a number the scalar kernel, anything else
 * the strided broadcast kernel. The backward of a broadcast operand sums the
 * gradient over the dimensions it was broadcast along (`sumTo`).
 */
import { Tensor, record } from "../tensor";
import { checkTensor, describe } from "../errors";
import { kernelsNow } from "../backend/select";
import { BinaryOp } from "../backend/backend";
import { broadcastShapes, broadcastStrides, sameShape, sizeOf, type Shape } from "../shape";
import { sumTo } from "./reduce";

type Operand = Tensor | number;

/** out = a op b with broadcasting; no graph. */
export function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, name: string): Tensor {
  const K = kernelsNow();
  if (sameShape(a.shape, b.shape)) {
    const out = Tensor.empty(a.shape);
    K.binary(op, a.data, b.data, out.data);
    return out;
  }
  const shape = broadcastShapes(a.shape, b.shape, name);
  const out = Tensor.empty(shape);
  if (b.size === 1 && sameShape(shape, a.shape)) {
    K.binaryScalar(op, a.data, b.data[0], out.data);
  } else {
    K.binaryBroadcast(op, a.data, broadcastStrides(a.shape, shape), b.data, broadcastStrides(b.shape, shape), out.data, shape);
  }
  return out;
}

function scalarRaw(op: BinaryOp, a: Tensor, s: number): Tensor {
  const out = Tensor.empty(a.shape);
  kernelsNow().binaryScalar(op, a.data, s, out.data);
  return out;
}

function checkOperands(a: Tensor, b: Operand, name: string): void {
  checkTensor(a, name);
  if (typeof b !== "number") {
    if (!(b instanceof Tensor)) throw new TypeError(`${name}: other must be a Tensor or a number, got ${describe(b)}`);
    checkTensor(b, `${name}: other`);
  }
}

/** The gradient of a broadcast operand of shape `shape`, summed down from g. */
function reduceGrad(g: Tensor, shape: Shape): Tensor {
  return sizeOf(shape) === g.size && sameShape(shape, g.shape) ? g : sumTo(g, shape);
}

export function add(a: Tensor, b: Operand): Tensor {
  checkOperands(a, b, "add");
  if (typeof b === "number") return record(scalarRaw(BinaryOp.add, a, b), "add", [a], (g) => [g]);
  return record(binaryRaw(BinaryOp.add, a, b, "add"), "add", [a, b], (g) => [
    a.requiresGrad ? reduceGrad(g, a.shape) : null,
    b.requiresGrad ? reduceGrad(g, b.shape) : null,
  ]);
}

export function sub(a: Tensor, b: Operand): Tensor {
  checkOperands(a, b, "sub");
  if (typeof b === "number") return record(scalarRaw(BinaryOp.sub, a, b), "sub", [a], (g) => [g]);
  return record(binaryRaw(BinaryOp.sub, a, b, "sub"), "sub", [a, b], (g) => [
    a.requiresGrad ? reduceGrad(g, a.shape) : null,
    b.requiresGrad ? reduceGrad(g, b.shape).neg() : null,
  ]);
}

export function mul(a: Tensor, b: Operand): Tensor {
  checkOperands(a, b, "mul");
  if (typeof b === "number") return record(scalarRaw(BinaryOp.mul, a, b), "mul", [a], (g) => [g.mul(b)]);
  return record(binaryRaw(BinaryOp.mul, a, b, "mul"), "mul", [a, b], (g) => [
    a.requiresGrad ? reduceGrad(g.mul(b), a.shape) : null,
    b.requiresGrad ? reduceGrad(g.mul(a), b.shape) : null,
  ]);
}

export function div(a: Tensor, b: Operand): Tensor {
  checkOperands(a, b, "div");
  if (typeof b === "number") return record(scalarRaw(BinaryOp.div, a, b), "div", [a], (g) => [g.div(b)]);
  const out = binaryRaw(BinaryOp.div, a, b, "div");
  // d(a/b)/db = −a/b² = −out/b
  return record(out, "div", [a, b], (g) => [
    a.requiresGrad ? reduceGrad(g.div(b), a.shape) : null,
    b.requiresGrad ? reduceGrad(g.mul(out).div(b).neg(), b.shape) : null,
  ]);
}
