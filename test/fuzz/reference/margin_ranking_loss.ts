/**
 * MarginRankingLoss (PyTorch 1.13), called (x1, x2, y) with labels y = ±1,
 * margin m (default 0):
 *   z = −y·(x1 − x2) + m,   ℓ = max(0, z)
 *   ∂ℓ/∂x1 = −y·[z ≥ 0] = −∂ℓ/∂x2   (clamp_min passes at 0); no label gradient
 * Here input = x1, target = x2 (with a gradient when it requires grad),
 * extra[0] = y. The value is float64; which side of 0 z falls on is decided
 * by PyTorch's float32 evaluation (x1 − x2 rounded, then + m), as it is
 * there: where the exact z is within an ulp of 0 the two can disagree, and
 * the gradient is a step. "mean" divides by the element count.
 * Magnitudes: |x1 − x2| + |m| (the margin cancels the difference near z = 0).
 */
import type { LossReference } from "./types";
import { chance, elementShape, f32, normals, pick, plain, reductionOf, SCALES, signs, sizeOf } from "../generate";

const marginOf = (o: Record<string, unknown>) => f32((o.margin as number | undefined) ?? 0);

function each(
  c: Parameters<LossReference["elements"]>[0],
  f: (z: number, z32: number, d: number, y: number, i: number) => [number, number],
): { values: number[]; magnitudes: number[] } {
  const m = marginOf(c.options);
  const x1 = c.input.data;
  const x2 = c.target.data;
  const y = c.extra![0].data;
  const values: number[] = [];
  const magnitudes: number[] = [];
  for (let i = 0; i < x1.length; i++) {
    const d = x1[i] - x2[i];
    const z32 = f32(f32(-y[i] * f32(d)) + m);
    const [v, mag] = f(-y[i] * d + m, z32, d, y[i], i);
    values.push(v);
    magnitudes.push(mag);
  }
  return { values, magnitudes };
}

export const marginRankingLoss: LossReference = {
  name: "MarginRankingLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const scale = pick(rng, SCALES);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.6)) options.margin = pick(rng, [0.5, 1, -0.5, f32(scale * rng())]);
    const x1 = normals(rng, n, scale);
    // x2 independent, or close to x1; some exactly z = 0 (x2 = x1 with margin 0).
    const x2 = chance(rng, 0.5) ? normals(rng, n, scale) : x1.map((v, i) => (i % 5 === 2 ? v : f32(v + scale * 0.1 * (rng() - 0.5))));
    return {
      loss: "MarginRankingLoss",
      options,
      input: plain(shape, x1),
      target: plain(shape, x2),
      targetGrad: chance(rng, 0.7),
      extra: [plain(shape, signs(rng, n))],
      extraGrad: [false],
      longRow: n,
    };
  },
  elements(c) {
    const m = marginOf(c.options);
    const { values, magnitudes } = each(c, (z, _z32, d) => [Math.max(0, z), Math.abs(d) + Math.abs(m)]);
    return { losses: values, magnitudes, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const { values } = each(c, (_z, z32, _d, y, i) => [z32 >= 0 ? -y * u[i] : 0, 0]);
    const mags = values.map(Math.abs);
    return {
      input: values,
      inputMagnitudes: mags,
      target: c.targetGrad ? values.map((g) => -g) : null,
      targetMagnitudes: mags,
      extra: [null],
      extraMagnitudes: [null],
    };
  },
};
