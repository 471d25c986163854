/**
 * Option objects, validated in one place: unknown keys (a typo, or a Python
 * name such as `ignore_index`) are a TypeError naming the key and, for
 * Python names, the TypeScript one; values are checked by numberOption,
 * booleanOption, integerOption and functionOption (RangeError for a value
 * out of range, TypeError for a wrong kind, each naming the option).
 */
import { describe } from "./errors";

const PYTHON_NAMES: Record<string, string> = {
  ignore_index: "ignoreIndex",
  label_smoothing: "labelSmoothing",
  pos_weight: "posWeight",
  size_average: "reduction",
  reduce: "reduction",
  log_target: "logTarget",
  log_input: "logInput",
  zero_infinity: "zeroInfinity",
  distance_function: "distanceFunction",
  weight_decay: "weightDecay",
  batch_size: "batchSize",
  drop_last: "dropLast",
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

// ---- option values: every loss validates its options here ------------------

/** A number option (default when absent); RangeError unless `valid(v)`, naming `rule`. */
export function numberOption(
  opts: Record<string, unknown>,
  key: string,
  fallback: number,
  what: string,
  rule?: { valid: (v: number) => boolean; expected: string },
): number {
  const v = opts[key] ?? fallback;
  if (typeof v !== "number") throw new TypeError(`${what}: ${key} must be a number, got ${describe(v)}`);
  if (Number.isNaN(v) || (rule !== undefined && !rule.valid(v))) {
    throw new RangeError(`${what}: ${key} must be ${rule?.expected ?? "a number"}, got ${v}`);
  }
  return v;
}

/** Rules for numberOption. */
export const POSITIVE = { valid: (v: number) => v > 0 && v < Infinity, expected: "positive and finite" };
export const NON_NEGATIVE = { valid: (v: number) => v >= 0 && v < Infinity, expected: "non-negative and finite" };
export const FINITE = { valid: (v: number) => Number.isFinite(v), expected: "finite" };

/** A boolean option (default when absent); TypeError for anything else. */
export function booleanOption(opts: Record<string, unknown>, key: string, fallback: boolean, what: string): boolean {
  const v = opts[key] ?? fallback;
  if (typeof v !== "boolean") throw new TypeError(`${what}: ${key} must be a boolean, got ${describe(v)}`);
  return v;
}

/** An integer option (default when absent). */
export function integerOption(opts: Record<string, unknown>, key: string, fallback: number, what: string): number {
  const v = opts[key] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw new TypeError(`${what}: ${key} must be an integer, got ${typeof v === "number" ? v : describe(v)}`);
  }
  return v;
}

/** A function option (undefined when absent). */
export function functionOption<F extends (...args: never[]) => unknown>(opts: Record<string, unknown>, key: string, what: string): F | undefined {
  const v = opts[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "function") throw new TypeError(`${what}: ${key} must be a function, got ${describe(v)}`);
  return v as F;
}
