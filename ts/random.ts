/**
 * Seeded random numbers: one global generator, reset by `manualSeed`.
 *
 * xoshiro128** (32-bit state words, fast in JS) seeded through splitmix32;
 * normals by the Box–Muller transform. The default seed is fixed, so a
 * program is reproducible even without `manualSeed` (PyTorch also starts
 * from a fixed default seed). The streams do not match PyTorch's Mersenne
 * Twister: reproduce PyTorch's weights by loading them (loadStateDict).
 */
import { checkNumber } from "./options";

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    this.seed(seed);
  }

  seed(seed: number): void {
    checkNumber(seed, "manualSeed: seed");
    // splitmix32 spreads any seed (including 0 and floats' integer part) over the state.
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 4294967296)) >>> 0;
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = null;
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal. */
  normal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    let u = 0;
    while (u === 0) u = this.uniform(); // log(0) guard
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

const DEFAULT_SEED = 67280421310721; // PyTorch's default CPU seed, for familiarity
export const globalGenerator = new Generator(DEFAULT_SEED);

/** Seeds the global generator used by randn/rand, Linear's initialisation and shuffling. */
export function manualSeed(seed: number): void {
  globalGenerator.seed(seed);
}

/** A generator for `{ seed }` options: a fresh one when a seed is given, else the global one. */
export function generatorFor(seed: number | undefined): Generator {
  return seed === undefined ? globalGenerator : new Generator(seed);
}
