/**
 * Dropout, as torch.nn.Dropout in PyTorch 1.13
 * (https://pytorch.org/docs/1.13/generated/torch.nn.Dropout.html).
 *
 * In training mode each element is zeroed with probability p and the others
 * are scaled by 1 / (1 − p), so the expected value is unchanged:
 *
 *   y = x · m / (1 − p),  m_i ~ Bernoulli(1 − p)      (p = 1: y = 0)
 *
 * and the gradient is dy · m / (1 − p). In eval mode, and for p = 0, the
 * input is returned as it is. The mask comes from the global generator
 * (nx.manualSeed makes it reproducible).
 * NOTE: the random stream is not PyTorch's, so the masks differ from
 * PyTorch's for the same seed; the distribution and scaling are the same.
 * PyTorch's `inplace` option is left out.
 *
 * @example
 * nx.manualSeed(0);
 * const dropout = new nx.nn.Dropout(0.5);
 * const y = dropout(nx.ones([8])); // each element 0 or 2
 * dropout.eval();
 * const same = dropout(nx.ones([8])); // the input itself
 */
import { Tensor } from "../tensor";
import { checkTensor } from "../errors";
import { globalGenerator } from "../random";
import { Module } from "./module";

/**
 * Dropout, as `torch.nn.Dropout`: in training mode zeroes each element with probability p and
 * scales the others by 1 / (1 − p); in eval mode returns the input.
 * NOTE: the random stream is not PyTorch's, so the masks differ from PyTorch's for the same
 * seed; the distribution and scaling are the same. PyTorch's `inplace` option is left out.
 *
 * @example
 * ```ts
 * nx.manualSeed(0);
 * const dropout = new nx.nn.Dropout(0.5);
 * dropout(nx.ones([8])); // each element 0 or 2
 * dropout.eval();
 * dropout(nx.ones([8])); // the input itself
 * ```
 */
export class Dropout extends Module {
  /** The probability of zeroing an element, in [0, 1] (default 0.5). */
  readonly p: number;

  constructor(p = 0.5) {
    super();
    if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
      throw new RangeError(`Dropout: probability p must be between 0 and 1, got ${String(p)}`);
    }
    this.p = p;
  }

  /** `x` with dropout applied in training mode; `x` itself in eval mode or for p = 0. */
  forward(x: Tensor): Tensor {
    checkTensor(x, "Dropout: input");
    if (!this.training || this.p === 0) return x;
    const mask = Tensor.empty(x.shape);
    const m = mask.data;
    const keep = 1 - this.p;
    const scale = this.p === 1 ? 0 : 1 / keep;
    for (let i = 0; i < m.length; i++) m[i] = globalGenerator.uniform() < keep ? scale : 0;
    return x.mul(mask); // the backward of mul multiplies by the same mask
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
