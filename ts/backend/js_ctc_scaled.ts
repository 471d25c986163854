/**
 * The js backend's fast CTC path, crates/kernels/src/losses/ctc_scaled.rs
 * in plain JS (its header has the maths): the recursions in linear space,
 * each block of states with a power-of-two scale per frame (one block for
 * the whole row first, blocks of 8 where that is not enough), over the
 * band of states reachable from the start that can still reach the end;
 * the occupancies from α and β-without-emission, normalised per frame.
 * Returns null — and the caller tries smaller blocks, then log space
 * (js_ctc.ts) — when a value falls below 2⁻⁵⁰⁰ of its block's scale from
 * nonzero inputs, an emission is below e^{−346} of its frame's best,
 * anything is non-finite, or no alignment exists: there linear space could
 * lose a path that log space keeps.
 */

/** Nonzero values below this send the sample to log space. */
const TINY = 2 ** -500;
/** Emissions below e^{EMISSION_LO} of their frame's best do too. */
const EMISSION_LO = -346;
/** A block's exponent stays at most this far below the block feeding it. */
const FEED_RANGE = 400;
/** log₂ of the block sizes tried: one block for the whole row (below ONE_BLOCK_FRAMES frames), then 8 states. */
export const ONE_BLOCK = 30;
export const SMALL_BLOCKS = 3;
/** From this many frames on, blocks of 8 straight away (ctc_scaled.rs says why). */
export const ONE_BLOCK_FRAMES = 256;

let alpha = new Float64Array(0);
let emit = new Float64Array(0);
let kAlpha = new Float64Array(0);
let rows = new Float64Array(0);
let occ = new Float64Array(0);
let skip = new Uint8Array(0);

/** One CTC sample: its labels l' (length L = 2|y| + 1, each < classes) over frames 0..steps of batch index n. */
export interface CtcSample {
  logProbs: Float32Array;
  n: number;
  batch: number;
  classes: number;
  steps: number;
  labels: Int32Array;
}

/** ⌊log₂ x⌋ of a positive normal number. */
const exponent = (x: number) => Math.floor(Math.log2(x));
/** 2^d for an integral d; 0 below 2^−1022. */
const pow2 = (d: number) => (d < -1022 ? 0 : 2 ** Math.min(d, 1023));

/** Per block: the exponent of the row being read, the factors to the row being written, the row's sums. */
class Scales {
  readonly k: Float64Array;
  readonly r: Float64Array;
  readonly f: Float64Array;
  readonly sum: Float64Array;
  readonly psum: Float64Array;
  private readonly next: Float64Array;

  constructor(readonly nb: number) {
    [this.k, this.r, this.f, this.sum, this.psum, this.next] = [0, 1, 2, 3, 4, 5].map(() => new Float64Array(nb));
    this.r.fill(1);
    this.f.fill(1);
  }

  /** ctc_scaled.rs's Scales::rescale; false if a sum is not finite or all are 0. */
  rescale(backward: boolean): boolean {
    const { nb, k, r, f, sum, next } = this;
    let any = false;
    let feed = -Infinity;
    for (let i = 0; i < nb; i++) {
      const b = backward ? nb - 1 - i : i;
      if (!(sum[b] >= 0 && sum[b] < Infinity)) return false;
      const own = sum[b] > 0 ? k[b] + exponent(sum[b]) : -Infinity;
      any ||= sum[b] > 0;
      const e = Math.max(own, feed - FEED_RANGE);
      next[b] = e > -Infinity ? e : k[b];
      feed = own;
    }
    for (let b = 0; b < nb; b++) {
      r[b] = pow2(k[b] - next[b]);
      const from = backward ? b + 1 : b - 1;
      f[b] = from >= 0 && from < nb ? pow2(k[from] - next[b]) : 0;
    }
    k.set(next);
    return any;
  }
}

/** The sample's loss, its unscaled gradient rows into `grad` if given; null where this block size is not enough. */
export function ctcScaled(x: CtcSample, grad: Float32Array | null, shift: number): number | null {
  const { logProbs, n, batch, classes, steps, labels } = x;
  const len = labels.length;
  const w = len + 4;
  const block = 2 ** Math.min(shift, 30);
  const nb = Math.floor(len / block) + 1;
  const blockOf = (s: number) => Math.floor(s / block);
  if (steps === 0) return null;
  if (alpha.length < steps * w) {
    alpha = new Float64Array(steps * w);
    emit = new Float64Array(steps * w);
  }
  if (kAlpha.length < steps * nb) kAlpha = new Float64Array(steps * nb);
  if (rows.length < 3 * w) rows = new Float64Array(3 * w);
  if (occ.length < classes) occ = new Float64Array(classes);
  // skip[s]: state s may be entered from s − 2 (a label, not a repeat).
  if (skip.length < w + 2) skip = new Uint8Array(w + 2);
  skip.fill(0);
  for (let s = 3; s < len; s += 2) skip[s] = labels[s] !== labels[s - 2] ? 1 : 0;
  const lo = (t: number) => Math.max(0, len - 2 * (steps - t));
  const hi = (t: number) => Math.min(len, 2 * t + 2);

  // Emissions scaled by each frame's best label; Σ of those bests.
  let mSum = 0;
  for (let t = 0; t < steps; t++) {
    const base = (t * batch + n) * classes;
    let m = -Infinity;
    for (let s = 0; s < len; s++) m = Math.max(m, logProbs[base + labels[s]]);
    if (!(m > -Infinity && m < Infinity)) return null;
    mSum += m;
    // Every other state is the blank: one exp for all of them.
    for (let s = 0; s < len; s++) {
      if (s > 1 && s % 2 === 0) {
        emit[t * w + s] = emit[t * w];
        continue;
      }
      const d = logProbs[base + labels[s]] - m;
      if (d < EMISSION_LO && d !== -Infinity) return null;
      emit[t * w + s] = Math.exp(d);
    }
  }

  /**
   * One frame over [a, b) (state s at column s + 2): from `src` at offset p,
   * α reads s, s − 1, s − 2 (β: s, s + 1, s + 2), each read times r of its
   * block, or f where it lies in the block feeding it (only a block's first
   * two states read the block before, β's last two the block after); the
   * values times the emission into `out` at offset o, β's occupancy
   * products into prodRow, the blocks' sums into sc. False if a value fell
   * below TINY from nonzero inputs.
   */
  const frame = (
    backward: boolean, src: Float64Array, p: number, out: Float64Array, o: number, t: number, a: number, b: number, sc: Scales,
  ): boolean => {
    out[o + a] = out[o + a + 1] = out[o + b + 2] = out[o + b + 3] = 0;
    sc.sum.fill(0);
    sc.psum.fill(0);
    const e = t * w;
    for (let blk = blockOf(a); blk <= blockOf(b - 1); blk++) {
      const start = blk * block;
      const end = start + block;
      const stop = Math.min(end, b);
      const r = sc.r[blk];
      const f = sc.f[blk];
      let sum = 0;
      let psum = 0;
      for (let s = Math.max(a, start); s < stop; s++) {
        const q = p + s + 2;
        const v0 = src[q];
        let v1, v2, combo;
        if (backward) {
          v1 = src[q + 1];
          v2 = skip[s + 2] === 1 ? src[q + 2] : 0;
          combo = s + 2 < end ? (v0 + v1 + v2) * r : v0 * r + v1 * (s + 1 < end ? r : f) + v2 * f;
        } else {
          v1 = src[q - 1];
          v2 = skip[s] === 1 ? src[q - 2] : 0;
          combo = s - 2 >= start ? (v0 + v1 + v2) * r : v0 * r + v1 * (s - 1 >= start ? r : f) + v2 * f;
        }
        const y = emit[e + s];
        const v = combo * y;
        if (v < TINY && v0 + v1 + v2 > 0 && y > 0) return false;
        out[o + s + 2] = v;
        sum += v;
        if (backward) {
          const pr = alpha[e + s + 2] * combo;
          prodRow[s + 2] = pr;
          psum += pr;
        }
      }
      sc.sum[blk] = sum;
      sc.psum[blk] = psum;
    }
    return true;
  };

  // α, each row's block exponents kept for the occupancies.
  const prodRow = rows.subarray(2 * w, 3 * w);
  prodRow.fill(0);
  prodRow[2] = 1; // a virtual row before frame 0 that enters states 0 and 1
  let sc = new Scales(nb);
  for (let t = 0; t < steps; t++) {
    const [a, b] = [lo(t), hi(t)];
    if (a >= b) return null;
    const ok = t === 0 ? frame(false, prodRow, 0, alpha, 0, 0, a, b, sc) : frame(false, alpha, (t - 1) * w, alpha, t * w, t, a, b, sc);
    kAlpha.set(sc.k, t * nb);
    if (!ok || !sc.rescale(false)) return null;
  }
  const last = (steps - 1) * w;
  const ends = len > 1 ? [len - 1, len - 2] : [len - 1];
  const kEnd = Math.max(...ends.map((e) => kAlpha[(steps - 1) * nb + blockOf(e)]));
  let end = 0;
  for (const e of ends) end += alpha[last + e + 2] * pow2(kAlpha[(steps - 1) * nb + blockOf(e)] - kEnd);
  if (!(end > 0 && end < Infinity)) return null;
  const nll = -(mSum + Math.log(end) + kEnd * Math.LN2);
  if (grad === null) return nll;

  // β from the end in two alternating rows (a virtual one after the last frame
  // leaving states L − 1 and L − 2), each frame's gradient as soon as its occupancies are known.
  occ.fill(0, 0, classes);
  let [next, cur] = [rows.subarray(0, w), rows.subarray(w, 2 * w)];
  next.fill(0);
  next[len + 1] = 1;
  sc = new Scales(nb);
  for (let t = steps - 1; t >= 0; t--) {
    const [a, b] = [lo(t), hi(t)];
    if (!frame(true, next, 0, cur, 0, t, a, b, sc)) return null;
    // Occupancies: each block's products at 2^{k^α + k^β}, relative to the largest.
    let kTop = -Infinity;
    for (let q = 0; q < nb; q++) if (sc.psum[q] > 0) kTop = Math.max(kTop, kAlpha[t * nb + q] + sc.k[q]);
    let g = 0;
    for (let q = 0; q < nb; q++) {
      // Each block's factor from its products to occupancies (before dividing by g), in r (free now).
      sc.r[q] = sc.psum[q] > 0 ? pow2(kAlpha[t * nb + q] + sc.k[q] - kTop) : 0;
      g += sc.psum[q] * sc.r[q];
    }
    if (!(g > 0 && g < Infinity)) return null;
    for (let q = blockOf(a); q <= blockOf(b - 1); q++) {
      const factor = sc.r[q] / g;
      for (let s = Math.max(a, q * block), stop = Math.min(b, (q + 1) * block); s < stop; s++) occ[labels[s]] += prodRow[s + 2] * factor;
    }
    const base = (t * batch + n) * classes;
    for (let c = 0; c < classes; c++) grad[base + c] = Math.exp(logProbs[base + c]) - occ[c];
    for (let s = a; s < b; s++) occ[labels[s]] = 0;
    if (!sc.rescale(true)) return null;
    [next, cur] = [cur, next];
  }
  return nll;
}
