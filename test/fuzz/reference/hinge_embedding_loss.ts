/**
 * HingeEmbeddingLoss (PyTorch 1.13), margin m (default 1), labels y:
 *   ℓ = [y ≠ 1]·max(0, m − x) + [y ≠ −1]·x      (PyTorch's two where()s: a
 *   label that is neither ±1 counts both terms)
 *   ∂ℓ/∂x = [y ≠ −1] − [y ≠ 1]·[m − x ≥ 0]       (clamp_min passes at 0)
 * m is a float32 value here, as PyTorch's scalar reaches the float32
 * subtraction; m − x's sign is then exact in float32 too. The labels have no
 * gradient (they only select). "mean" divides by the element count.
 * Magnitudes: |m| + |x| for the hinge (m − x cancels near the margin).
 */
import type { LossReference } from "./types";
import { perElement } from "./elementwise";
import { chance, elementShape, f32, normals, pick, plain, reductionOf, SCALES, signs, sizeOf } from "../generate";

const marginOf = (o: Record<string, unknown>) => (o.margin as number | undefined) ?? 1;

export const hingeEmbeddingLoss: LossReference = {
  name: "HingeEmbeddingLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    const scale = pick(rng, SCALES);
    if (chance(rng, 0.6)) options.margin = pick(rng, [0, 0.5, 2, -1, f32(scale * rng())]);
    const m = marginOf(options);
    // Distances (|N(0, s²)|) or any values; some exactly at the margin.
    const abs = chance(rng, 0.6);
    const x = normals(rng, n, scale).map((v) => (chance(rng, 0.03) ? f32(m) : abs ? Math.abs(v) : v));
    // ±1 labels, rarely a 0 (PyTorch's formula then counts both terms).
    const y = signs(rng, n).map((v) => (chance(rng, 0.02) ? 0 : v));
    return { loss: "HingeEmbeddingLoss", options, input: plain(shape, x), target: plain(shape, y), targetGrad: false, longRow: n };
  },
  elements(c) {
    const m = f32(marginOf(c.options));
    const { values, magnitudes } = perElement(c, (x, y) => {
      const hinge = y !== 1 ? Math.max(0, m - x) : 0;
      const lin = y !== -1 ? x : 0;
      return [hinge + lin, (y !== 1 ? Math.abs(m) + Math.abs(x) : 0) + Math.abs(lin)];
    });
    return { losses: values, magnitudes, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const m = f32(marginOf(c.options));
    const { values } = perElement(c, (x, y, i) => [u[i] * ((y !== -1 ? 1 : 0) - (y !== 1 && m - x >= 0 ? 1 : 0)), 0]);
    return { input: values, inputMagnitudes: values.map(Math.abs), target: null, targetMagnitudes: null };
  },
};
