/**
 * Scalar helpers of the js backend and of the element-wise losses' JS
 * formulas (ts/losses/*.ts), in float64.
 */

/**
 * torch.sign: −1, 0 or 1; 0 for ±0 and NaN. Without branches: on random
 * signs the nested conditional mispredicts (L1's js loop ran 3.4× slower).
 */
export function sign(v: number): number {
  return +(v > 0) - +(v < 0);
}

/** 1 / (1 + e^−x): exp overflow gives 0, never NaN. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(1 + e^z), without overflow. */
export function softplus(z: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}
