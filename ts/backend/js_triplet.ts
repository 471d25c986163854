/**
 * The js backend's TripletMarginLoss for p ∉ {1, 2} (js.ts keeps the common
 * p = 1 and 2 inline): the p-norm of each difference from Σ|v|^p in float64
 * (max |v| for p = ∞) and its gradient, as ts/ops/norm.ts and PyTorch 1.13:
 * sign(v)·|v|^(p−1)/‖v‖^(p−1), sign(v) shared among the maximal |v| for
 * p = ∞, 0 where the norm is 0. Same contract as Backend.tripletMarginFwdBwd.
 */
import type { Backend, F32 } from "./backend";
import { sign } from "./js_math";

/**
 * One row's hinge from its three distances: z = m + dp − dn with dn = dan,
 * or min(dan, dqn) with swap (whose gradient goes to the smaller one, half
 * each on a tie, as torch.min of two tensors): the loss max(z, 0), and the
 * weights of dan and dqn in the gradient.
 */
export function tripletRow(dp: number, dan: number, dqn: number, m: number, swap: boolean) {
  const [wan, wqn] = !swap || dan < dqn ? [1, 0] : dqn < dan ? [0, 1] : [0.5, 0.5];
  const z = m + dp - (swap && dqn < dan ? dqn : dan);
  return { z, loss: Math.max(z, 0), wan, wqn };
}

/**
 * The three gradients at `at` from the scaled norm gradients ĝp (a − q), ĝan
 * (a − r) and ĝqn (q − r): ∂a = ĝp − ĝan, ∂q = −ĝp − ĝqn, ∂r = ĝan + ĝqn
 * (computed, not −(∂a + ∂q), which cancels where it is small).
 */
export function tripletGrads(ga: F32 | null, gq: F32 | null, gr: F32 | null, at: number, gp: number, gan: number, gqn: number): void {
  if (ga !== null) ga[at] = gp - gan;
  if (gq !== null) gq[at] = -gp - gqn;
  if (gr !== null) gr[at] = gan + gqn;
}

export const tripletGeneralP: Backend["tripletMarginFwdBwd"] = (a, q, r, n, d, p, margin, eps, swap, lossOut, gradOut, grad2Out, grad3Out, gradScale) => {
  const [m, e] = [Math.fround(margin), Math.fround(eps)];
  const pairs: [F32, F32][] = [[a, q], [a, r], [q, r]];
  let total = 0;
  for (let row = 0; row < n; row++) {
    const o = row * d;
    const acc = [0, 0, 0];
    for (let k = 0; k < d; k++) {
      for (let j = 0; j < 3; j++) {
        const t = Math.abs(pairs[j][0][o + k] - pairs[j][1][o + k] + e);
        acc[j] = p === Infinity ? (t > acc[j] || Number.isNaN(t) ? t : acc[j]) : acc[j] + t ** p;
      }
    }
    const [dp, dan, dqn] = p === Infinity ? acc : acc.map((s) => s ** (1 / p));
    const { z, loss, wan, wqn } = tripletRow(dp, dan, dqn, m, swap);
    if (lossOut !== null) lossOut[row] = loss;
    total += loss;
    const k = z >= 0 ? gradScale : 0;
    const norms = [dp, dan, dqn];
    // k/‖v‖^(p−1) per distance, or k/ties for p = ∞ (the maximal entries share the gradient).
    const scale = norms.map((nrm, j) => {
      if (p !== Infinity) return 1 / nrm ** (p - 1);
      let c = 0;
      for (let i = 0; i < d; i++) if (Math.abs(pairs[j][0][o + i] - pairs[j][1][o + i] + e) === nrm) c++;
      return 1 / c;
    });
    const dnorm = (j: number, i: number) => {
      const v = pairs[j][0][o + i] - pairs[j][1][o + i] + e;
      // A zero coordinate gets 0, also for p < 1 where |v|^(p−1) is ∞ (torch masks it).
      if (norms[j] === 0 || v === 0) return 0;
      if (p === Infinity) return Math.abs(v) === norms[j] ? sign(v) * scale[j] : 0;
      return sign(v) * Math.abs(v) ** (p - 1) * scale[j];
    };
    if (gradOut === null && grad2Out === null && grad3Out === null) continue;
    for (let i = 0; i < d; i++) tripletGrads(gradOut, grad2Out, grad3Out, o + i, k * dnorm(0, i), k * wan * dnorm(1, i), k * wqn * dnorm(2, i));
  }
  return total;
};
