/**
 * SoftMarginLoss (PyTorch 1.13), labels y = ±1:
 *   ℓ = log(1 + e^(−y·x)) = softplus(−y·x),   ∂ℓ/∂x = −y·σ(−y·x)
 * Evaluated stably (max(z, 0) + log1p(e^−|z|)): the true value. PyTorch
 * 1.13 evaluates log1p(exp(z)) literally, which in float32 overflows to ∞
 * (and its gradient to NaN) past z ≈ 88; the library documents the stable
 * form, which the fuzzer holds it to. No target gradient (as PyTorch).
 * "mean" divides by the element count.
 */
import type { LossReference } from "./types";
import { perElement } from "./elementwise";
import { elementShape, normals, pick, plain, reductionOf, SCALES, signs, sizeOf } from "../generate";

export const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export const softMarginLoss: LossReference = {
  name: "SoftMarginLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    return {
      loss: "SoftMarginLoss",
      options: { reduction: reductionOf(rng) },
      input: plain(shape, normals(rng, n, pick(rng, SCALES))),
      target: plain(shape, signs(rng, n)),
      targetGrad: false,
      longRow: n,
    };
  },
  elements(c) {
    const { values } = perElement(c, (x, y) => {
      const v = softplus(-y * x);
      return [v, v];
    });
    return { losses: values, magnitudes: values, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const { values } = perElement(c, (x, y, i) => [u[i] * -y * sigmoid(-y * x), 0]);
    return { input: values, inputMagnitudes: values.map(Math.abs), target: null, targetMagnitudes: null };
  },
};
