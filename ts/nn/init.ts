/**
 * Initialisation of parameters, as torch.nn.init, from the global generator
 * (reset by nx.manualSeed).
 *
 * kaimingUniform with a = √5 is PyTorch's default for Linear weights:
 *   gain = √(2 / (1 + a²)),  bound = gain · √3 / √fanIn = 1/√fanIn for a = √5,
 * and Linear's bias is U(−1/√fanIn, 1/√fanIn). The numbers differ from
 * PyTorch's (another generator); the distributions are the same.
 */
import type { Tensor } from "../tensor";
import { globalGenerator } from "../random";
import { sizeOf } from "../shape";

/** Fills `t` in place with U(low, high) samples; returns t. */
export function uniform(t: Tensor, low: number, high: number): Tensor {
  const d = t.data;
  const width = high - low;
  for (let i = 0; i < d.length; i++) d[i] = low + width * globalGenerator.uniform();
  return t;
}

/** He/Kaiming uniform for a (out, in) weight: U(−b, b), b = √(6 / ((1 + a²) · fanIn)). */
export function kaimingUniform(t: Tensor, a: number): Tensor {
  const fanIn = t.ndim < 2 ? t.size : sizeOf(t.shape.slice(1));
  const bound = fanIn === 0 ? 0 : Math.sqrt(6 / ((1 + a * a) * fanIn));
  return uniform(t, -bound, bound);
}
