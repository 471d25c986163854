/**
 * GaussianNLLLoss (PyTorch 1.13), called (input x, target y, var), with
 * v = max(var, eps) (eps rounded to float32, as clamp_ on a float32 tensor):
 *   ℓ = ½(log v + (x − y)²/v)  [+ ½·log 2π with `full`]
 *   ∂ℓ/∂x = (x − y)/v = −∂ℓ/∂y,   ∂ℓ/∂var = ½(1/v − (x − y)²/v²)
 * PyTorch clamps a copy of var under no_grad, so autograd ignores the clamp:
 * the var gradient is that formula at v even where var < eps (not 0).
 * var has the input's shape, or the input's shape without its last
 * dimension (unsqueezed), or that with a last dimension of 1; it is
 * broadcast and its gradient summed back. "mean" divides by x's element count.
 * Magnitudes: ½(|log v| + d²/v) for ℓ, ½(1/v + d²/v²) for the var gradient
 * (they cancel where d² ≈ v, in float32 PyTorch too).
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, elementShape, f32, normals, pick, plain, reductionOf, regressionPair, sizeOf, uniforms } from "../generate";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The var shape as broadcast against x (a dropped last dimension restored as 1). */
function varShape(c: FuzzCase): number[] {
  const vs = c.extra![0].shape;
  return vs.length === c.input.shape.length ? vs : [...vs, 1];
}

/** Flat index into var of flat element i of x. */
function varIndex(c: FuzzCase, i: number): number {
  const shape = c.input.shape;
  const last = shape.length === 0 ? 1 : shape[shape.length - 1];
  const vs = varShape(c);
  return vs.length === 0 || vs[vs.length - 1] === last ? i : Math.floor(i / last);
}

function terms(c: FuzzCase, i: number): { d: number; v: number } {
  const eps = (c.options.eps as number | undefined) ?? 1e-6;
  return { d: c.input.data[i] - c.target.data[i], v: Math.max(c.extra![0].data[varIndex(c, i)], eps) };
}

export const gaussianNLLLoss: LossReference = {
  name: "GaussianNLLLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const { x, y } = regressionPair(rng, n);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.3)) options.full = true;
    if (chance(rng, 0.3)) options.eps = pick(rng, [1e-2, 1e-3, 1e-8]);
    const kind = shape.length === 0 ? "same" : pick(rng, ["same", "same", "dropLast", "lastOne"]);
    const vShape = kind === "same" ? shape : kind === "dropLast" ? shape.slice(0, -1) : [...shape.slice(0, -1), 1];
    const m = sizeOf(vShape);
    // Positive variances at a scale of their own; some below eps, a few exact zeros.
    const vScale = pick(rng, [1e-3, 0.1, 1, 10, 1e3]);
    const v = uniforms(rng, m, 0, 1).map((u) =>
      chance(rng, 0.05) ? pick(rng, [0, f32(1e-9), f32(1e-4)]) : f32(vScale * (0.05 + u) * (chance(rng, 0.5) ? 1 : Math.abs(normals(rng, 1, 1)[0]) + 0.01)),
    );
    return {
      loss: "GaussianNLLLoss",
      options,
      input: plain(shape, x),
      target: plain(shape, y),
      targetGrad: chance(rng, 0.4),
      extra: [plain(vShape, v)],
      extraGrad: [chance(rng, 0.6)],
      longRow: n,
    };
  },
  elements(c) {
    const full = c.options.full === true;
    const losses: number[] = [];
    const magnitudes: number[] = [];
    for (let i = 0; i < c.input.data.length; i++) {
      const { d, v } = terms(c, i);
      const lv = Math.log(v);
      losses.push(0.5 * (lv + (d * d) / v) + (full ? HALF_LOG_2PI : 0));
      magnitudes.push(0.5 * (Math.abs(lv) + (d * d) / v) + (full ? HALF_LOG_2PI : 0));
    }
    return { losses, magnitudes, shape: c.input.shape, denominator: losses.length };
  },
  vjp(c, u) {
    const n = c.input.data.length;
    const input: number[] = [];
    const varGrad = new Array<number>(c.extra![0].data.length).fill(0);
    const varMag = new Array<number>(c.extra![0].data.length).fill(0);
    for (let i = 0; i < n; i++) {
      const { d, v } = terms(c, i);
      input.push((u[i] * d) / v);
      const k = varIndex(c, i);
      varGrad[k] += 0.5 * u[i] * (1 / v - (d * d) / (v * v));
      varMag[k] += 0.5 * Math.abs(u[i]) * (1 / v + (d * d) / (v * v));
    }
    const mags = input.map(Math.abs);
    const wantVar = c.extraGrad?.[0] ?? false;
    return {
      input,
      inputMagnitudes: mags,
      target: c.targetGrad ? input.map((g) => -g) : null,
      targetMagnitudes: mags,
      extra: [wantVar ? varGrad : null],
      extraMagnitudes: [wantVar ? varMag : null],
    };
  },
};
