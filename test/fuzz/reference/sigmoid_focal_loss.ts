/**
 * SigmoidFocalLoss: torchvision's sigmoid_focal_loss (PyTorch 1.13 ops) on
 * logits x, targets t ∈ [0, 1], alpha α (< 0: no weighting, torchvision's
 * `if alpha >= 0`), gamma γ ≥ 0:
 *   p = σ(x),  ce = max(x, 0) − x·t + log(1 + e^−|x|),  q = 1 − p_t = p(1 − t) + (1 − p)t
 *   α_t = α·t + (1 − α)(1 − t),   ℓ = α_t · ce · q^γ
 *   ∂ℓ/∂x = α_t ((p − t) q^γ + ce · γ q^(γ−1) · p(1 − p)(1 − 2t))   (γ = 0: α_t (p − t))
 * p and 1 − p both from e^−|x| (the true values; float32 PyTorch rounds
 * σ(x) to 1 past x ≈ 17 and loses the tail). No target gradient.
 * "mean" divides by the element count.
 * Magnitudes: ce is a difference of terms of size |x| and 1 for soft
 * targets (not for 0/1 ones); p − t is σ(x) − t in PyTorch's autograd
 * (BCE-with-logits' backward), which cancels in float32 where σ(x) → t
 * (x ≫ 0 with t = 1), so its magnitude is p + t: PyTorch has that error too.
 * Where q underflows to 0 (|x| past float64's e^−745) the q^(γ−1) term is
 * taken at its limit, 0 (ce·q^(γ−1)·p(1 − p) ≤ ce·q^γ).
 */
import type { FuzzCase, LossReference } from "./types";
import { perElement } from "./elementwise";
import { chance, elementShape, f32, normals, pick, plain, reductionOf, SCALES, sizeOf, uniforms } from "../generate";

interface Terms {
  at: number;
  p: number;
  p1: number;
  ce: number;
  ceMag: number;
  q: number;
}

function terms(c: FuzzCase, x: number, t: number): Terms {
  const alpha = (c.options.alpha as number | undefined) ?? 0.25;
  const e = Math.exp(-Math.abs(x));
  const r = 1 / (1 + e);
  const p = x < 0 ? e * r : r;
  const p1 = x < 0 ? r : e * r;
  const l = Math.log1p(e);
  const ce = Math.max(x, 0) - x * t + l;
  const hard = t === 0 || t === 1;
  return {
    at: alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1,
    p,
    p1,
    ce,
    ceMag: hard ? ce : Math.max(x, 0) + Math.abs(x * t) + l,
    q: p * (1 - t) + p1 * t,
  };
}

const gammaOf = (c: FuzzCase) => (c.options.gamma as number | undefined) ?? 2;

export const sigmoidFocalLoss: LossReference = {
  name: "SigmoidFocalLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.6)) options.alpha = pick(rng, [0.5, 0.75, 0, 1, -1, f32(rng())]);
    if (chance(rng, 0.6)) options.gamma = pick(rng, [0, 1, 1.5, 3, 5, 0.5, f32(4 * rng())]);
    const t = chance(rng, 0.7) ? uniforms(rng, n, 0, 1).map(Math.round) : uniforms(rng, n, 0, 1);
    return {
      loss: "SigmoidFocalLoss",
      options,
      input: plain(shape, normals(rng, n, pick(rng, SCALES))),
      target: plain(shape, t),
      targetGrad: false,
      longRow: n,
    };
  },
  elements(c) {
    const gamma = gammaOf(c);
    const { values, magnitudes } = perElement(c, (x, t) => {
      const T = terms(c, x, t);
      const qg = gamma === 0 ? 1 : T.q ** gamma;
      return [T.at * T.ce * qg, Math.abs(T.at) * T.ceMag * qg];
    });
    return { losses: values, magnitudes, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const gamma = gammaOf(c);
    const { values, magnitudes } = perElement(c, (x, t, i) => {
      const T = terms(c, x, t);
      const qg = gamma === 0 ? 1 : T.q ** gamma;
      const pt = t === 1 ? -T.p1 : T.p - t;
      const none = gamma === 0 || T.q === 0;
      const term = none ? 0 : T.ce * gamma * T.q ** (gamma - 1) * T.p * T.p1 * (1 - 2 * t);
      const termMag = none ? 0 : T.ceMag * gamma * T.q ** (gamma - 1) * T.p * T.p1 * Math.abs(1 - 2 * t);
      const k = u[i] * T.at;
      return [k * (pt * qg + term), Math.abs(k) * ((T.p + t) * qg + termMag)];
    });
    return { input: values, inputMagnitudes: magnitudes, target: null, targetMagnitudes: null };
  },
};
