/**
 * CrossEntropyLoss (PyTorch 1.13) on logits (C), (N, C) or (N, C, d1, …, dk),
 * one sample per (n, d…) position, class c at (n, c, d…). With
 * log p_c = x_c − logsumexp(x), ε = labelSmoothing, w the class weights
 * (1 without), W = Σ_c w_c:
 * class-index targets t (ignored when t = ignoreIndex: ℓ = 0, no gradient):
 *   ℓ = (1 − ε) w_t (−log p_t) + (ε/C) Σ_c w_c (−log p_c)   (second term only for ε > 0)
 *   ∂ℓ/∂x_c = (1 − ε) w_t (p_c − [c = t]) + (ε/C)(W p_c − w_c)
 *   "mean" divides by Σ w_t over the non-ignored samples.
 * probability targets y (the input's shape), q_c = (1 − ε) y_c + ε/C:
 *   ℓ = −Σ_c w_c q_c log p_c;  ∂ℓ/∂x_c = p_c Σ_j w_j q_j − w_c q_c;  ∂ℓ/∂y_c = −(1 − ε) w_c log p_c
 *   "mean" divides by N·d1…dk (NaN for an empty input).
 * Magnitudes add 0.05·w per log-sum-exp: a float32 log Σ exp is accurate to
 * a few ulps of 1 (≈ 5e-7 at rtol 1e-5) absolute, not relative: a confident
 * sample's loss of 1e-9 is 0 in float32, in PyTorch too, where the terms
 * below half an ulp of the maximum's 1 are lost from the sum.
 */
import type { FuzzCase, LossReference, SizeClass } from "./types";
import type { Rng } from "../../helpers/prng";
import { chance, int, logInt, normals, pick, plain, SCALES, sizeOf, uniforms, f32 } from "../generate";

const LSE_FLOOR = 0.05;

interface Layout {
  n: number;
  classes: number;
  inner: number;
  prob: boolean;
  /** Index of class c of sample s = (b, j). */
  at(s: number, c: number): number;
  sampleShape: number[];
}

function layout(c: FuzzCase): Layout {
  const shape = c.input.shape;
  const classes = shape.length === 1 ? shape[0] : shape[1];
  const n = shape.length === 1 ? 1 : shape[0];
  const inner = sizeOf(shape.slice(2));
  const prob = c.target.shape.length === shape.length && c.target.shape.every((d, i) => d === shape[i]);
  const at = (s: number, k: number) => (Math.floor(s / inner) * classes + k) * inner + (s % inner);
  return { n, classes, inner, prob, at, sampleShape: shape.length === 1 ? [] : [n, ...shape.slice(2)] };
}

function weights(c: FuzzCase, classes: number): number[] {
  const w = c.options.weight as { data: number[] } | undefined;
  return w === undefined ? new Array<number>(classes).fill(1) : w.data;
}

/** The log-probabilities of sample s, and p. */
function logProbs(c: FuzzCase, L: Layout, s: number): { logp: number[]; p: number[]; shift: number[]; lnS: number } {
  const x = c.input.data;
  let m = -Infinity;
  for (let k = 0; k < L.classes; k++) m = Math.max(m, x[L.at(s, k)]);
  const shift = Array.from({ length: L.classes }, (_, k) => m - x[L.at(s, k)]);
  const lnS = Math.log(shift.reduce((a, d) => a + Math.exp(-d), 0));
  const logp = shift.map((d) => -d - lnS);
  return { logp, p: logp.map(Math.exp), shift, lnS };
}

/** An input shape (C), (N, C) or (N, C, d…) of a class-index loss (CrossEntropyLoss, NLLLoss). */
export function classShape(rng: Rng, size: SizeClass): number[] {
  let shape: number[];
  switch (size) {
    case "empty":
      shape = chance(rng, 0.5) ? [0, int(rng, 1, 5)] : [int(rng, 1, 4), 0, ...(chance(rng, 0.5) ? [int(rng, 1, 3)] : [])];
      break;
    case "tiny":
      shape = chance(rng, 0.4) ? [int(rng, 1, 9)] : [int(rng, 1, 4), chance(rng, 0.3) ? 1 : int(rng, 1, 9)];
      break;
    case "small":
      shape = [int(rng, 1, 16), int(rng, 1, 40)];
      break;
    case "medium":
      shape = [int(rng, 1, 64), int(rng, 40, 1000)];
      break;
    case "long":
      shape = chance(rng, 0.3) ? [logInt(rng, 1e4, 1e5)] : [int(rng, 1, 3), logInt(rng, 1e4, 1e5)];
      break;
    case "kdim":
      shape = [int(rng, 1, 4), int(rng, 1, 24), ...Array.from({ length: int(rng, 1, 3) }, () => int(rng, 1, 9))];
      break;
  }
  return shape;
}

export const crossEntropyLoss: LossReference = {
  name: "CrossEntropyLoss",
  generate(rng, size) {
    const shape = classShape(rng, size);
    const classes = shape.length === 1 ? shape[0] : shape[1];
    const n = shape.length === 1 ? 1 : shape[0];
    const sampleShape = shape.length === 1 ? [] : [n, ...shape.slice(2)];
    const samples = sizeOf(sampleShape);
    const options: Record<string, unknown> = { reduction: pick(rng, ["none", "mean", "sum"]) };
    if (chance(rng, 0.4)) {
      // Positive weights, some classes 0.
      options.weight = plain([classes], uniforms(rng, classes, 0, 3).map((v) => (chance(rng, 0.1) ? 0 : v)));
    }
    if (chance(rng, 0.4)) options.labelSmoothing = chance(rng, 0.15) ? pick(rng, [1, f32(1e-6)]) : f32(rng());
    const prob = classes > 0 && chance(rng, 0.35);
    let target: number[];
    if (prob) {
      // Distributions (softmax of random logits, or one-hot), or any non-negative values.
      target = [];
      const kind = pick(rng, ["softmax", "onehot", "any"]);
      const t = new Array<number>(sizeOf(shape));
      const inner = sizeOf(shape.slice(2));
      for (let s = 0; s < samples; s++) {
        const z = normals(rng, classes, pick(rng, [0.1, 1, 5]));
        const e = z.map(Math.exp);
        const total = e.reduce((a, b) => a + b, 0);
        const hot = int(rng, 0, classes - 1);
        for (let k = 0; k < classes; k++) {
          const v = kind === "softmax" ? e[k] / total : kind === "onehot" ? +(k === hot) : 2 * rng();
          t[(Math.floor(s / inner) * classes + k) * inner + (s % inner)] = f32(v);
        }
      }
      target = t;
      if (chance(rng, 0.3)) options.ignoreIndex = -int(rng, 1, 200); // negative: allowed with probabilities
    } else {
      const ignore = chance(rng, 0.3) && classes > 0 ? int(rng, 0, classes - 1) : chance(rng, 0.2) ? -1 : -100;
      if (ignore !== -100) options.ignoreIndex = ignore;
      const pIgnored = chance(rng, 0.3) ? rng() : 0;
      target = Array.from({ length: samples }, () =>
        classes === 0 || chance(rng, pIgnored) ? ignore : int(rng, 0, classes - 1),
      );
    }
    const scale = pick(rng, SCALES);
    return {
      loss: "CrossEntropyLoss",
      options,
      input: plain(shape, normals(rng, sizeOf(shape), scale)),
      target: plain(prob ? shape : sampleShape, target),
      targetGrad: prob && chance(rng, 0.3),
      longRow: classes,
    };
  },

  elements(c) {
    const L = layout(c);
    const w = weights(c, L.classes);
    const eps = (c.options.labelSmoothing as number | undefined) ?? 0;
    const ignore = (c.options.ignoreIndex as number | undefined) ?? -100;
    const t = c.target.data;
    const samples = sizeOf(L.sampleShape);
    const losses: number[] = [];
    const magnitudes: number[] = [];
    let denominator = 0;
    for (let s = 0; s < samples; s++) {
      if (!L.prob && t[s] === ignore) {
        losses.push(0);
        magnitudes.push(0);
        continue;
      }
      const { logp } = logProbs(c, L, s);
      let loss = 0;
      let mag = 0;
      if (L.prob) {
        for (let k = 0; k < L.classes; k++) {
          const wq = w[k] * ((1 - eps) * t[L.at(s, k)] + eps / L.classes);
          loss -= wq * logp[k];
          mag += Math.abs(wq) * (-logp[k] + LSE_FLOOR);
        }
      } else {
        const tc = t[s];
        denominator += w[tc];
        loss = (1 - eps) * w[tc] * -logp[tc];
        mag = (1 - eps) * Math.abs(w[tc]) * (-logp[tc] + LSE_FLOOR);
        if (eps > 0) {
          for (let k = 0; k < L.classes; k++) {
            loss += (eps / L.classes) * w[k] * -logp[k];
            mag += (eps / L.classes) * Math.abs(w[k]) * (-logp[k] + LSE_FLOOR);
          }
        }
      }
      losses.push(loss);
      magnitudes.push(mag);
    }
    if (L.prob) denominator = c.input.data.length === 0 ? 0 : samples;
    return { losses, magnitudes, shape: L.sampleShape, denominator };
  },

  vjp(c, u) {
    const L = layout(c);
    const w = weights(c, L.classes);
    const W = w.reduce((a, b) => a + b, 0);
    const eps = (c.options.labelSmoothing as number | undefined) ?? 0;
    const ignore = (c.options.ignoreIndex as number | undefined) ?? -100;
    const t = c.target.data;
    const size = c.input.data.length;
    const input = new Array<number>(size).fill(0);
    const inputMagnitudes = new Array<number>(size).fill(0);
    const wantTarget = L.prob && c.targetGrad;
    const target = wantTarget ? new Array<number>(size).fill(0) : null;
    const targetMagnitudes = wantTarget ? new Array<number>(size).fill(0) : null;
    const samples = sizeOf(L.sampleShape);
    for (let s = 0; s < samples; s++) {
      if (!L.prob && t[s] === ignore) continue;
      const us = u[s];
      const nan = !Number.isFinite(us); // a zero "mean" denominator: PyTorch's 0/0
      const { logp, p } = logProbs(c, L, s);
      if (L.prob) {
        let Q = 0;
        for (let k = 0; k < L.classes; k++) Q += w[k] * ((1 - eps) * t[L.at(s, k)] + eps / L.classes);
        for (let k = 0; k < L.classes; k++) {
          const i = L.at(s, k);
          const wq = w[k] * ((1 - eps) * t[i] + eps / L.classes);
          input[i] = nan ? NaN : us * (p[k] * Q - wq);
          inputMagnitudes[i] = Math.abs(us) * (p[k] * Math.abs(Q) + Math.abs(wq));
          if (target !== null) {
            target[i] = nan ? NaN : -us * (1 - eps) * w[k] * logp[k];
            targetMagnitudes![i] = Math.abs(target[i]) + Math.abs(us * w[k]) * LSE_FLOOR;
          }
        }
      } else {
        const tc = t[s];
        const kt = (1 - eps) * w[tc];
        for (let k = 0; k < L.classes; k++) {
          const i = L.at(s, k);
          let g = kt * (p[k] - (k === tc ? 1 : 0));
          let mag = Math.abs(kt) * (p[k] + (k === tc ? 1 : 0));
          if (eps > 0) {
            g += (eps / L.classes) * (W * p[k] - w[k]);
            mag += (eps / L.classes) * (Math.abs(W) * p[k] + Math.abs(w[k]));
          }
          input[i] = nan ? NaN : us * g;
          inputMagnitudes[i] = Math.abs(us) * mag;
        }
      }
    }
    return { input, inputMagnitudes, target, targetMagnitudes };
  },
};
