/**
 * NLLLoss (PyTorch 1.13) on log-probabilities x of shape (C), (N, C) or
 * (N, C, d1, …, dk), one sample per (n, d…) position, class-index targets t
 * (the sample shape), class weights w (1 without):
 *   ℓ_s = −w_t · x_{s,t},  0 where t = ignoreIndex (default −100)
 *   ∂ℓ_s/∂x_{s,c} = −w_t·[c = t]  (ignored samples: 0)
 * "mean" divides by Σ w_t over the non-ignored samples: 0/0 = NaN when every
 * sample is ignored, with zero gradients (PyTorch writes none), and NaN
 * gradients where the non-ignored weights are all 0 (w_t·(−1/0)).
 * No cancellation: the magnitudes are the values.
 */
import type { FuzzCase, LossReference } from "./types";
import { classShape } from "./cross_entropy_loss";
import { chance, int, logInt, normals, pick, plain, SCALES, sizeOf, uniforms, f32 } from "../generate";

function layout(c: FuzzCase) {
  const shape = c.input.shape;
  const classes = shape.length === 1 ? shape[0] : shape[1];
  const inner = sizeOf(shape.slice(2));
  const at = (s: number, k: number) => (Math.floor(s / inner) * classes + k) * inner + (s % inner);
  const w = c.options.weight as { data: number[] } | undefined;
  const weights = w === undefined ? new Array<number>(classes).fill(1) : w.data;
  const ignore = (c.options.ignoreIndex as number | undefined) ?? -100;
  return { classes, at, weights, ignore, sampleShape: shape.length === 1 ? [] : [shape[0], ...shape.slice(2)] };
}

export const nllLoss: LossReference = {
  name: "NLLLoss",
  generate(rng, size) {
    // Long: many samples (the "mean" sums over them), few classes.
    const shape =
      size !== "long"
        ? classShape(rng, size)
        : chance(rng, 0.5)
          ? [logInt(rng, 1e4, 1e5), int(rng, 1, 4)]
          : [int(rng, 1, 3), int(rng, 1, 3), logInt(rng, 1e4, 5e4)];
    const classes = shape.length === 1 ? shape[0] : shape[1];
    const sampleShape = shape.length === 1 ? [] : [shape[0], ...shape.slice(2)];
    const samples = sizeOf(sampleShape);
    const options: Record<string, unknown> = { reduction: pick(rng, ["none", "mean", "sum"]) };
    if (chance(rng, 0.4)) {
      options.weight = plain([classes], uniforms(rng, classes, 0, 3).map((v) => (chance(rng, 0.1) ? 0 : v)));
    }
    const ignore = chance(rng, 0.3) && classes > 0 ? int(rng, 0, classes - 1) : chance(rng, 0.2) ? pick(rng, [-1, 255]) : -100;
    if (ignore !== -100) options.ignoreIndex = ignore;
    const pIgnored = chance(rng, 0.3) ? rng() : 0;
    const target = Array.from({ length: samples }, () => (classes === 0 || chance(rng, pIgnored) ? ignore : int(rng, 0, classes - 1)));
    // Log-probabilities (≤ 0) or any values at a random scale.
    const scale = pick(rng, SCALES);
    const x = normals(rng, sizeOf(shape), scale).map((v) => (chance(rng, 0.5) ? f32(-Math.abs(v)) : v));
    return {
      loss: "NLLLoss",
      options,
      input: plain(shape, x),
      target: plain(sampleShape, target),
      targetGrad: false,
      longRow: samples,
    };
  },
  elements(c) {
    const L = layout(c);
    const t = c.target.data;
    const x = c.input.data;
    const losses: number[] = [];
    let denominator = 0;
    for (let s = 0; s < t.length; s++) {
      if (t[s] === L.ignore) {
        losses.push(0);
        continue;
      }
      denominator += L.weights[t[s]];
      losses.push(-L.weights[t[s]] * x[L.at(s, t[s])]);
    }
    return { losses, magnitudes: losses.map(Math.abs), shape: L.sampleShape, denominator };
  },
  vjp(c, u) {
    const L = layout(c);
    const t = c.target.data;
    const input = new Array<number>(c.input.data.length).fill(0);
    for (let s = 0; s < t.length; s++) {
      if (t[s] === L.ignore) continue;
      input[L.at(s, t[s])] = u[s] * -L.weights[t[s]];
    }
    return { input, inputMagnitudes: input.map(Math.abs), target: null, targetMagnitudes: null };
  },
};
