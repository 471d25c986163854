/**
 * MultiLabelMarginLoss (PyTorch 1.13) on scores x of shape (N, C) or (C)
 * with targets of the same shape: each row lists the sample's classes J and
 * ends at the first −1 (whatever follows is ignored; a row with no −1 uses
 * all C entries). A class listed twice counts twice in the outer sum but is
 * one class in the inner exclusion, as PyTorch's CPU kernel
 * (LossMultiLabelMargin.cpp: is_target marks, then a loop over the list):
 *   z_{j,i} = 1 − x_j + x_i,   ℓ = (1/C)·Σ_{j in the list} Σ_{i ∉ J, z > 0} z_{j,i}
 *   ∂ℓ/∂x_i += 1/C and ∂ℓ/∂x_j −= 1/C for each such (j, i)
 * z > 0 is decided on PyTorch's float32 z = (1 − x_j) + x_i, strictly (ties
 * at z = 0 are generated). "mean" divides by N. PyTorch rejects C = 0, and
 * with N = 0 its "mean" and "sum" read uninitialised memory (1.13: 0.0002,
 * −9.3e19), so an empty batch is drawn with reduction "none" only.
 * Magnitudes: 1 + |x_j| + |x_i| per term (z cancels); the gradients are
 * counts of ±1/C with no cancellation.
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, f32, int, normals, pick, plain, reductionOf, rowShape, SCALES } from "../generate";

function layout(c: FuzzCase) {
  const shape = c.input.shape;
  return { C: shape[shape.length - 1], N: shape.length === 2 ? shape[0] : 1 };
}

/** Every counted pair (j listed, i not a target) of sample n: z in float64, whether float32 z > 0, and the magnitude. */
function eachPair(c: FuzzCase, f: (n: number, j: number, i: number, z: number, on: boolean, M: number) => void): void {
  const { C, N } = layout(c);
  const x = c.input.data;
  const t = c.target.data;
  for (let n = 0; n < N; n++) {
    const list: number[] = [];
    for (let k = 0; k < C && t[n * C + k] >= 0; k++) list.push(t[n * C + k]);
    const isTarget = new Set(list);
    for (const j of list) {
      const xj = x[n * C + j];
      for (let i = 0; i < C; i++) {
        if (isTarget.has(i)) continue;
        const xi = x[n * C + i];
        f(n, j, i, 1 - xj + xi, f32(f32(1 - xj) + xi) > 0, 1 + Math.abs(xj) + Math.abs(xi));
      }
    }
  }
}

export const multiLabelMarginLoss: LossReference = {
  name: "MultiLabelMarginLoss",
  generate(rng, size) {
    // Long: many short rows (the library's composition takes N·C² memory).
    const shape = rowShape(rng, size, { emptyRows: false, longBatch: true });
    const { C, N } = { C: shape[shape.length - 1], N: shape.length === 2 ? shape[0] : 1 };
    const scale = pick(rng, [0.1, 0.3, 1, 3, 30]);
    const x = normals(rng, N * C, scale);
    const target: number[] = [];
    for (let n = 0; n < N; n++) {
      // k listed classes (0: an empty list; C: no −1 at all), a few repeated, then −1 and junk.
      const k = pick(rng, [0, C, int(rng, 0, C), int(rng, 1, Math.min(C, 4))]);
      const row = Array.from({ length: C }, () => int(rng, -1, C - 1));
      for (let q = 0; q < k; q++) row[q] = q > 0 && chance(rng, 0.1) ? row[q - 1] : int(rng, 0, C - 1);
      if (k < C) row[k] = -1;
      target.push(...row);
      // Ties: some non-target scores at exactly z = 0 in float32 (x_i = −(1 − x_j)).
      if (k > 0 && chance(rng, 0.3)) {
        const i = int(rng, 0, C - 1);
        x[n * C + i] = -f32(1 - x[n * C + row[0]]);
      }
    }
    return {
      loss: "MultiLabelMarginLoss",
      options: { reduction: N === 0 ? "none" : reductionOf(rng) },
      input: plain(shape, x),
      target: plain(shape, target),
      targetGrad: false,
      longRow: Math.max(N, C),
    };
  },
  elements(c) {
    const { C, N } = layout(c);
    const losses = new Array<number>(N).fill(0);
    const magnitudes = new Array<number>(N).fill(0);
    eachPair(c, (n, _j, _i, z, on, M) => {
      if (z > 0) losses[n] += z / C;
      if (z > 0 || on) magnitudes[n] += M / C;
    });
    return { losses, magnitudes, shape: c.input.shape.length === 2 ? [N] : [], denominator: N };
  },
  vjp(c, u) {
    const { C } = layout(c);
    const input = new Array<number>(c.input.data.length).fill(0);
    const mags = new Array<number>(c.input.data.length).fill(0);
    eachPair(c, (n, j, i, _z, on) => {
      if (!on) return;
      const g = u[n] / C;
      input[n * C + i] += g;
      input[n * C + j] -= g;
      mags[n * C + i] += Math.abs(g);
      mags[n * C + j] += Math.abs(g);
    });
    return { input, inputMagnitudes: mags, target: null, targetMagnitudes: null };
  },
};
