/**
 * The element-wise loss workloads of issue 5: MSE and L1 at n = 1e3, 1e5,
 * 4e6 and BCEWithLogits at n = 1e5, 4e6, with their float64 references:
 *   MSE   mean (x − y)²
 *   L1    mean |x − y|
 *   BCEWithLogits  mean max(x, 0) − x·y + log1p(exp(−|x|))  (the stable softplus form)
 * Inputs are N(0, 1) (logits N(0, 3²)); BCE targets are 0/1 labels.
 */
import { Rng } from "../lib/random";
import { formatCount } from "../lib/stats";
import type { LossKind, Problem } from "./problem";

export const MSE_L1_SIZES = [1e3, 1e5, 4e6];
export const BCE_SIZES = [1e5, 4e6];

function reference(loss: LossKind, x: Float32Array, y: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = y[i];
    if (loss === "mse") s += (xi - yi) * (xi - yi);
    else if (loss === "l1") s += Math.abs(xi - yi);
    else s += Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi)));
  }
  return s / x.length;
}

export function elementwiseProblem(loss: "mse" | "l1" | "bce", size: number, seed: number): Problem {
  const rng = new Rng(seed);
  const input = rng.normals(size, loss === "bce" ? 3 : 1);
  const target = loss === "bce" ? rng.ints(size, 2) : rng.normals(size);
  return {
    loss,
    label: `n=${formatCount(size)}`,
    shape: [size],
    size,
    n: size,
    classes: 1,
    inner: 1,
    input,
    target,
    reference: reference(loss, input, target),
  };
}

/** Problems are made one at a time (4e6-element arrays add up). */
export function* elementwiseProblems(kinds: readonly ("mse" | "l1" | "bce")[]): Generator<Problem> {
  for (const loss of kinds) {
    const sizes = loss === "bce" ? BCE_SIZES : MSE_L1_SIZES;
    for (const size of sizes) yield elementwiseProblem(loss, size, size + loss.length);
  }
}
