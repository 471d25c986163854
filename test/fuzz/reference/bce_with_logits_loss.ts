/**
 * BCEWithLogitsLoss (PyTorch 1.13), logits x, w broadcast against x,
 * p = posWeight[i mod C] (C the last dimension), l = 1 + (p − 1) y:
 *   ℓ_i = w_i ((1 − y_i) x_i + l · softplus(−x_i))
 *   ∂ℓ_i/∂x_i = w_i ((1 − y_i) − l · σ(−x_i))
 * "mean" divides by the element count. No target gradient.
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, int, normals, pick, plain, SCALES, uniforms } from "../generate";
import { bceDraw, weightAt } from "./bce_loss";
import { perElement } from "./elementwise";

const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function posWeightAt(c: FuzzCase, i: number): number {
  const p = c.options.posWeight as { data: number[] } | undefined;
  return p === undefined ? 1 : p.data[i % p.data.length];
}

export const bceWithLogitsLoss: LossReference = {
  name: "BCEWithLogitsLoss",
  generate(rng, size) {
    const { shape, options, y } = bceDraw(rng, size);
    const n = y.length;
    const classes = shape.length === 0 ? 1 : shape[shape.length - 1];
    if (chance(rng, 0.4)) {
      const k = chance(rng, 0.2) ? 1 : classes;
      options.posWeight = plain([k], uniforms(rng, k, 0, int(rng, 1, 10)));
    }
    return {
      loss: "BCEWithLogitsLoss",
      options,
      input: plain(shape, normals(rng, n, pick(rng, SCALES))),
      target: plain(shape, y),
      targetGrad: false,
      longRow: n,
    };
  },
  elements(c) {
    const { values, magnitudes } = perElement(c, (x, y, i) => {
      const w = weightAt(c, "weight", i);
      const l = 1 + (posWeightAt(c, i) - 1) * y;
      return [w * ((1 - y) * x + l * softplus(-x)), Math.abs(w) * (Math.abs((1 - y) * x) + Math.abs(l) * softplus(-x))];
    });
    return { losses: values, magnitudes, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const { values, magnitudes } = perElement(c, (x, y, i) => {
      const k = u[i] * weightAt(c, "weight", i);
      const l = 1 + (posWeightAt(c, i) - 1) * y;
      return [k * (1 - y - l * sigmoid(-x)), Math.abs(k) * (Math.abs(1 - y) + Math.abs(l) * sigmoid(-x))];
    });
    return { input: values, inputMagnitudes: magnitudes, target: null, targetMagnitudes: null };
  },
};
