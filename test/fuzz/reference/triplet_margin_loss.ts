/**
 * TripletMarginLoss (PyTorch 1.13, aten/src/ATen/native/Loss.cpp) called
 * (anchor a, positive p, negative n), each (N, D) or (D); margin m (default
 * 1), norm degree q = `p` option (default 2; any q > 0), eps (default 1e-6),
 * swap. With pairwise_distance d(u, v) = ‖u − v + eps‖_q over D:
 *   ℓ = max(0, m + d(a, p) − d(a, n)),  with swap: d(a, n) → min(d(a, n), d(p, n))
 *   ∂‖δ‖_q/∂δ_k = sgn(δ_k)·(|δ_k|/‖δ‖)^(q−1)   (PyTorch's norm_backward:
 *   sgn(δ) for q = 1; 0 where ‖δ‖ = 0, and for q < 1 also 0 where δ_k = 0,
 *   not 0·∞ — checked with torch 1.13, q = 0.5, eps = 0, a = p)
 * clamp_min passes the gradient at exactly 0; `minimum` splits it in half
 * on a tie (checked with torch 1.13: a = p with swap gives d(a, n) = d(p, n)
 * exactly and half the gradient to each), so rows with p = a are drawn.
 * Where d(a, n) and d(p, n) differ by less than float32 can resolve
 * (16ε of their magnitudes: seed 1 case 1162 of TripletMarginWithDistance,
 * where torch float32 and float64 pick different sides), the gradient is a
 * step float64 cannot predict: the halves are expected, and the magnitudes
 * let either side pass.
 * Likewise where m + d(a, p) − d(a, n) is within float32's rounding of 0
 * (clamp_min's step), either side passes.
 * D = 0 gives d = 0. "mean" divides by N (NaN for N = 0).
 * TripletMarginWithDistanceLoss's default distance is this one with q = 2,
 * eps = 1e-6 (triplet_margin_with_distance_loss.ts).
 * Magnitudes: δ = u − v + eps cancels where u − v ≈ −eps, so a distance is
 * measured by d̄ = ‖|u − v| + |eps|‖_q and ∂d/∂δ_k by ((|u_k − v_k| + |eps|)/d)^(q−1),
 * or for q < 1 (where that is smaller than the value) by |g|·(1 + |q − 1|·4ε·(|u_k − v_k| + |eps|)/|δ_k|);
 * ℓ by |m| + d̄(a, p) + d̄(a, n); a gradient entry adds the absolute values
 * of its distance terms (a − p and a − n cancel).
 */
import type { FuzzCase, LossReference, Vjp, Elements, SizeClass } from "./types";
import type { Rng } from "../../helpers/prng";
import { chance, f32, int, normals, pick, plain, reductionOf, rowShape, SCALES } from "../generate";

/** The fuzzer's tolerance (test/fuzz/run.ts). */
const RTOL = 1e-5;
/** Four float32 roundings of δ's terms, at rtol 1e-5. */
const DELTA_ERR = (4 * 2 ** -24) / RTOL;
/** d(a, n) and d(p, n) closer than this (relative to their magnitudes) are a tie to float32. */
const TIE_BAND = 16 * 2 ** -24;

export interface TripletOptions {
  margin: number;
  q: number;
  eps: number;
  swap: boolean;
}

/** d(u, v) over row r of length D, and its gradient with respect to u (−that for v). */
function distance(u: number[], v: number[], r: number, D: number, o: TripletOptions): { d: number; dMag: number; g: number[]; gMag: number[] } {
  const delta: number[] = [];
  const size: number[] = [];
  for (let k = r * D; k < (r + 1) * D; k++) {
    delta.push(u[k] - v[k] + o.eps);
    size.push(Math.abs(u[k] - v[k]) + Math.abs(o.eps));
  }
  const q = o.q;
  const norm = (xs: number[]) =>
    q === 1 ? xs.reduce((s, x) => s + Math.abs(x), 0)
    : q === 2 ? Math.sqrt(xs.reduce((s, x) => s + x * x, 0))
    : xs.reduce((s, x) => s + Math.abs(x) ** q, 0) ** (1 / q);
  const d = norm(delta);
  const g = delta.map((x) => (q === 1 ? Math.sign(x) : x === 0 || d === 0 ? 0 : Math.sign(x) * (Math.abs(x) / d) ** (q - 1)));
  // g ∝ |δ|^(q−1): float32's δ is off by ≈ ε·(|u − v| + |eps|), so g by |q − 1|·that/|δ| relative
  // (p = 0.5, eps = 0.1, δ ≈ 1e-5: torch 1.13 float32 is 3.6e-5 off float64).
  const gMag = size.map((m, k) =>
    q === 1 || g[k] === 0 ? Math.abs(g[k]) : Math.max((m / d) ** (q - 1), Math.abs(g[k]) * (1 + (Math.abs(q - 1) * m * DELTA_ERR) / Math.abs(delta[k]))),
  );
  return { d, dMag: norm(size), g, gMag };
}

/** Distances d (p: a–p, n: a–n, s: p–n, ∞ without swap), their magnitudes m, gradients g and their magnitudes h. */
interface TripletRow {
  dp: number;
  dn: number;
  ds: number;
  mp: number;
  mn: number;
  ms: number;
  gp: number[];
  gn: number[];
  gs: number[];
  hp: number[];
  hn: number[];
  hs: number[];
}

function tripletRows(c: FuzzCase, o: TripletOptions): { N: number; D: number; rows: TripletRow[] } {
  const shape = c.input.shape;
  const D = shape[shape.length - 1];
  const N = shape.length === 2 ? shape[0] : 1;
  const [a, p, n] = [c.input.data, c.target.data, c.extra![0].data];
  const rows: TripletRow[] = [];
  for (let r = 0; r < N; r++) {
    const P = distance(a, p, r, D, o);
    const Nn = distance(a, n, r, D, o);
    const S = o.swap ? distance(p, n, r, D, o) : { d: Infinity, dMag: Infinity, g: [], gMag: [] };
    rows.push({ dp: P.d, dn: Nn.d, ds: S.d, mp: P.dMag, mn: Nn.dMag, ms: S.dMag, gp: P.g, gn: Nn.g, gs: S.g, hp: P.gMag, hn: Nn.gMag, hs: S.gMag });
  }
  return { N, D, rows };
}

export function tripletElements(c: FuzzCase, o: TripletOptions): Elements {
  const { N, rows } = tripletRows(c, o);
  const losses = rows.map((r) => Math.max(0, o.margin + r.dp - Math.min(r.dn, r.ds)));
  const magnitudes = rows.map((r) => Math.abs(o.margin) + r.mp + (r.dn < r.ds ? r.mn : r.ms));
  return { losses, magnitudes, shape: c.input.shape.length === 2 ? [N] : [], denominator: N };
}

export function tripletVjp(c: FuzzCase, o: TripletOptions, u: number[]): Vjp {
  const { D, rows } = tripletRows(c, o);
  const size = c.input.data.length;
  const grads = [0, 1, 2].map(() => new Array<number>(size).fill(0));
  const mags = [0, 1, 2].map(() => new Array<number>(size).fill(0));
  // Adds w·g (magnitudes |w|·h) to tensor `to` (0 a, 1 p, 2 n) in row r.
  const add = (to: number, r: number, w: number, g: number[], h: number[]) => {
    for (let k = 0; k < D; k++) {
      grads[to][r * D + k] += w * g[k];
      mags[to][r * D + k] += Math.abs(w) * h[k];
    }
  };
  rows.forEach((row, r) => {
    const dNeg = Math.min(row.dn, row.ds);
    const z = o.margin + row.dp - dNeg;
    // clamp_min's step at z = 0: where float32 cannot tell z's sign (seed 2 case 561: p = n, margin
    // −0.5 against distances of 2e9 — torch float32 rounds z to 0 and passes the gradient), either
    // side passes: half the gradient is expected, and its size is added to the magnitudes below.
    const nearHinge = z !== 0 && Math.abs(z) <= TIE_BAND * (Math.abs(o.margin) + row.mp + Math.min(row.mn, row.ms));
    if (!(z >= 0) && !nearHinge) return;
    const w = nearHinge ? u[r] / 2 : u[r];
    add(0, r, w, row.gp, row.hp);
    add(1, r, -w, row.gp, row.hp);
    // minimum: the smaller distance takes the gradient, half each on a tie.
    // Where float32 cannot order them (a near tie), any of the three answers passes:
    // expect the halves, with magnitudes spanning the other two.
    const near = o.swap && row.dn !== row.ds && Math.abs(row.dn - row.ds) <= TIE_BAND * (row.mn + row.ms);
    const wn = row.dn < row.ds && !near ? 1 : row.dn === row.ds || near ? 0.5 : 0;
    if (near) {
      // Either side is half the difference away from the halves: twice that, so no rounding fails it.
      for (let k = 0; k < D; k++) {
        const [gn, gs] = [row.gn[k], row.gs[k]];
        mags[0][r * D + k] += Math.abs(w * gn) / RTOL;
        mags[1][r * D + k] += Math.abs(w * gs) / RTOL;
        mags[2][r * D + k] += Math.abs(w * (gn - gs)) / RTOL;
      }
    }
    if (wn > 0) {
      add(0, r, -w * wn, row.gn, row.hn);
      add(2, r, w * wn, row.gn, row.hn);
    }
    if (wn < 1) {
      add(1, r, -w * (1 - wn), row.gs, row.hs);
      add(2, r, w * (1 - wn), row.gs, row.hs);
    }
    if (nearHinge) {
      for (const t of [0, 1, 2]) for (let k = r * D; k < (r + 1) * D; k++) mags[t][k] += (2 * Math.abs(grads[t][k])) / RTOL;
    }
  });
  const want = [true, c.targetGrad, c.extraGrad?.[0] ?? false];
  return {
    input: grads[0],
    inputMagnitudes: mags[0],
    target: want[1] ? grads[1] : null,
    targetMagnitudes: want[1] ? mags[1] : null,
    extra: [want[2] ? grads[2] : null],
    extraMagnitudes: [want[2] ? mags[2] : null],
  };
}

/** Anchors, positives and negatives at one scale; some rows with p = a (swap ties), p = n (z = m), or p near a. */
export function tripletInputs(rng: Rng, size: SizeClass, loss: string, options: Record<string, unknown>): Omit<FuzzCase, "upstream" | "size"> {
  const shape = rowShape(rng, size);
  const D = shape[shape.length - 1];
  const N = shape.length === 2 ? shape[0] : 1;
  const scale = pick(rng, SCALES);
  // p near a: far enough that d(a, n) and d(p, n) differ in float32 (a swap's
  // min is a step there: a perturbation of 1e-6 under eps = 0.1 gave a
  // relative difference of 1e-8, where torch, the library and float64 each
  // picked another side).
  const near = 1e-3 * Math.max(scale, (options.eps as number | undefined) ?? 1e-6);
  const [a, p, n] = [0, 1, 2].map(() => normals(rng, N * D, scale));
  if (chance(rng, 0.4)) {
    for (let r = 0; r < N; r++) {
      const kind = int(rng, 0, 3);
      for (let k = r * D; k < (r + 1) * D; k++) {
        if (kind === 0) p[k] = a[k];
        else if (kind === 1) p[k] = n[k];
        else if (kind === 2) p[k] = f32(a[k] + near * (rng() - 0.5));
      }
    }
  }
  return {
    loss,
    options,
    input: plain(shape, a),
    target: plain(shape, p),
    targetGrad: chance(rng, 0.8),
    extra: [plain(shape, n)],
    extraGrad: [chance(rng, 0.8)],
    longRow: Math.max(N, D),
  };
}

function optionsOf(c: FuzzCase): TripletOptions {
  const o = c.options;
  return {
    margin: (o.margin as number | undefined) ?? 1,
    q: (o.p as number | undefined) ?? 2,
    eps: (o.eps as number | undefined) ?? 1e-6,
    swap: o.swap === true,
  };
}

export const tripletMarginLoss: LossReference = {
  name: "TripletMarginLoss",
  generate(rng, size) {
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    if (chance(rng, 0.6)) options.p = pick(rng, [1, 1.5, 3, 4, 0.5, 2]);
    if (chance(rng, 0.5)) options.margin = pick(rng, [0.5, 2, 0, -0.5, 10]);
    if (chance(rng, 0.3)) options.eps = pick(rng, [0, 1e-3, 0.1]);
    if (chance(rng, 0.4)) options.swap = true;
    return tripletInputs(rng, size, "TripletMarginLoss", options);
  },
  elements: (c) => tripletElements(c, optionsOf(c)),
  vjp: (c, u) => tripletVjp(c, optionsOf(c), u),
};
