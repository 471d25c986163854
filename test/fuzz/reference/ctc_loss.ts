/**
 * CTCLoss (PyTorch 1.13, aten/src/ATen/native/LossCTC.cpp, the CPU
 * recursions) called (logProbs, targets, inputLengths, targetLengths):
 * logProbs (T, N, C) or unbatched (T, C); targets padded (N, S) or 1-D
 * concatenated (Σ targetLengths), (S) unbatched; lengths one per sample
 * (a Tensor or a plain array: extra[0], extra[1]); blank b (default 0).
 * With the extended target l' = (b, l_1, b, l_2, …, l_L, b) of sample n
 * (L = its target length, T_n its input length) and lp = logProbs:
 *   α_0(0) = lp_0(b), α_0(1) = lp_0(l'_1);
 *   α_t(s) = lse(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) if l'_s ≠ l'_{s−2}) + lp_t(l'_s)
 *   ℓ_n = −lse(α_{T_n−1}(2L), α_{T_n−1}(2L−1))   (L = 0: −α_{T_n−1}(0))
 * β mirrored from t = T_n − 1 (β includes lp_t(l'_s), as PyTorch's), and
 * PyTorch's gradient with respect to logProbs, for t < T_n:
 *   g_t(c) = e^{lp_t(c)} − e^{lse_{s: l'_s = c}(α_t(s) + β_t(s)) + ℓ_n − lp_t(c)}
 * and 0 for t ≥ T_n. This is the gradient with respect to the logits of a
 * log_softmax (its e^{lp} term is log_softmax's), which PyTorch returns even
 * for a leaf logProbs (the golden fixture's case; log_softmax's backward
 * leaves it unchanged where a row sums to 1). An impossible alignment
 * (T_n too short for L and its repeats) gives ℓ = ∞ and NaN gradients for
 * t < T_n (e^{−∞ + ∞}); zeroInfinity makes both 0. "mean" is
 * mean_n(ℓ_n / max(L_n, 1)): `elements` divides by max(L, 1) under "mean"
 * (and vjp likewise), with N as the denominator; NaN for N = 0.
 * Not drawn: input lengths of 0 (PyTorch 1.13 reads α_{−1}: garbage, e.g.
 * a loss of 10.15 for L = 0) and T = 0 (PyTorch raises); blanks inside
 * targets (PyTorch documents them as invalid).
 * Magnitudes. The loss: ℓ plus 0.05 per time step (LSE_STEP): its terms
 * −lp are ≥ 0, but each step's float32 log Σ exp is exact only to a few
 * ulps of 1 absolute — torch 1.13 float32 gives 1.1371e-5 for a loss of
 * 1.1268e-5 (T = 3), and so does the wasm kernel. The gradient's second
 * term is e^x with x = lcab + ℓ − lp a difference of large numbers (≈ ±ℓ
 * each, after T_n steps), so float32 gets it only to about ε·(|ℓ| + T_n)
 * relative — measured for torch 1.13 float32 against float64, 8 samples,
 * error / (e^{lp} + |second term|): T 10: 7.5e-6, T 50: 1.3e-4, T 200:
 * 6.8e-4, T 1000: 1.3e-2 (2…35 × ε·ℓ); the wasm kernel's log-space
 * fallback (float32, like PyTorch's) reached 6.5e-4 on seed 1's first 300
 * cases, when it was the only path. Its magnitude is therefore
 * e^{lp} + e^x·(1 + EXP_ERR·(|lcab| + |ℓ| + |lp| + T_n)), EXP_ERR =
 * 16·2⁻²⁴/1e-5: an error of 16 float32 roundings of the exponent's terms
 * passes at rtol 1e-5. The kernels' scaled paths (float64) stay below it:
 * worst 7.1e-6 on wasm over seeds 1–3 × 3,000 (a 700-frame sample: its
 * float32 exp of each emission, ≤ 1 ulp, over hundreds of frames), 1.7e-7
 * on js. Long draws go to T = 800, where one scale per
 * frame is not enough and the kernels scale blocks of 8 states.
 */
import type { FuzzCase, LossReference } from "./types";
import { chance, f32, int, logInt, normals, pick, plain } from "../generate";
import { scaled } from "./reduction";

/** Per unit of the exponent's terms: 16 float32 roundings at rtol 1e-5. */
const EXP_ERR = (16 * 2 ** -24) / 1e-5;
/** Per time step of the loss: a float32 log Σ exp is accurate to a few ulps of 1 absolute (as cross_entropy_loss.ts's LSE_FLOOR). */
const LSE_STEP = 0.05;

function lse(...xs: number[]): number {
  const m = Math.max(...xs);
  if (m === -Infinity) return -Infinity;
  return Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0)) + m;
}

interface Layout {
  T: number;
  N: number;
  C: number;
  blank: number;
  lp: (t: number, n: number, c: number) => number;
  inputLengths: number[];
  labels: number[][];
}

function layout(c: FuzzCase): Layout {
  const shape = c.input.shape;
  const batched = shape.length === 3;
  const [T, N, C] = batched ? shape : [shape[0], 1, shape[1]];
  const x = c.input.data;
  const il = c.extra![0].data;
  const tl = c.extra![1].data;
  const t = c.target.data;
  const padded = batched && c.target.shape.length === 2;
  const labels: number[][] = [];
  let at = 0;
  for (let n = 0; n < N; n++) {
    const start = padded ? n * c.target.shape[1] : at;
    labels.push(t.slice(start, start + tl[n]));
    at += tl[n];
  }
  return {
    T,
    N,
    C,
    blank: (c.options.blank as number | undefined) ?? 0,
    lp: (tt, n, k) => x[(tt * N + n) * C + k],
    inputLengths: [...il],
    labels,
  };
}

/** Sample n's loss, and (when asked) its gradient rows g[t][c] with magnitudes, for t < T_n. */
function sample(L: Layout, n: number, wantGrad: boolean): { nll: number; grad: number[][]; mags: number[][] } {
  const Tn = L.inputLengths[n];
  const lab = L.labels[n];
  const S = 2 * lab.length + 1;
  const prime = (s: number) => (s % 2 === 0 ? L.blank : lab[(s - 1) / 2]);
  const lp = (t: number, s: number) => L.lp(t, n, prime(s));
  const alpha = Array.from({ length: Tn }, () => new Array<number>(S).fill(-Infinity));
  alpha[0][0] = lp(0, 0);
  if (S > 1) alpha[0][1] = lp(0, 1);
  for (let t = 1; t < Tn; t++) {
    for (let s = 0; s < S; s++) {
      const skip = s > 1 && prime(s - 2) !== prime(s) ? alpha[t - 1][s - 2] : -Infinity;
      alpha[t][s] = lse(alpha[t - 1][s], s > 0 ? alpha[t - 1][s - 1] : -Infinity, skip) + lp(t, s);
    }
  }
  const last = alpha[Tn - 1];
  const nll = -(S === 1 ? last[0] : lse(last[S - 1], last[S - 2]));
  if (!wantGrad) return { nll, grad: [], mags: [] };
  const beta = Array.from({ length: Tn }, () => new Array<number>(S).fill(-Infinity));
  beta[Tn - 1][S - 1] = lp(Tn - 1, S - 1);
  if (S > 1) beta[Tn - 1][S - 2] = lp(Tn - 1, S - 2);
  for (let t = Tn - 2; t >= 0; t--) {
    for (let s = 0; s < S; s++) {
      const skip = s < S - 2 && prime(s + 2) !== prime(s) ? beta[t + 1][s + 2] : -Infinity;
      beta[t][s] = lse(beta[t + 1][s], s < S - 1 ? beta[t + 1][s + 1] : -Infinity, skip) + lp(t, s);
    }
  }
  const grad: number[][] = [];
  const mags: number[][] = [];
  for (let t = 0; t < Tn; t++) {
    const ab = Array.from({ length: L.C }, () => [] as number[]);
    for (let s = 0; s < S; s++) ab[prime(s)].push(alpha[t][s] + beta[t][s]);
    const g: number[] = [];
    const m: number[] = [];
    for (let c = 0; c < L.C; c++) {
      const l = L.lp(t, n, c);
      const lcab = lse(...ab[c]);
      const x = lcab + nll - l;
      const second = Math.exp(x);
      g.push(Math.exp(l) - second);
      m.push(Math.exp(l) + (second === 0 ? 0 : second * (1 + EXP_ERR * (Math.abs(lcab) + Math.abs(nll) + Math.abs(l) + Tn))));
    }
    grad.push(g);
    mags.push(m);
  }
  return { nll, grad, mags };
}

/** "mean" divides each sample's loss by max(target length, 1) before averaging. */
const perSampleScale = (c: FuzzCase, L: Layout, n: number) => ((c.options.reduction ?? "mean") === "mean" ? 1 / Math.max(L.labels[n].length, 1) : 1);

export const ctcLoss: LossReference = {
  name: "CTCLoss",
  generate(rng, size) {
    let [T, N, C] = [0, 0, 0];
    switch (size) {
      case "empty":
        [T, N, C] = [int(rng, 1, 5), 0, int(rng, 1, 5)];
        break;
      case "tiny":
        [T, N, C] = [int(rng, 1, 6), int(rng, 1, 2), int(rng, 1, 4)];
        break;
      case "small":
        [T, N, C] = [int(rng, 1, 20), int(rng, 1, 4), int(rng, 2, 8)];
        break;
      case "medium":
        [T, N, C] = [int(rng, 20, 80), int(rng, 1, 6), int(rng, 2, 40)];
        break;
      case "long": // a long row of classes, or a long sequence
        [T, N, C] = chance(rng, 0.5) ? [int(rng, 2, 6), int(rng, 1, 2), logInt(rng, 1e3, 1e4)] : [int(rng, 150, 800), int(rng, 1, 2), int(rng, 2, 6)];
        break;
      case "kdim": // unbatched (T, C)
        [T, N, C] = [int(rng, 1, 30), 1, int(rng, 2, 10)];
        break;
    }
    const batched = size !== "kdim";
    const options: Record<string, unknown> = { reduction: pick(rng, ["none", "mean", "sum"]) };
    const blank = chance(rng, 0.3) ? int(rng, 0, C - 1) : 0;
    if (blank !== 0 || chance(rng, 0.2)) options.blank = blank;
    if (chance(rng, 0.3)) options.zeroInfinity = true;
    // Labels: any class but the blank, from a small pool when repeats are wanted.
    const others = Array.from({ length: C }, (_, k) => k).filter((k) => k !== blank);
    const pool = chance(rng, 0.4) ? others.slice(0, 2) : others;
    const pRepeat = chance(rng, 0.4) ? 0.5 : 0;
    const il: number[] = [];
    const labels: number[][] = [];
    for (let n = 0; n < N; n++) {
      il.push(chance(rng, 0.6) ? T : int(rng, 1, T));
      // Mostly alignable lengths; sometimes any length up to T + 2 (possibly impossible: ℓ = ∞).
      const tl = pool.length === 0 || chance(rng, 0.1) ? 0 : chance(rng, 0.15) ? int(rng, 1, T + 2) : int(rng, 1, Math.max(1, Math.floor(il[n] / 2)));
      const row: number[] = [];
      for (let k = 0; k < tl; k++) row.push(k > 0 && chance(rng, pRepeat) ? row[k - 1] : pick(rng, pool));
      labels.push(row);
    }
    const tl = labels.map((r) => r.length);
    let target;
    if (!batched) {
      target = plain([tl[0] + int(rng, 0, 2)], [...labels[0]]);
    } else if (chance(rng, 0.4)) {
      target = plain([tl.reduce((a, b) => a + b, 0)], labels.flat());
    } else {
      const S = Math.max(0, ...tl) + int(rng, 0, 2);
      target = plain([N, S], labels.flatMap((r) => [...r, ...Array.from({ length: S - r.length }, () => int(rng, 0, C - 1))]));
    }
    while (target.data.length < target.shape.reduce((a, b) => a * b, 1)) target.data.push(int(rng, 0, C - 1));
    // Log-probabilities: a float64 log_softmax of logits at a random scale, rounded to float32.
    const scale = pick(rng, [0.1, 1, 3, 10]);
    const logits = normals(rng, T * N * C, scale);
    const lp: number[] = [];
    for (let r = 0; r < T * N; r++) {
      const row = logits.slice(r * C, (r + 1) * C);
      const z = lse(...row);
      lp.push(...row.map((v) => f32(v - z)));
    }
    const lengths = (xs: number[]) => plain(batched ? [N] : chance(rng, 0.5) ? [] : [1], xs);
    const asArrays = chance(rng, 0.5);
    return {
      loss: "CTCLoss",
      options,
      input: plain(batched ? [T, N, C] : [T, C], lp),
      target,
      targetGrad: false,
      extra: [lengths(il), lengths(tl)],
      extraGrad: [false, false],
      extraArrays: [asArrays, asArrays],
      longRow: N,
    };
  },
  elements(c) {
    const L = layout(c);
    const zero = c.options.zeroInfinity === true;
    const losses: number[] = [];
    for (let n = 0; n < L.N; n++) {
      const { nll } = sample(L, n, false);
      losses.push((zero && nll === Infinity ? 0 : nll) * perSampleScale(c, L, n));
    }
    const magnitudes = losses.map((v, n) => Math.abs(v) + (v === 0 ? 0 : LSE_STEP * L.inputLengths[n] * perSampleScale(c, L, n)));
    return { losses, magnitudes, shape: c.input.shape.length === 3 ? [L.N] : [], denominator: L.N };
  },
  vjp(c, u) {
    const L = layout(c);
    const zero = c.options.zeroInfinity === true;
    const input = new Array<number>(c.input.data.length).fill(0);
    const mags = new Array<number>(c.input.data.length).fill(0);
    for (let n = 0; n < L.N; n++) {
      const { nll, grad, mags: m } = sample(L, n, true);
      if (zero && nll === Infinity) continue;
      const w = scaled(u[n], perSampleScale(c, L, n));
      grad.forEach((row, t) =>
        row.forEach((g, k) => {
          const i = (t * L.N + n) * L.C + k;
          input[i] = scaled(w, g);
          mags[i] = Math.abs(w) * m[t][k];
        }),
      );
    }
    return { input, inputMagnitudes: mags, target: null, targetMagnitudes: null, extra: [null, null], extraMagnitudes: [null, null] };
  },
};
