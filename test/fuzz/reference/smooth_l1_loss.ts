/**
 * SmoothL1Loss (PyTorch 1.13), beta β ≥ 0, d = x − y:
 *   ℓ = ½d²/β where |d| < β, else |d| − ½β   (β = 0: L1Loss)
 *   ∂ℓ/∂x = h(d), ∂ℓ/∂y = h(−d), h(d) = −1 where d ≤ −β, 1 where d ≥ β, else d/β
 * (PyTorch 1.13's smooth_l1_loss_backward tests in that order, and computes
 * the target's gradient as the input's with the two swapped: with β = 0 both
 * are −1 at d = 0). "mean" divides by the element count.
 */
import type { LossReference } from "./types";
import { perElement } from "./elementwise";
import { chance, elementShape, f32, pick, plain, reductionOf, regressionPair, sizeOf } from "../generate";

const betaOf = (o: Record<string, unknown>) => (o.beta as number | undefined) ?? 1;
const h = (d: number, beta: number) => (d <= -beta ? -1 : d >= beta ? 1 : d / beta);

export const smoothL1Loss: LossReference = {
  name: "SmoothL1Loss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const { x, y, scale } = regressionPair(rng, n);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.7)) options.beta = pick(rng, [0, 0.5, 2, 1e-3, f32(scale * rng()), f32(scale * 0.01)]);
    return { loss: "SmoothL1Loss", options, input: plain(shape, x), target: plain(shape, y), targetGrad: chance(rng, 0.4), longRow: n };
  },
  elements(c) {
    const beta = betaOf(c.options);
    const { values } = perElement(c, (x, y) => {
      const d = x - y;
      const ad = Math.abs(d);
      const v = ad < beta ? (0.5 * d * d) / beta : ad - 0.5 * beta;
      return [v, v];
    });
    return { losses: values, magnitudes: values, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const beta = betaOf(c.options);
    const input = perElement(c, (x, y, i) => [u[i] * h(x - y, beta), 0]).values;
    const target = c.targetGrad ? perElement(c, (x, y, i) => [u[i] * h(y - x, beta), 0]).values : null;
    return { input, inputMagnitudes: input.map(Math.abs), target, targetMagnitudes: target?.map(Math.abs) ?? null };
  },
};
