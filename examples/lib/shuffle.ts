/**
 * Seeded numbers that the PyTorch twins reproduce exactly (examples/lib/
 * twin.py's functions of the same names): permutations by a Fisher–Yates
 * shuffle driven by the 32-bit LCG s ← 1664525·s + 1013904223 (mod 2³²),
 * j = ⌊s·(i + 1) / 2³²⌋, and integers and uniform numbers from the same LCG.
 * Exact integer arithmetic in float64, so both languages give the same values.
 */

/** 0…n−1 shuffled by `seed` (an integer). */
export function permutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = Math.floor((s * (i + 1)) / 4294967296);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** The training order of one epoch of a task: permutation(n, 1000·taskSeed + epoch). */
export function epochOrder(n: number, taskSeed: number, epoch: number): number[] {
  return permutation(n, 1000 * taskSeed + epoch);
}

/** `count` integers in [0, n) from the same LCG (twin.py's `random_ints`), e.g. where to place each digit. */
export function randomInts(count: number, n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.floor((s * n) / 4294967296);
  });
}

/** `count` numbers in [0, 1) from the same LCG (twin.py's `random_uniform`): s / 2³² after each step. */
export function randomUniform(count: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  });
}
