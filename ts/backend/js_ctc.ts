/**
 * The js backend's CTC kernel (Backend.ctcFwdBwd). Each sample runs first
 * in scaled linear space (js_ctc_scaled.ts, as the wasm kernel does) and,
 * where that declines, here: the forward (α) and
 * backward (β) recursions of Graves et al. in log space, per sample, over
 * the extended label sequence l' = (blank, y1, blank, y2, …, blank) of
 * length L = 2·|y| + 1, in float64:
 *   α_0(0) = lp_0(blank), α_0(1) = lp_0(y1);
 *   α_t(s) = lp_t(l'_s) + lse(α_{t−1}(s), α_{t−1}(s−1), [α_{t−1}(s−2) if l'_s ≠ blank, l'_s ≠ l'_{s−2}])
 *   loss = −lse(α_{T−1}(L−1), α_{T−1}(L−2))
 * and β the same from the end (both include the emission at t). The
 * gradient is PyTorch's (ctc_loss_backward_cpu), with nll the loss:
 *   ∂/∂lp_t(c) = e^{lp_t(c)} − e^{lse_{s: l'_s = c}(α_t(s) + β_t(s)) + nll − lp_t(c)}  for t < T_n, 0 after
 * (the e^{lp} term makes it the gradient of the logits when lp comes from
 * log_softmax, as PyTorch documents). With zeroInfinity an infinite loss
 * and its gradient are 0.
 */
import type { Backend } from "./backend";
import { ctcScaled, ONE_BLOCK, ONE_BLOCK_FRAMES, SMALL_BLOCKS } from "./js_ctc_scaled";

let alpha = new Float64Array(0);
let beta = new Float64Array(0);
let lcab = new Float64Array(0);
let labels = new Int32Array(0);

/** log(e^a + e^b) without overflow; −∞ stays −∞. */
function lse(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const m = a > b ? a : b;
  return m + Math.log1p(Math.exp(-Math.abs(a - b)));
}

export const ctcFwdBwdJs: Backend["ctcFwdBwd"] = (
  logProbs, targets, targetOffsets, inputLengths, targetLengths, steps, batch, classes, blank, zeroInfinity, lossOut, gradOut,
  // the workspace (last argument) is for the wasm kernel: this one keeps its own float64 scratch
) => {
  if (gradOut !== null) gradOut.fill(0);
  if (lcab.length < classes) lcab = new Float64Array(classes);
  for (let n = 0; n < batch; n++) {
    const tn = inputLengths[n];
    const tl = targetLengths[n];
    const off = targetOffsets[n];
    const L = 2 * tl + 1;
    if (alpha.length < steps * L) {
      alpha = new Float64Array(steps * L);
      beta = new Float64Array(steps * L);
    }
    if (labels.length !== L) labels = new Int32Array(L);
    for (let s = 0; s < L; s++) labels[s] = s % 2 === 0 ? blank : targets[off + (s - 1) / 2];
    const sample = { logProbs, n, batch, classes, steps: tn, labels };
    const fast = (tn < ONE_BLOCK_FRAMES ? ctcScaled(sample, gradOut, ONE_BLOCK) : null) ?? ctcScaled(sample, gradOut, SMALL_BLOCKS);
    if (fast !== null) {
      lossOut[n] = fast;
      continue;
    }
    if (gradOut !== null) for (let t = 0; t < tn; t++) gradOut.fill(0, (t * batch + n) * classes, (t * batch + n + 1) * classes);
    const label = (s: number) => labels[s];
    const lp = (t: number, c: number) => logProbs[(t * batch + n) * classes + c];
    // May label s be reached from s − 2 (skipping a blank)?
    const skip = (s: number) => s > 1 && label(s) !== blank && label(s) !== label(s - 2);

    let nll = tl === 0 && tn === 0 ? 0 : Infinity;
    if (tn > 0) {
      alpha.fill(-Infinity, 0, tn * L);
      alpha[0] = lp(0, blank);
      if (L > 1) alpha[1] = lp(0, label(1));
      for (let t = 1; t < tn; t++) {
        for (let s = 0; s < L; s++) {
          const prev = (t - 1) * L + s;
          let a = alpha[prev];
          if (s > 0) a = lse(a, alpha[prev - 1]);
          if (skip(s)) a = lse(a, alpha[prev - 2]);
          alpha[t * L + s] = a === -Infinity ? a : a + lp(t, label(s));
        }
      }
      const last = (tn - 1) * L;
      nll = -lse(alpha[last + L - 1], L > 1 ? alpha[last + L - 2] : -Infinity);
    }
    const infinite = nll === Infinity;
    lossOut[n] = infinite && zeroInfinity ? 0 : nll;
    if (gradOut === null || tn === 0 || (infinite && zeroInfinity)) continue;

    beta.fill(-Infinity, 0, tn * L);
    const last = (tn - 1) * L;
    beta[last + L - 1] = lp(tn - 1, label(L - 1));
    if (L > 1) beta[last + L - 2] = lp(tn - 1, label(L - 2));
    for (let t = tn - 2; t >= 0; t--) {
      for (let s = 0; s < L; s++) {
        const next = (t + 1) * L + s;
        let b = beta[next];
        if (s < L - 1) b = lse(b, beta[next + 1]);
        if (s < L - 2 && skip(s + 2)) b = lse(b, beta[next + 2]);
        beta[t * L + s] = b === -Infinity ? b : b + lp(t, label(s));
      }
    }
    for (let t = 0; t < tn; t++) {
      lcab.fill(-Infinity, 0, classes);
      for (let s = 0; s < L; s++) {
        const c = label(s);
        lcab[c] = lse(lcab[c], alpha[t * L + s] + beta[t * L + s]);
      }
      for (let c = 0; c < classes; c++) {
        const v = lp(t, c);
        gradOut[(t * batch + n) * classes + c] = Math.exp(v) - Math.exp(lcab[c] + nll - v);
      }
    }
  }
};
