/**
 * Random pieces of fuzz cases: shapes by size class, float32 values at a
 * random scale, broadcastable weight shapes. Everything is drawn from the
 * case's own seeded Rng, so a case is reproducible from (seed, index).
 */
import type { Rng } from "../helpers/prng";
import type { Plain, SizeClass } from "./reference/types";

export const f32 = Math.fround;

/** An integer in [lo, hi]. */
export function int(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

export function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng() * xs.length)];
}

export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** A log-uniform integer in [lo, hi] (long rows up to 1e5 without making every case long). */
export function logInt(rng: Rng, lo: number, hi: number): number {
  return Math.min(hi, Math.floor(Math.exp(Math.log(lo) + rng() * (Math.log(hi + 1) - Math.log(lo)))));
}

export const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A standard normal sample (Box–Muller). */
export function normal(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/** n float32 values ~ N(0, scale²). */
export function normals(rng: Rng, n: number, scale: number): number[] {
  return Array.from({ length: n }, () => f32(scale * normal(rng)));
}

/** n float32 values uniform in [lo, hi]. */
export function uniforms(rng: Rng, n: number, lo: number, hi: number): number[] {
  return Array.from({ length: n }, () => f32(lo + (hi - lo) * rng()));
}

export const plain = (shape: number[], data: number[]): Plain => ({ shape, data });

/** Scales of values (logits, regression targets): tiny to ±1e4. */
export const SCALES = [1e-3, 0.1, 1, 3, 30, 1e3, 1e4] as const;

/** The size classes and how often each is drawn. */
export const SIZE_CLASSES: readonly [SizeClass, number][] = [
  ["empty", 0.05],
  ["tiny", 0.2],
  ["small", 0.35],
  ["medium", 0.18],
  ["long", 0.07],
  ["kdim", 0.15],
];

export function sizeClass(rng: Rng): SizeClass {
  let r = rng();
  for (const [s, p] of SIZE_CLASSES) {
    if ((r -= p) < 0) return s;
  }
  return "small";
}

/** An input shape for an element-wise loss. */
export function elementShape(rng: Rng, size: SizeClass): number[] {
  switch (size) {
    case "empty": {
      const shape = Array.from({ length: int(rng, 1, 3) }, () => int(rng, 1, 5));
      shape[int(rng, 0, shape.length - 1)] = 0;
      return shape;
    }
    case "tiny":
      return pick(rng, [[], [int(rng, 1, 9)], [int(rng, 1, 3), int(rng, 1, 9)]]);
    case "small":
      return Array.from({ length: int(rng, 1, 3) }, () => int(rng, 1, 12));
    case "medium":
      return [int(rng, 1, 64), int(rng, 10, 80)];
    case "long":
      return chance(rng, 0.5) ? [logInt(rng, 1e4, 1e5)] : [int(rng, 1, 3), logInt(rng, 1e4, 1e5)];
    case "kdim":
      return Array.from({ length: int(rng, 3, 5) }, () => int(rng, 1, 6));
  }
}

/**
 * A weight shape that broadcasts to `shape` without changing it: the full
 * shape, a suffix, or a suffix with some dimensions set to 1.
 */
export function broadcastShape(rng: Rng, shape: readonly number[]): number[] {
  const k = int(rng, 0, shape.length);
  return shape.slice(shape.length - k).map((d) => (chance(rng, 0.3) ? 1 : d));
}

/** Index into `shape`'s flat layout of the element that a broadcast `wShape` maps flat index i of `shape` to. */
export function broadcastIndex(shape: readonly number[], wShape: readonly number[], i: number): number {
  let w = 0;
  let stride = 1;
  let rest = i;
  const off = shape.length - wShape.length;
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  for (let d = wShape.length - 1; d >= 0; d--) {
    if (wShape[d] !== 1) w += idx[d + off] * stride;
    stride *= wShape[d];
  }
  return w;
}

/** n labels ±1 (float32). */
export function signs(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
}

/** A reduction, uniformly. */
export function reductionOf(rng: Rng): "none" | "mean" | "sum" {
  return pick(rng, ["none", "mean", "sum"] as const);
}

/**
 * A regression pair at a random scale: x ~ N(0, s²) and y either close to x
 * (some exactly equal) or independent, as MSELoss draws.
 */
export function regressionPair(rng: Rng, n: number): { x: number[]; y: number[]; scale: number } {
  const scale = pick(rng, SCALES);
  const x = normals(rng, n, scale);
  const y = chance(rng, 0.5) ? x.map((v, i) => (i % 7 === 3 ? v : f32(v + scale * 0.01 * (rng() - 0.5)))) : normals(rng, n, scale);
  return { x, y, scale };
}

/**
 * A shape (N, D) or (D) for the row losses (MultiMargin, MultiLabel…,
 * CosineEmbedding, Triplet…): a batch of N rows of D classes or features;
 * "kdim" is the unbatched (D). "long" gives rows of 1e4–1e5, or with
 * `longBatch` (a loss whose cost grows faster than D) many short rows.
 * `emptyRows` false: never a 0-length row (PyTorch rejects D = 0).
 */
export function rowShape(rng: Rng, size: SizeClass, o: { emptyRows?: boolean; longBatch?: boolean } = {}): number[] {
  switch (size) {
    case "empty":
      return chance(rng, 0.5) || o.emptyRows === false ? [0, int(rng, 1, 5)] : [int(rng, 1, 4), 0];
    case "tiny":
      return chance(rng, 0.3) ? [int(rng, 1, 6)] : [int(rng, 1, 3), int(rng, 1, 6)];
    case "small":
      return [int(rng, 1, 12), int(rng, 1, 16)];
    case "medium":
      return [int(rng, 1, 64), int(rng, 10, 120)];
    case "long":
      if (o.longBatch) return [logInt(rng, 1e3, 1e4), int(rng, 1, 6)];
      return chance(rng, 0.3) ? [logInt(rng, 1e4, 1e5)] : [int(rng, 1, 3), logInt(rng, 1e4, 1e5)];
    case "kdim":
      return [int(rng, 1, 40)];
  }
}
