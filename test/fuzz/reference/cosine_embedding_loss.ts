/**
 * CosineEmbeddingLoss (PyTorch 1.13, aten/src/ATen/native/Loss.cpp),
 * called (x1, x2, y): rows of shape (N, D) with labels (N), or (D) with a
 * label (); margin m (default 0), EPSILON = 1e-12 inside each squared norm:
 *   P = Σ x1·x2,  A = Σ x1² + 1e-12,  B = Σ x2² + 1e-12,  cos = P/√(A·B)
 *   ℓ = 1 − cos where y = 1,  max(0, cos − m) where y = −1,  0 for any other label
 *   ∂cos/∂x1 = x2/√(AB) − cos·x1/A,  ∂cos/∂x2 = x1/√(AB) − cos·x2/B
 * clamp_min passes the gradient at cos − m = 0 exactly (checked with torch
 * 1.13: an orthogonal pair or a zero row with m = 0 has gradient x2/√(AB)),
 * so such ties are drawn. A zero row has cos = 0 (the epsilon keeps it
 * finite: its gradient is x2/√(1e-12·B), ~1e6). D = 0 gives cos = 0.
 * "mean" divides by N (NaN for N = 0). The labels take no gradient.
 * Magnitudes: P cancels, so cos is measured by Σ|x1·x2|/√(AB) (c̄):
 * 1 + c̄ or c̄ + |m| for ℓ, |x2|/√(AB) + c̄·|x1|/A for the gradient.
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, f32, normals, pick, plain, rowShape, reductionOf, SCALES, signs } from "../generate";

const EPSILON = 1e-12;

interface Row {
  cos: number;
  cosMag: number;
  root: number;
  A: number;
  B: number;
}

function rows(c: FuzzCase): { D: number; N: number; rows: Row[] } {
  const shape = c.input.shape;
  const D = shape[shape.length - 1];
  const N = shape.length === 2 ? shape[0] : 1;
  const x1 = c.input.data;
  const x2 = c.target.data;
  const out: Row[] = [];
  for (let n = 0; n < N; n++) {
    let P = 0;
    let Pm = 0;
    let A = EPSILON;
    let B = EPSILON;
    for (let k = n * D; k < (n + 1) * D; k++) {
      P += x1[k] * x2[k];
      Pm += Math.abs(x1[k] * x2[k]);
      A += x1[k] * x1[k];
      B += x2[k] * x2[k];
    }
    const root = Math.sqrt(A * B);
    out.push({ cos: P / root, cosMag: Pm / root, root, A, B });
  }
  return { D, N, rows: out };
}

const marginOf = (c: FuzzCase) => (c.options.margin as number | undefined) ?? 0;

export const cosineEmbeddingLoss: LossReference = {
  name: "CosineEmbeddingLoss",
  generate(rng, size) {
    const shape = rowShape(rng, size);
    const D = shape[shape.length - 1];
    const N = shape.length === 2 ? shape[0] : 1;
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.6)) options.margin = pick(rng, [0.2, 0.5, -0.5, 1, -1, f32(2 * rng() - 1)]);
    const scale = pick(rng, [1e-6, ...SCALES]);
    const x1 = normals(rng, N * D, scale);
    const x2 = normals(rng, N * D, scale);
    const special = chance(rng, 0.4);
    for (let n = 0; special && n < N; n++) {
      const row = (xs: number[], f: (k: number) => number) => {
        for (let k = 0; k < D; k++) xs[n * D + k] = f(k);
      };
      switch (pick(rng, ["zero1", "zero2", "orthogonal", "parallel", "opposite", "plain"])) {
        case "zero1":
          row(x1, () => 0);
          break;
        case "zero2":
          row(x2, () => 0);
          break;
        case "orthogonal": // disjoint supports: P = 0 exactly, a tie at cos − m = 0 when m = 0
          row(x2, (k) => (x1[n * D + k] !== 0 && k % 2 === 0 ? 0 : x2[n * D + k]));
          row(x1, (k) => (x2[n * D + k] !== 0 ? 0 : x1[n * D + k]));
          break;
        case "parallel": // cos = 1: 1 − cos cancels
          row(x2, (k) => f32(2 * x1[n * D + k]));
          break;
        case "opposite":
          row(x2, (k) => -x1[n * D + k]);
          break;
      }
    }
    const labels = signs(rng, N).map((s) => (chance(rng, 0.03) ? 0 : s));
    return {
      loss: "CosineEmbeddingLoss",
      options,
      input: plain(shape, x1),
      target: plain(shape, x2),
      targetGrad: chance(rng, 0.7),
      extra: [plain(shape.length === 2 ? [N] : [], labels)],
      extraGrad: [false],
      longRow: Math.max(N, D),
    };
  },
  elements(c) {
    const { N, rows: rs } = rows(c);
    const m = marginOf(c);
    const y = c.extra![0].data;
    const losses: number[] = [];
    const magnitudes: number[] = [];
    rs.forEach((r, n) => {
      if (y[n] === 1) {
        losses.push(1 - r.cos);
        magnitudes.push(1 + r.cosMag);
      } else if (y[n] === -1) {
        losses.push(Math.max(0, r.cos - m));
        magnitudes.push(r.cosMag + Math.abs(m));
      } else {
        losses.push(0);
        magnitudes.push(0);
      }
    });
    return { losses, magnitudes, shape: c.input.shape.length === 2 ? [N] : [], denominator: N };
  },
  vjp(c, u) {
    const { D, rows: rs } = rows(c);
    const m = marginOf(c);
    const x1 = c.input.data;
    const x2 = c.target.data;
    const y = c.extra![0].data;
    const g1 = new Array<number>(x1.length).fill(0);
    const g2 = new Array<number>(x1.length).fill(0);
    const m1 = new Array<number>(x1.length).fill(0);
    const m2 = new Array<number>(x1.length).fill(0);
    rs.forEach((r, n) => {
      // dℓ/dcos: −1 (y = 1), 1 where cos − m ≥ 0 (y = −1), else 0.
      const s = y[n] === 1 ? -1 : y[n] === -1 && r.cos - m >= 0 ? 1 : 0;
      if (s === 0) return;
      const us = u[n] * s;
      for (let k = n * D; k < (n + 1) * D; k++) {
        g1[k] = us * (x2[k] / r.root - (r.cos * x1[k]) / r.A);
        g2[k] = us * (x1[k] / r.root - (r.cos * x2[k]) / r.B);
        m1[k] = Math.abs(u[n]) * (Math.abs(x2[k]) / r.root + (r.cosMag * Math.abs(x1[k])) / r.A);
        m2[k] = Math.abs(u[n]) * (Math.abs(x1[k]) / r.root + (r.cosMag * Math.abs(x2[k])) / r.B);
      }
    });
    return {
      input: g1,
      inputMagnitudes: m1,
      target: c.targetGrad ? g2 : null,
      targetMagnitudes: c.targetGrad ? m2 : null,
      extra: [null],
      extraMagnitudes: [null],
    };
  },
};
