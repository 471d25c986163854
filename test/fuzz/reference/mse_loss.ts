/** MSELoss (PyTorch 1.13): ℓ_i = (x_i − y_i)²; ∂/∂x = 2(x − y) = −∂/∂y; "mean" divides by the element count. */
import type { LossReference } from "./types";
import { chance, elementShape, normals, pick, plain, SCALES, sizeOf, f32 } from "../generate";

export const mseLoss: LossReference = {
  name: "MSELoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const scale = pick(rng, SCALES);
    const x = normals(rng, n, scale);
    // Targets near the input (small differences) or independent; some exactly equal.
    const y = chance(rng, 0.5) ? x.map((v, i) => (i % 7 === 3 ? v : f32(v + scale * 0.01 * (rng() - 0.5)))) : normals(rng, n, scale);
    return {
      loss: "MSELoss",
      options: { reduction: pick(rng, ["none", "mean", "sum"]) },
      input: plain(shape, x),
      target: plain(shape, y),
      targetGrad: chance(rng, 0.3),
      longRow: n,
    };
  },
  elements(c) {
    const x = c.input.data;
    const y = c.target.data;
    const losses = x.map((v, i) => (v - y[i]) ** 2);
    return { losses, magnitudes: losses, shape: c.input.shape, denominator: x.length };
  },
  vjp(c, u) {
    const x = c.input.data;
    const y = c.target.data;
    const input = x.map((v, i) => u[i] * 2 * (v - y[i]));
    const mags = input.map(Math.abs);
    return { input, inputMagnitudes: mags, target: c.targetGrad ? input.map((g) => -g) : null, targetMagnitudes: mags };
  },
};
