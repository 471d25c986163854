/**
 * Flatten, as torch.nn.Flatten in PyTorch 1.13
 * (https://pytorch.org/docs/1.13/generated/torch.nn.Flatten.html): merges
 * the dimensions startDim…endDim (negative counts from the end) into one,
 *
 *   (N, C, H, W) → (N, C·H·W)   with the defaults startDim = 1, endDim = −1,
 *
 * sharing the input's storage (a reshape; the gradient is reshaped back).
 * A 0-d input becomes 1-d, as torch.flatten does.
 *
 * @example
 * const flatten = new nx.nn.Flatten();
 * console.log(flatten(nx.zeros([32, 1, 28, 28])).shape); // [32, 784]
 */
import type { Tensor } from "../tensor";
import { checkTensor } from "../errors";
import { normalizeDim } from "../shape";
import { Module } from "./module";

/**
 * Merges the dimensions `startDim`…`endDim` (negative counts from the end) into one, sharing the
 * input's storage, as `torch.flatten`; note the defaults (0, −1) differ from the Flatten module's.
 *
 * @example
 * ```ts
 * nx.nn.flatten(nx.zeros([2, 3, 4]), 1).shape; // [2, 12]
 * ```
 */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  checkTensor(x, "flatten: input");
  for (const [name, d] of [["startDim", startDim], ["endDim", endDim]] as const) {
    if (typeof d !== "number" || !Number.isInteger(d)) throw new TypeError(`flatten: ${name} must be an integer, got ${String(d)}`);
  }
  if (x.ndim === 0) {
    normalizeDim(startDim, 1, "flatten: startDim");
    normalizeDim(endDim, 1, "flatten: endDim");
    return x.reshape([1]);
  }
  const s = normalizeDim(startDim, x.ndim, "flatten: startDim");
  const e = normalizeDim(endDim, x.ndim, "flatten: endDim");
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} comes after endDim ${endDim} for a ${x.ndim}-d input`);
  const merged = x.shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return x.reshape([...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/**
 * Flattens the dimensions `startDim`…`endDim` into one (a reshape), as `torch.nn.Flatten`:
 * (N, C, H, W) → (N, C·H·W) with the defaults startDim = 1, endDim = −1.
 *
 * @example
 * ```ts
 * const flatten = new nx.nn.Flatten();
 * flatten(nx.zeros([32, 1, 28, 28])).shape; // [32, 784]
 * ```
 */
export class Flatten extends Module {
  /** The first dimension merged (default 1). */
  readonly startDim: number;
  /** The last dimension merged, negative counting from the end (default −1). */
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    for (const [name, d] of [["startDim", startDim], ["endDim", endDim]] as const) {
      if (typeof d !== "number" || !Number.isInteger(d)) throw new TypeError(`Flatten: ${name} must be an integer, got ${String(d)}`);
    }
    this.startDim = startDim;
    this.endDim = endDim;
  }

  /** `x` with the dimensions startDim…endDim merged, sharing its storage. */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
