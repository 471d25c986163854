/**
 * Tensor factories: zeros, ones, full, randn, rand, arange. Random ones use
 * the global generator (reset by nx.manualSeed) or a private one when
 * `{ seed }` is given.
 */
import { Tensor } from "./tensor";
import { checkFiniteNumber, checkPositiveInt, describe } from "./errors";
import { generatorFor } from "./random";
import { formatShape } from "./shape";

/** Options of the tensor factories. */
export interface FactoryOptions {
  /** Make a leaf that records operations for autograd (default false). */
  requiresGrad?: boolean;
}
/** Options of the random factories. */
export interface RandomOptions extends FactoryOptions {
  /** Draw from a private generator seeded with this (default: the global one, reset by nx.manualSeed). */
  seed?: number;
}

function checkedShape(shape: unknown, what: string): number[] {
  const dims = typeof shape === "number" ? [shape] : shape;
  if (!Array.isArray(dims)) throw new TypeError(`${what}: shape must be an array of integers, got ${describe(shape)}`);
  for (const d of dims) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${what}: shape ${formatShape(dims)} must hold non-negative integers`);
    }
  }
  return dims.slice();
}

function filled(shape: readonly number[], value: number, opts: FactoryOptions | undefined): Tensor {
  const t = Tensor.empty(shape);
  t.data.fill(value);
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * A tensor of zeros (`torch.zeros`).
 * @example
 * ```ts
 * nx.zeros([2, 3]).shape; // [2, 3]
 * ```
 */
export function zeros(shape: number | readonly number[], opts?: FactoryOptions): Tensor {
  return filled(checkedShape(shape, "zeros"), 0, opts);
}

/**
 * A tensor of ones (`torch.ones`).
 * @example
 * ```ts
 * nx.ones([3], { requiresGrad: true }).sum().item(); // 3
 * ```
 */
export function ones(shape: number | readonly number[], opts?: FactoryOptions): Tensor {
  return filled(checkedShape(shape, "ones"), 1, opts);
}

/**
 * A tensor filled with `value` (`torch.full`).
 * @example
 * ```ts
 * nx.full([10, 64], 1.5); // 640 logits of 1.5
 * ```
 */
export function full(shape: number | readonly number[], value: number, opts?: FactoryOptions): Tensor {
  return filled(checkedShape(shape, "full"), checkFiniteNumber(value, "full: value"), opts);
}

/**
 * Standard normal samples (`torch.randn`; neurenix's own seeded generator, not PyTorch's stream).
 * @example
 * ```ts
 * nx.manualSeed(0);
 * const logits = nx.randn([3, 5], { requiresGrad: true });
 * ```
 */
export function randn(shape: number | readonly number[], opts?: RandomOptions): Tensor {
  const t = Tensor.empty(checkedShape(shape, "randn"));
  const rng = generatorFor(opts?.seed);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * Uniform samples in [0, 1) (`torch.rand`).
 * @example
 * ```ts
 * const probabilities = nx.rand([4, 2], { seed: 7 });
 * ```
 */
export function rand(shape: number | readonly number[], opts?: RandomOptions): Tensor {
  const t = Tensor.empty(checkedShape(shape, "rand"));
  const rng = generatorFor(opts?.seed);
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    // float32 rounds values just below 1 up to 1; keep the interval half-open.
    const u = Math.fround(rng.uniform());
    d[i] = u === 1 ? 0.99999994 : u;
  }
  if (opts?.requiresGrad) t.requiresGrad = true;
  return t;
}

/**
 * 0, 1, …, n − 1 (`torch.arange(n)`).
 * @example
 * ```ts
 * nx.arange(4).toArray(); // [0, 1, 2, 3]
 * ```
 */
export function arange(n: number): Tensor {
  checkPositiveInt(n, "arange: n", true);
  const t = Tensor.empty([n]);
  const d = t.data;
  for (let i = 0; i < n; i++) d[i] = i;
  return t;
}
