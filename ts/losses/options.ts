/**
 * Option checks shared by the loss constructors: unknown keys (a typo, or a
 * Python name such as `ignore_index`) are a TypeError naming the key, and
 * weights are copied into a Tensor of the expected length.
 */
import { Tensor } from "../tensor";
import { describe } from "../errors";
import { formatShape } from "../shape";

const PYTHON_NAMES: Record<string, string> = {
  ignore_index: "ignoreIndex",
  label_smoothing: "labelSmoothing",
  pos_weight: "posWeight",
  size_average: "reduction",
  reduce: "reduction",
};

export function checkOptions(opts: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new TypeError(`${what}: options must be an object, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!allowed.includes(key)) {
      const hint = PYTHON_NAMES[key] !== undefined ? ` (did you mean '${PYTHON_NAMES[key]}'?)` : "";
      throw new TypeError(`${what}: unknown option '${key}'${hint}; expected one of ${allowed.join(", ")}`);
    }
  }
  return opts as Record<string, unknown>;
}

/** A weight option as a private Tensor copy (Tensor or array-like of numbers accepted). */
export function weightTensor(value: unknown, what: string): Tensor | null {
  if (value === undefined || value === null) return null;
  if (value instanceof Tensor) {
    const copy = new Tensor(value.data, { shape: value.shape });
    return copy;
  }
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return new Tensor(value as ArrayLike<number>);
  }
  throw new TypeError(`${what} must be a Tensor or an array of numbers, got ${describe(value)}`);
}

export function checkWeightLength(weight: Tensor, length: number, what: string, of: string): void {
  if (weight.ndim !== 1 || weight.size !== length) {
    throw new RangeError(`${what} must have ${length} elements (one per ${of}), got shape ${formatShape(weight.shape)}`);
  }
}
