/**
 * HuberLoss (PyTorch 1.13), delta δ > 0, d = x − y:
 *   ℓ = ½d² where |d| < δ, else δ(|d| − ½δ)   (no cancellation: |d| ≥ δ there)
 *   ∂ℓ/∂x = clamp(d, −δ, δ) = −∂ℓ/∂y
 * "mean" divides by the element count.
 */
import type { LossReference } from "./types";
import { perElement } from "./elementwise";
import { chance, elementShape, f32, pick, plain, reductionOf, regressionPair, sizeOf } from "../generate";

const deltaOf = (o: Record<string, unknown>) => (o.delta as number | undefined) ?? 1;

export const huberLoss: LossReference = {
  name: "HuberLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const { x, y, scale } = regressionPair(rng, n);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    // δ from tiny to the data's own scale (both branches taken).
    if (chance(rng, 0.7)) options.delta = pick(rng, [0.5, 2, 1e-3, f32(scale * rng() + 1e-3), f32(scale * 0.01)]);
    return { loss: "HuberLoss", options, input: plain(shape, x), target: plain(shape, y), targetGrad: chance(rng, 0.4), longRow: n };
  },
  elements(c) {
    const delta = deltaOf(c.options);
    const { values } = perElement(c, (x, y) => {
      const d = x - y;
      const ad = Math.abs(d);
      const v = ad < delta ? 0.5 * d * d : delta * (ad - 0.5 * delta);
      return [v, v];
    });
    return { losses: values, magnitudes: values, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const delta = deltaOf(c.options);
    const { values } = perElement(c, (x, y, i) => {
      const g = u[i] * Math.min(Math.max(x - y, -delta), delta);
      return [g, 0];
    });
    const mags = values.map(Math.abs);
    return { input: values, inputMagnitudes: mags, target: c.targetGrad ? values.map((g) => -g) : null, targetMagnitudes: mags };
  },
};
