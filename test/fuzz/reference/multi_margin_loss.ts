/**
 * MultiMarginLoss (PyTorch 1.13) on scores x of shape (N, C) or (C) with
 * class-index targets y of shape (N) or (), p ∈ {1, 2}, margin m (default
 * 1), class weights w (1 without):
 *   z_i = m − x_y + x_i,   ℓ = (1/C)·Σ_{i ≠ y, z_i > 0} w_y·z_i^p
 *   ∂ℓ/∂x_i = (1/C)·w_y·p·z_i^(p−1) for i ≠ y with z_i > 0,  ∂ℓ/∂x_y = −Σ_i of those
 * PyTorch's CPU kernel (LossMultiMargin.cpp) decides z > 0 on its float32
 * z = (m − x_y) + x_i, strictly: a term at exactly z = 0 has no gradient
 * (generated on purpose below). "mean" divides by N (the weights do not
 * change it). PyTorch rejects C = 0, and with N = 0 its "mean" and "sum"
 * read uninitialised memory (1.13 returns garbage: 0.0277, −1.3e20), so an
 * empty batch is drawn with reduction "none" only.
 * Magnitudes: a term's M = |m| + |x_y| + |x_i| (z cancels), times |z| for
 * p = 2; gradients: p = 2 uses 2M for 2z.
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, f32, int, normals, pick, plain, reductionOf, rowShape, SCALES, uniforms } from "../generate";

function layout(c: FuzzCase) {
  const shape = c.input.shape;
  const C = shape[shape.length - 1];
  const N = shape.length === 2 ? shape[0] : 1;
  const w = c.options.weight as { data: number[] } | undefined;
  return {
    C,
    N,
    p: (c.options.p as number | undefined) ?? 1,
    m: f32((c.options.margin as number | undefined) ?? 1),
    weight: (k: number) => (w === undefined ? 1 : w.data[k]),
  };
}

/** Every term i ≠ y_n of sample n: z in float64, whether float32 z > 0, and M. */
function eachTerm(c: FuzzCase, f: (n: number, y: number, i: number, z: number, on: boolean, M: number) => void): void {
  const L = layout(c);
  const x = c.input.data;
  for (let n = 0; n < L.N; n++) {
    const y = c.target.data[n];
    const xy = x[n * L.C + y];
    for (let i = 0; i < L.C; i++) {
      if (i === y) continue;
      const xi = x[n * L.C + i];
      const z32 = f32(f32(L.m - xy) + xi);
      f(n, y, i, L.m - xy + xi, z32 > 0, Math.abs(L.m) + Math.abs(xy) + Math.abs(xi));
    }
  }
}

export const multiMarginLoss: LossReference = {
  name: "MultiMarginLoss",
  generate(rng, size) {
    const shape = rowShape(rng, size, { emptyRows: false });
    const C = shape[shape.length - 1];
    const N = shape.length === 2 ? shape[0] : 1;
    const options: Record<string, unknown> = { reduction: N === 0 ? "none" : reductionOf(rng) };
    if (chance(rng, 0.5)) options.p = 2;
    const scale = pick(rng, SCALES);
    if (chance(rng, 0.6)) options.margin = pick(rng, [0.5, 2, 0, -0.5, f32(scale * rng())]);
    if (chance(rng, 0.4)) options.weight = plain([C], uniforms(rng, C, 0, 3).map((v) => (chance(rng, 0.1) ? 0 : v)));
    const m = f32((options.margin as number | undefined) ?? 1);
    const target = Array.from({ length: N }, () => int(rng, 0, C - 1));
    const x = normals(rng, N * C, scale);
    // Ties: some terms at exactly z = 0 in float32 (x_i = −(m − x_y)).
    const pTie = chance(rng, 0.3) ? 0.2 : 0;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < C; i++) {
        if (i !== target[n] && chance(rng, pTie)) x[n * C + i] = -f32(m - x[n * C + target[n]]);
      }
    }
    return {
      loss: "MultiMarginLoss",
      options,
      input: plain(shape, x),
      target: plain(shape.length === 2 ? [N] : [], target),
      targetGrad: false,
      longRow: Math.max(N, C),
    };
  },
  elements(c) {
    const L = layout(c);
    const losses = new Array<number>(L.N).fill(0);
    const magnitudes = new Array<number>(L.N).fill(0);
    eachTerm(c, (n, y, _i, z, on, M) => {
      if (z <= 0 && !on) return;
      const w = L.weight(y) / L.C;
      losses[n] += z > 0 ? w * z ** L.p : 0;
      magnitudes[n] += w * (L.p === 1 ? M : Math.abs(z) * M);
    });
    return { losses, magnitudes, shape: c.input.shape.length === 2 ? [L.N] : [], denominator: L.N };
  },
  vjp(c, u) {
    const L = layout(c);
    const input = new Array<number>(c.input.data.length).fill(0);
    const mags = new Array<number>(c.input.data.length).fill(0);
    eachTerm(c, (n, y, i, z, on, M) => {
      if (!on) return;
      const w = (u[n] * L.weight(y)) / L.C;
      const g = L.p === 1 ? w : 2 * w * z;
      const mag = Math.abs(L.p === 1 ? w : 2 * w * M);
      input[n * L.C + i] = g;
      input[n * L.C + y] -= g;
      mags[n * L.C + i] = mag;
      mags[n * L.C + y] += mag;
    });
    return { input, inputMagnitudes: mags, target: null, targetMagnitudes: null };
  },
};
