/**
 * The cross-entropy workloads of issue 5: (N, C) = (64, 10), (1024, 1000),
 * (256, 32000) and the K-dim segmentation case (8, 21, 64, 64), class-index
 * targets, mean reduction. Float64 reference, max-shifted:
 *   loss_s = max_c x_c + log Σ_c exp(x_c − max) − x_t,  mean over N·d1…dk.
 */
import { Rng } from "../lib/random";
import type { Problem } from "./problem";

export const CE_SHAPES: number[][] = [
  [64, 10],
  [1024, 1000],
  [256, 32000],
  [8, 21, 64, 64],
];

function reference(x: Float32Array, t: Float32Array, n: number, classes: number, inner: number): number {
  let total = 0;
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < inner; j++) {
      const base = s * classes * inner + j;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, x[base + c * inner]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(x[base + c * inner] - max);
      total += max + Math.log(sum) - x[base + t[s * inner + j] * inner];
    }
  }
  return total / (n * inner);
}

export function crossEntropyProblem(shape: number[], seed: number): Problem {
  const [n, classes, ...rest] = shape;
  const inner = rest.reduce((a, b) => a * b, 1);
  const size = n * classes * inner;
  const rng = new Rng(seed);
  const input = rng.normals(size, 2);
  const target = rng.ints(n * inner, classes);
  return {
    loss: "ce",
    label: `(${shape.join(", ")})`,
    shape,
    size,
    n,
    classes,
    inner,
    input,
    target,
    reference: reference(input, target, n, classes, inner),
  };
}

export function* crossEntropyProblems(): Generator<Problem> {
  for (const shape of CE_SHAPES) yield crossEntropyProblem(shape, shape[0] * shape[1]);
}
