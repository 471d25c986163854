/**
 * A small seeded PRNG for test inputs (mulberry32), so every random case is
 * reproducible from its seed. Not the library's generator (ts/random.ts): the
 * tests should not depend on what they test.
 */

export type Rng = () => number;

/** Uniform in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n uniform values in [lo, hi). */
export function uniform(rng: Rng, n: number, lo = -1, hi = 1): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * rng();
  return out;
}

/** An integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}
