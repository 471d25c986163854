/** L1Loss (PyTorch 1.13): ℓ_i = |x_i − y_i|; ∂/∂x = sign(x − y) (0 at 0) = −∂/∂y; "mean" divides by the element count. */
import type { LossReference } from "./types";
import { mseLoss } from "./mse_loss";

export const l1Loss: LossReference = {
  name: "L1Loss",
  generate(rng, size) {
    return { ...mseLoss.generate(rng, size), loss: "L1Loss" };
  },
  elements(c) {
    const y = c.target.data;
    const losses = c.input.data.map((v, i) => Math.abs(v - y[i]));
    return { losses, magnitudes: losses, shape: c.input.shape, denominator: losses.length };
  },
  vjp(c, u) {
    const y = c.target.data;
    const input = c.input.data.map((v, i) => u[i] * Math.sign(v - y[i]) + 0);
    const mags = input.map(Math.abs);
    return { input, inputMagnitudes: mags, target: c.targetGrad ? input.map((g) => -g + 0) : null, targetMagnitudes: mags };
  },
};
