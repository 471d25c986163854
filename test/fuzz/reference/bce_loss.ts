/**
 * BCELoss (PyTorch 1.13), x ∈ [0, 1], w broadcast against x:
 *   ℓ_i = −w_i (y_i · max(log x_i, −100) + (1 − y_i) · max(log(1 − x_i), −100))
 *   ∂ℓ_i/∂x_i = w_i (x_i − y_i) / max(x_i (1 − x_i), ε)   (PyTorch's formula,
 *   ε = 1e-12 rounded to float32, as PyTorch's constant reaches the kernel)
 * "mean" divides by the element count. No target gradient.
 * Magnitudes add 1e-3 per log term: a float32 log(1 − x) is only accurate
 * to ≈ 1e-8 absolute when 1 − x rounds (x < 2⁻²⁴), in PyTorch too.
 */
import type { FuzzCase, LossReference, SizeClass } from "./types";
import { perElement } from "./elementwise";
import { broadcastIndex, broadcastShape, chance, elementShape, f32, pick, plain, sizeOf, uniforms } from "../generate";

const LOG_FLOOR = 1e-3;
const EPSILON = Math.fround(1e-12);

/** The weight of flat element i (1 without weight). */
export function weightAt(c: FuzzCase, key: "weight", i: number): number {
  const w = c.options[key] as { shape: number[]; data: number[] } | undefined;
  return w === undefined ? 1 : w.data[broadcastIndex(c.input.shape, w.shape, i)];
}

/** Probabilities with exact 0 and 1 and values within 1e-7 of them. */
function probabilities(rng: () => number, n: number): number[] {
  return uniforms(rng, n, 0, 1).map((v) =>
    chance(rng, 0.05) ? pick(rng, [0, 1, f32(1e-7), f32(1 - 1e-7), f32(1e-30)]) : v,
  );
}

/**
 * The draws shared by both BCE losses: a shape, options with a reduction and
 * maybe a broadcast weight, and targets in [0, 1] (half the time 0/1).
 */
export function bceDraw(rng: () => number, size: SizeClass): { shape: number[]; options: Record<string, unknown>; y: number[] } {
  const shape = elementShape(rng, size);
  const options: Record<string, unknown> = { reduction: pick(rng, ["none", "mean", "sum"]) };
  if (chance(rng, 0.4)) {
    const ws = broadcastShape(rng, shape);
    options.weight = plain(ws, uniforms(rng, sizeOf(ws), 0, 3));
  }
  const n = sizeOf(shape);
  const y = chance(rng, 0.5) ? uniforms(rng, n, 0, 1).map(Math.round) : uniforms(rng, n, 0, 1);
  return { shape, options, y };
}

export const bceLoss: LossReference = {
  name: "BCELoss",
  generate(rng, size) {
    const { shape, options, y } = bceDraw(rng, size);
    const n = y.length;
    return { loss: "BCELoss", options, input: plain(shape, probabilities(rng, n)), target: plain(shape, y), targetGrad: false, longRow: n };
  },
  elements(c) {
    const { values, magnitudes } = perElement(c, (x, y, i) => {
      const w = weightAt(c, "weight", i);
      const lx = Math.max(Math.log(x), -100);
      const l1 = Math.max(Math.log(1 - x), -100);
      return [-w * (y * lx + (1 - y) * l1), Math.abs(w) * (Math.abs(y) * (-lx + LOG_FLOOR) + Math.abs(1 - y) * (-l1 + LOG_FLOOR))];
    });
    return { losses: values, magnitudes, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const { values, magnitudes } = perElement(c, (x, y, i) => {
      const k = (u[i] * weightAt(c, "weight", i)) / Math.max(x * (1 - x), EPSILON);
      return [k * (x - y), Math.abs(k) * (Math.abs(x) + Math.abs(y))];
    });
    return { input: values, inputMagnitudes: magnitudes, target: null, targetMagnitudes: null };
  },
};
