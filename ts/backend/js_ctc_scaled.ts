/**
 * The js backend's fast CTC path, crates/kernels/src/losses/ctc_scaled.rs
 * in plain JS (its header has the maths): the recursions in linear space,
 * each frame's row scaled by the previous row's sum, over the band of
 * states reachable from the start that can still reach the end; the
 * occupancies from α and β-without-emission, normalised per frame. Returns
 * null — and the caller redoes the sample in log space (js_ctc.ts) — when
 * a value falls into (0, 2⁻⁵⁰⁰), an emission is below e^{−346} of its
 * frame's best, anything is non-finite, or no alignment exists: there
 * linear space could lose a path that log space keeps.
 */

/** Nonzero values below this send the sample to log space. */
const TINY = 2 ** -500;
/** Emissions below e^{EMISSION_LO} of their frame's best do too. */
const EMISSION_LO = -346;

let alpha = new Float64Array(0);
let emit = new Float64Array(0);
let rows = new Float64Array(0);
let occ = new Float64Array(0);

/** One CTC sample: its labels l' (length L = 2|y| + 1, each < classes) over frames 0..steps of batch index n. */
export interface CtcSample {
  logProbs: Float32Array;
  n: number;
  batch: number;
  classes: number;
  steps: number;
  labels: Int32Array;
}

/** The sample's loss, its unscaled gradient rows into `grad` if given; null where log space is needed. */
export function ctcScaled(x: CtcSample, grad: Float32Array | null): number | null {
  const { logProbs, n, batch, classes, steps, labels } = x;
  const len = labels.length;
  const w = len + 4;
  if (steps === 0) return null;
  if (alpha.length < steps * w) {
    alpha = new Float64Array(steps * w);
    emit = new Float64Array(steps * w);
  }
  if (rows.length < 3 * w) rows = new Float64Array(3 * w);
  if (occ.length < classes) occ = new Float64Array(classes);
  // skip(s): state s may be entered from s − 2 (a label, not a repeat).
  const skip = (s: number) => s > 1 && s % 2 === 1 && labels[s] !== labels[s - 2];
  const lo = (t: number) => Math.max(0, len - 2 * (steps - t));
  const hi = (t: number) => Math.min(len, 2 * t + 2);

  // Emissions scaled by each frame's best label; Σ of those bests.
  let shift = 0;
  for (let t = 0; t < steps; t++) {
    const base = (t * batch + n) * classes;
    let m = -Infinity;
    for (let s = 0; s < len; s++) m = Math.max(m, logProbs[base + labels[s]]);
    if (!(m > -Infinity && m < Infinity)) return null;
    shift += m;
    for (let s = 0; s < len; s++) {
      const d = logProbs[base + labels[s]] - m;
      if (d < EMISSION_LO && d !== -Infinity) return null;
      emit[t * w + s] = Math.exp(d);
    }
  }

  // α over the band, state s at column s + 2 of its row; two zero columns either side.
  let logScale = 0;
  let c = 1;
  const start = rows; // a virtual row before frame 0 that enters states 0 and 1
  start.fill(0, 0, w);
  start[2] = 1;
  for (let t = 0; t < steps; t++) {
    const [a, b] = [lo(t), hi(t)];
    if (a > b) return null;
    const src = t === 0 ? start : alpha;
    const p = t === 0 ? 0 : (t - 1) * w;
    const r = t * w;
    alpha[r + a] = alpha[r + a + 1] = alpha[r + b + 2] = alpha[r + b + 3] = 0;
    const inv = 1 / c;
    let sum = 0;
    for (let s = a; s < b; s++) {
      const q = p + s + 2;
      const combo = src[q] + src[q - 1] + (skip(s) ? src[q - 2] : 0);
      const v = combo * emit[r + s] * inv;
      if (v > 0 && v < TINY) return null;
      alpha[r + s + 2] = v;
      sum += v;
    }
    if (!(sum > 0 && sum < Infinity)) return null;
    if (t > 0) logScale += Math.log(c);
    c = sum;
  }
  const last = (steps - 1) * w;
  const end = alpha[last + len + 1] + (len > 1 ? alpha[last + len] : 0);
  if (!(end > 0 && end < Infinity)) return null;
  const nll = -(shift + logScale + Math.log(end));
  if (grad === null) return nll;

  // β from the end in two alternating rows (a virtual one after the last frame
  // leaving states L − 1 and L − 2), each frame's gradient as soon as its occupancies are known.
  occ.fill(0, 0, classes);
  const prod = rows.subarray(2 * w, 3 * w);
  let [next, cur] = [rows.subarray(0, w), rows.subarray(w, 2 * w)];
  next.fill(0);
  next[len + 1] = 1;
  let d = 1;
  for (let t = steps - 1; t >= 0; t--) {
    const [a, b] = [lo(t), hi(t)];
    const r = t * w;
    cur[a] = cur[a + 1] = cur[b + 2] = cur[b + 3] = 0;
    const inv = 1 / d;
    let sum = 0;
    let g = 0;
    for (let s = a; s < b; s++) {
      const q = s + 2;
      const combo = next[q] + next[q + 1] + (s + 2 < len && skip(s + 2) ? next[q + 2] : 0);
      const v = combo * emit[r + s] * inv;
      if (v > 0 && v < TINY) return null;
      cur[q] = v;
      sum += v;
      const pr = alpha[r + q] * combo;
      prod[q] = pr;
      g += pr;
    }
    if (!(sum > 0 && sum < Infinity) || !(g > 0 && g < Infinity)) return null;
    d = sum;
    for (let s = a; s < b; s++) occ[labels[s]] += prod[s + 2] / g;
    const base = (t * batch + n) * classes;
    for (let k = 0; k < classes; k++) grad[base + k] = Math.exp(logProbs[base + k]) - occ[k];
    for (let s = a; s < b; s++) occ[labels[s]] = 0;
    [next, cur] = [cur, next];
  }
  return nll;
}
