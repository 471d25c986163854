/**
 * Tensor factories: zeros, ones, full, randn, rand, arange. Random ones use
 * the global generator (reset by nx.manualSeed) or a private one when
 * `{ seed }` is given.
 *
 * The shape is an array (`zeros([2, 3])`) or, as in PyTorch, the dimensions
 * as separate numbers (`zeros(2, 3)`), optionally followed by the options
 * object. Anything else is an error: no argument is ever ignored.
 */
import { Tensor } from "./tensor";
import { describe } from "./errors";
import { generatorFor } from "./random";
import { checkElementCount, checkShape } from "./shape";
import { checkBoolean, checkInteger, checkNumber, checkOptions } from "./options";

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

/**
 * The arguments of the shape factories: the shape as one array (or number), or the dimensions as
 * numbers as in PyTorch, optionally followed by the options object: `zeros([2, 3])`,
 * `zeros(2, 3)`, `randn(2, 3, { seed: 0 })`.
 */
export type ShapeArgs<O> = [shape: number | readonly number[], opts?: O] | [...dims: number[], opts: O] | number[];

/** Splits `(shape, opts?)` or `(d0, d1, …, opts?)` into a checked shape and checked options. */
function shapeAndOptions(args: unknown[], what: string, allowed: readonly string[]): { shape: number[]; opts: Record<string, unknown> } {
  let dims: unknown[];
  let rest: unknown[];
  if (typeof args[0] === "number") {
    const n = args.findIndex((a) => typeof a !== "number");
    dims = n < 0 ? args : args.slice(0, n);
    rest = n < 0 ? [] : args.slice(n);
  } else {
    if (args.length > 2 && !(args.length === 3 && args[2] === undefined)) {
      throw new TypeError(`${what}: takes (shape, options?) or (d0, d1, …, options?); got ${args.length} arguments`);
    }
    if (typeof args[1] === "number") {
      throw new TypeError(`${what}: got a shape array followed by a number; pass every dimension in the array (${what}([..., ${args[1]}]))`);
    }
    if (args[0] === undefined) throw new TypeError(`${what}: a shape is required, e.g. ${what}([2, 3]) or ${what}(2, 3)`);
    dims = args[0] as unknown[];
    rest = args.slice(1);
  }
  if (rest.length > 1 && !(rest.length === 2 && rest[1] === undefined)) {
    throw new TypeError(`${what}: unexpected argument ${describe(rest[1])} after the options`);
  }
  const opts = checkOptions(rest[0], allowed, what);
  if (opts.requiresGrad !== undefined) checkBoolean(opts.requiresGrad, `${what}: requiresGrad`);
  return { shape: checkShape(dims, what), opts };
}

function filled(shape: readonly number[], value: number, opts: Record<string, unknown>): Tensor {
  const t = Tensor.empty(shape);
  t.data.fill(value);
  if (opts.requiresGrad === true) t.requiresGrad = true;
  return t;
}

/**
 * A tensor of zeros (`torch.zeros`); the shape as an array or, as in PyTorch, as numbers.
 * @example
 * ```ts
 * nx.zeros([2, 3]).shape; // [2, 3]
 * nx.zeros(2, 3).shape;   // [2, 3]
 * ```
 */
export function zeros(...args: ShapeArgs<FactoryOptions>): Tensor {
  const { shape, opts } = shapeAndOptions(args, "zeros", ["requiresGrad"]);
  return filled(shape, 0, opts);
}

/**
 * A tensor of ones (`torch.ones`).
 * @example
 * ```ts
 * nx.ones([3], { requiresGrad: true }).sum().item(); // 3
 * ```
 */
export function ones(...args: ShapeArgs<FactoryOptions>): Tensor {
  const { shape, opts } = shapeAndOptions(args, "ones", ["requiresGrad"]);
  return filled(shape, 1, opts);
}

/**
 * Every element `value` (`torch.full`; NaN and ±Infinity allowed, as in PyTorch).
 * @example
 * ```ts
 * nx.full([10, 64], 1.5); // 640 logits of 1.5
 * ```
 */
export function full(shape: number | readonly number[], value: number, opts?: FactoryOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) throw new TypeError(`full: takes (shape, value, options?); got ${3 + extra.length} arguments`);
  const dims = shapeAndOptions([typeof shape === "number" ? [shape] : shape, opts], "full", ["requiresGrad"]);
  if (typeof value !== "number") throw new TypeError(`full: value must be a number, got ${describe(value)}`);
  return filled(dims.shape, value, dims.opts);
}

function random(args: unknown[], what: string, sample: (rng: ReturnType<typeof generatorFor>) => number): Tensor {
  const { shape, opts } = shapeAndOptions(args, what, ["requiresGrad", "seed"]);
  if (opts.seed !== undefined) checkNumber(opts.seed, `${what}: seed`);
  const t = Tensor.empty(shape);
  const rng = generatorFor(opts.seed as number | undefined);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = sample(rng);
  if (opts.requiresGrad === true) t.requiresGrad = true;
  return t;
}

/**
 * Standard normal samples (`torch.randn`; neurenix's own seeded generator, not PyTorch's stream).
 * @example
 * ```ts
 * nx.manualSeed(0);
 * const logits = nx.randn([3, 5], { requiresGrad: true });
 * ```
 */
export function randn(...args: ShapeArgs<RandomOptions>): Tensor {
  return random(args, "randn", (rng) => rng.normal());
}

/**
 * Uniform samples in [0, 1) (`torch.rand`).
 * @example
 * ```ts
 * const probabilities = nx.rand([4, 2], { seed: 7 });
 * ```
 */
export function rand(...args: ShapeArgs<RandomOptions>): Tensor {
  return random(args, "rand", (rng) => {
    // float32 rounds values just below 1 up to 1; keep the interval half-open.
    const u = Math.fround(rng.uniform());
    return u === 1 ? 0.99999994 : u;
  });
}

/**
 * As torch.arange: `arange(end)` is 0, 1, …, end − 1; `arange(start, end,
 * step = 1)` is start, start + step, … while below end (above, for step < 0).
 * @example
 * ```ts
 * nx.arange(4).toArray();        // [0, 1, 2, 3]
 * nx.arange(1, 2, 0.5).toArray(); // [1, 1.5]
 * ```
 */
export function arange(startOrEnd: number, end?: number, step?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) throw new TypeError(`arange: takes (end) or (start, end, step?); got ${3 + extra.length} arguments`);
  const start = end === undefined ? 0 : checkNumber(startOrEnd, "arange: start");
  const stop = checkNumber(end === undefined ? startOrEnd : end, "arange: end");
  const by = step === undefined ? 1 : checkNumber(step, "arange: step");
  if (by === 0 || !Number.isFinite(by) || !Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new RangeError(`arange: start, end and step must be finite and step non-zero, got (${start}, ${stop}, ${by})`);
  }
  if ((stop - start) * by < 0) {
    throw new RangeError(`arange: step ${by} goes away from end ${stop} (start ${start}), as PyTorch rejects`);
  }
  const n = checkInteger(Math.ceil((stop - start) / by), "arange: length", { min: 0 });
  checkElementCount([n], "arange");
  const t = Tensor.empty([n]);
  const d = t.data;
  for (let i = 0; i < n; i++) d[i] = start + i * by;
  return t;
}
