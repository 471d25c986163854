/**
 * Linear: y = x · Wᵀ + b, W of shape (out, in) and b of shape (out), as
 * torch.nn.Linear. x is (…, in); its leading dimensions are folded into the
 * rows of one product.
 *
 * Forward: one matmul kernel call with transB (W is read as stored, no
 * transposed copy), then the bias row added by the broadcast kernel.
 * Backward, with dY (rows, out):
 *   dX = dY · W          (rows, in)   matmul, no transpose
 *   dW = dYᵀ · X         (out, in)    matmul with transA (dY read as stored)
 *   db = Σ_rows dY       (out)        column sums
 * Initialisation (PyTorch's reset_parameters): W ~ kaiming_uniform(a = √5),
 * i.e. U(−1/√in, 1/√in), and b ~ U(−1/√in, 1/√in), from the global generator
 * (nx.manualSeed makes it reproducible).
 */
import { Tensor, record } from "../tensor";
import { checkTensor, describe } from "../errors";
import { kernelsNow } from "../backend/select";
import { BinaryOp } from "../backend/backend";
import { formatShape, sizeOf } from "../shape";
import { checkBoolean, checkInteger, checkOptions } from "../options";
import { Module, parameter } from "./module";
import { kaimingUniform, uniform } from "./init";

/** y = x · weightᵀ + bias (PyTorch's F.linear), recorded as one op. */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  checkTensor(x, "linear: input");
  checkTensor(weight, "linear: weight");
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D (out, in), got shape ${formatShape(weight.shape)}`);
  const [outF, inF] = weight.shape;
  if (x.ndim === 0 || x.shape[x.ndim - 1] !== inF) {
    throw new RangeError(`linear: input of shape ${formatShape(x.shape)} does not end with ${inF} features (weight ${formatShape(weight.shape)})`);
  }
  if (bias !== null) {
    checkTensor(bias, "linear: bias");
    if (bias.ndim !== 1 || bias.size !== outF) {
      throw new RangeError(`linear: bias must have shape [${outF}], got ${formatShape(bias.shape)}`);
    }
  }
  const rows = sizeOf(x.shape.slice(0, -1));
  const outShape = [...x.shape.slice(0, -1), outF];
  const K = kernelsNow();
  let out: Tensor;
  if (bias === null) {
    out = Tensor.empty(outShape);
    K.matmul(x.data, weight.data, out.data, rows, inF, outF, false, true, false);
  } else {
    const product = Tensor.empty(outShape);
    out = Tensor.empty(outShape);
    K.matmul(x.data, weight.data, product.data, rows, inF, outF, false, true, false);
    K.binaryBroadcast(BinaryOp.add, product.data, [outF, 1], bias.data, [0, 1], out.data, [rows, outF]);
    product.dispose();
  }
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  return record(out, "linear", inputs, (g) => {
    // Allocate first: an allocation may grow the memory and detach views.
    const gx = x.requiresGrad ? Tensor.empty(x.shape) : null;
    const gw = weight.requiresGrad ? Tensor.empty(weight.shape) : null;
    const gb = bias !== null && bias.requiresGrad ? Tensor.empty(bias.shape) : null;
    const K2 = kernelsNow();
    const gd = g.data;
    if (gx !== null) K2.matmul(gd, weight.data, gx.data, rows, outF, inF, false, false, false);
    if (gw !== null) K2.matmul(gd, x.data, gw.data, outF, rows, inF, true, false, false);
    if (gb !== null) K2.sumAxis(gd, 1, rows, outF, gb.data);
    return [gx, gw, gb];
  });
}

/** Options of `Linear`. */
export interface LinearOptions {
  /** Whether to learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * y = x·Wᵀ + b over the last dimension (`torch.nn.Linear`), initialised as
 * PyTorch does (Kaiming-uniform weight, uniform bias), seeded by nx.manualSeed.
 *
 * @example
 * ```ts
 * const fc = new nx.Linear(784, 128);
 * const h = fc(nx.zeros([64, 784])); // shape [64, 128]
 * ```
 */
export class Linear extends Module {
  /** Size of each input sample (the last dimension). */
  readonly inFeatures: number;
  /** Size of each output sample. */
  readonly outFeatures: number;
  /** (outFeatures, inFeatures), as in PyTorch. */
  weight: Tensor;
  /** (outFeatures), or null with `{ bias: false }`. */
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, opts?: LinearOptions) {
    super();
    this.inFeatures = checkInteger(inFeatures, "Linear: inFeatures", { min: 0 });
    this.outFeatures = checkInteger(outFeatures, "Linear: outFeatures", { min: 0 });
    const useBias = checkBoolean(checkOptions(opts, ["bias"], "Linear").bias ?? true, "Linear: bias");
    this.weight = parameter(kaimingUniform(Tensor.empty([outFeatures, inFeatures]), Math.sqrt(5)));
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.bias = useBias ? parameter(uniform(Tensor.empty([outFeatures]), -bound, bound)) : null;
  }

  /** x·Wᵀ + b for x of shape (…, inFeatures). */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
