/**
 * MultiLabelSoftMarginLoss (PyTorch 1.13, composed in functional.py) on
 * logits x of shape (N, C), (C) or (N, d1, C) (classes last; N·d1 rows),
 * 0/1 or soft targets y of the same shape,
 * class weights w (C; 1 without), with log σ(x) = min(x, 0) − log1p(e^−|x|):
 *   ℓ_n = −(1/C)·Σ_c w_c·(y_c·log σ(x_c) + (1 − y_c)·log σ(−x_c))
 *   ∂ℓ/∂x_c = (1/C)·w_c·(σ(x_c) − y_c),   ∂ℓ/∂y_c = −(1/C)·w_c·(log σ(x_c) − log σ(−x_c))
 * (autograd through the composition: the target gradient is −w·x/C exactly,
 * computed as a difference of two logs). "mean" divides by N (NaN for N = 0);
 * C = 0 gives 0/0 = NaN per sample, as PyTorch.
 * Magnitudes: the two terms separately (|y·log σ(x)| + |(1 − y)·log σ(−x)|,
 * y·σ(−x) + |1 − y|·σ(x), |log σ(x)| + |log σ(−x)|), times w/C.
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, normals, pick, plain, reductionOf, rowShape, SCALES, uniforms } from "../generate";
import { sigmoid, softplus } from "./soft_margin_loss";
import { scaled } from "./reduction";

/** log σ(x) = −softplus(−x). */
const logSigmoid = (x: number) => -softplus(-x);

function layout(c: FuzzCase) {
  const shape = c.input.shape;
  const w = c.options.weight as { data: number[] } | undefined;
  return {
    C: shape[shape.length - 1],
    N: shape.slice(0, -1).reduce((a, b) => a * b, 1),
    weight: (k: number) => (w === undefined ? 1 : w.data[k]),
  };
}

export const multiLabelSoftMarginLoss: LossReference = {
  name: "MultiLabelSoftMarginLoss",
  generate(rng, size) {
    const rows = rowShape(rng, size);
    const C = rows[rows.length - 1];
    // Sometimes (N, d1, C): PyTorch reduces over every dim but the last.
    const shape = rows.length === 2 && chance(rng, 0.25) ? [rows[0], pick(rng, [1, 2, 3]), C] : rows;
    const n = shape.reduce((a, b) => a * b, 1);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.4)) options.weight = plain([C], uniforms(rng, C, 0, 3).map((v) => (chance(rng, 0.1) ? 0 : v)));
    const soft = chance(rng, 0.3);
    return {
      loss: "MultiLabelSoftMarginLoss",
      options,
      input: plain(shape, normals(rng, n, pick(rng, SCALES))),
      target: plain(shape, soft ? uniforms(rng, n, 0, 1) : uniforms(rng, n, 0, 1).map((v) => (v < 0.5 ? 0 : 1))),
      targetGrad: chance(rng, 0.4),
      longRow: Math.max(C, n / Math.max(C, 1)),
    };
  },
  elements(c) {
    const { C, N, weight } = layout(c);
    const x = c.input.data;
    const y = c.target.data;
    const losses: number[] = [];
    const magnitudes: number[] = [];
    for (let n = 0; n < N; n++) {
      let v = 0;
      let m = 0;
      for (let k = 0; k < C; k++) {
        const i = n * C + k;
        const a = y[i] * logSigmoid(x[i]);
        const b = (1 - y[i]) * logSigmoid(-x[i]);
        v -= weight(k) * (a + b);
        m += Math.abs(weight(k)) * (Math.abs(a) + Math.abs(b));
      }
      losses.push(v / C);
      magnitudes.push(m / C);
    }
    return { losses, magnitudes, shape: c.input.shape.slice(0, -1), denominator: N };
  },
  vjp(c, u) {
    const { C, weight } = layout(c);
    const x = c.input.data;
    const y = c.target.data;
    const input: number[] = [];
    const inputMagnitudes: number[] = [];
    const target: number[] = [];
    const targetMagnitudes: number[] = [];
    x.forEach((xi, i) => {
      const n = Math.floor(i / C);
      const w = weight(i % C) / C;
      // σ(x) − y as its two terms: for y = 1 and x = 40, 1 − 1 = 0 in float64 but σ(−40) ≈ 4e-18 in PyTorch.
      input.push(scaled(u[n], w * ((1 - y[i]) * sigmoid(xi) - y[i] * sigmoid(-xi))));
      inputMagnitudes.push(Math.abs(u[n] * w) * (Math.abs(y[i]) * sigmoid(-xi) + Math.abs(1 - y[i]) * sigmoid(xi)));
      target.push(scaled(u[n], -w * (logSigmoid(xi) - logSigmoid(-xi))));
      targetMagnitudes.push(Math.abs(u[n] * w) * (Math.abs(logSigmoid(xi)) + Math.abs(logSigmoid(-xi))));
    });
    return {
      input,
      inputMagnitudes,
      target: c.targetGrad ? target : null,
      targetMagnitudes: c.targetGrad ? targetMagnitudes : null,
    };
  },
};
