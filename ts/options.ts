/**
 * The one argument checker of the public API: option objects and the values
 * in them (and positional arguments) go through these functions, so every
 * mistake gets the same kind of message:
 *   - a wrong kind is a TypeError naming the kind received:
 *       `CrossEntropyLoss: labelSmoothing must be a number, got string "0.1"`
 *   - a value out of range is a RangeError naming the range:
 *       `CrossEntropyLoss: labelSmoothing must be in [0, 1], got 1.5`
 *   - an unknown key is a TypeError naming the closest known one; Python
 *     names get their TypeScript spelling (`requires_grad` → `requiresGrad`).
 * Python method names (`opt.zero_grad()`) get the same hint through
 * `pythonNames` (see the bottom of this file).
 */
import { describe } from "./errors";

/** Python names that are not just the camelCase of the TypeScript one. */
const PYTHON_NAMES: Record<string, string> = {
  size_average: "reduction",
  reduce: "reduction",
  weight_decay: "weightDecay",
};

/** Options some users expect that neurenix deliberately has not. */
const UNSUPPORTED: Record<string, string> = {
  dtype: "tensors are always float32",
  device: "kernels run on the CPU (wasm-simd or js)",
};

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** " (did you mean 'x'?)" for the known name closest to `key`, or "". */
export function closestName(key: string, known: readonly string[]): string {
  const python = PYTHON_NAMES[key] ?? camel(key);
  if (python !== key && known.includes(python)) return ` (did you mean '${python}'? neurenix uses camelCase names)`;
  let best = "";
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean '${best}'?)` : "";
}

/** The options object (or {} for undefined); TypeError for anything else or an unknown key. */
export function checkOptions(opts: unknown, allowed: readonly string[], what: string): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object" || Array.isArray(opts) || ArrayBuffer.isView(opts)) {
    throw new TypeError(`${what}: options must be an object, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (allowed.includes(key)) continue;
    const why = UNSUPPORTED[key] !== undefined ? ` (${UNSUPPORTED[key]})` : closestName(key, allowed);
    throw new TypeError(
      `${what}: unknown option '${key}'${why}; expected ${allowed.length > 0 ? `one of ${allowed.join(", ")}` : "no options"}`,
    );
  }
  return opts as Record<string, unknown>;
}

/** A range of numbers: bounds included unless marked open. */
export interface Range {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
}

/** Any finite number (NaN and ±Infinity out). */
export const FINITE: Range = { min: -Infinity, max: Infinity, minOpen: true, maxOpen: true };

function rangeText({ min, max, minOpen, maxOpen }: Range): string {
  if (min === -Infinity && max === Infinity && minOpen && maxOpen) return "finite";
  if (min !== undefined && max !== undefined) return `in ${minOpen ? "(" : "["}${min}, ${max}${maxOpen ? ")" : "]"}`;
  if (min !== undefined) return minOpen ? `> ${min}` : `≥ ${min}`;
  if (max !== undefined) return maxOpen ? `< ${max}` : `≤ ${max}`;
  return "a number";
}

function inRange(v: number, { min, max, minOpen, maxOpen }: Range): boolean {
  if (Number.isNaN(v)) return false;
  if (min !== undefined && (minOpen ? !(v > min) : !(v >= min))) return false;
  if (max !== undefined && (maxOpen ? !(v < max) : !(v <= max))) return false;
  return true;
}

/** A number (TypeError otherwise) within `range` (RangeError otherwise; NaN never is). */
export function checkNumber(value: unknown, what: string, range: Range = {}): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be a number, got ${describe(value)}`);
  if (!inRange(value, range) || (Object.keys(range).length === 0 && Number.isNaN(value))) {
    throw new RangeError(`${what} must be ${rangeText(range)}, got ${value}`);
  }
  return value;
}

/** An integer (TypeError for other kinds, RangeError for fractions and out of range). */
export function checkInteger(value: unknown, what: string, range: Range = {}): number {
  if (typeof value !== "number") throw new TypeError(`${what} must be an integer, got ${describe(value)}`);
  if (!Number.isInteger(value)) throw new RangeError(`${what} must be an integer, got ${value}`);
  if (!inRange(value, range)) throw new RangeError(`${what} must be an integer ${rangeText(range)}, got ${value}`);
  return value;
}

export function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== "boolean") throw new TypeError(`${what} must be a boolean, got ${describe(value)}`);
  return value;
}

/** One of `choices` (RangeError naming them). */
export function checkChoice<T extends string>(value: unknown, what: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) {
    const list = choices.map((c) => JSON.stringify(c)).join(", ");
    throw new RangeError(`${what} must be one of ${list}, got ${describe(value)}`);
  }
  return value as T;
}

/**
 * Defines, on a class's prototype, non-enumerable members under PyTorch's
 * names (`zero_grad`, `state_dict`, …) that throw a TypeError naming the
 * neurenix one, so `opt.zero_grad()` says "use opt.zeroGrad()" instead of
 * "zero_grad is not a function". `receiver` names the object in the message
 * ("opt", "model", "t"); the replacement is written as used ("zeroGrad()").
 * Methods throw when called; properties (e.g. `requires_grad`) throw on read
 * and on assignment, so `t.requires_grad = true` is not silently ignored.
 */
export function pythonNames(
  proto: object,
  receiver: string,
  names: { methods?: Record<string, string>; properties?: Record<string, string> },
): void {
  const fail = (py: string, ts: string, call: boolean) => {
    throw new TypeError(`${receiver}.${py}${call ? "()" : ""} is PyTorch's spelling; in neurenix use ${receiver}.${ts}`);
  };
  for (const [py, ts] of Object.entries(names.methods ?? {})) {
    Object.defineProperty(proto, py, {
      value: function pythonName() {
        fail(py, ts, true);
      },
      enumerable: false,
      configurable: true,
      writable: true,
    });
  }
  for (const [py, ts] of Object.entries(names.properties ?? {})) {
    Object.defineProperty(proto, py, {
      get: () => fail(py, ts, false),
      set: () => fail(py, ts, false),
      enumerable: false,
      configurable: true,
    });
  }
}

// ---- option values read from an options object ------------------------------
// The losses read their options with these: each is the checker above on
// `opts[key]` (or the default when absent), named "<what>: <key>".

/** A rule a number option must satisfy beyond being a number (not NaN), named for the RangeError. */
export interface Rule {
  valid: (v: number) => boolean;
  expected: string;
}

/** Positive and finite (a width such as Huber's delta, an eps). */
export const POSITIVE: Rule = { valid: (v) => v > 0 && v < Infinity, expected: "positive and finite" };
/** Non-negative and finite (SmoothL1's beta, focal's gamma). */
export const NON_NEGATIVE: Rule = { valid: (v) => v >= 0 && v < Infinity, expected: "non-negative and finite" };

/**
 * A number option (`fallback` when absent): TypeError for another kind,
 * RangeError for NaN or a value outside `rule` (a Range or a Rule).
 */
export function numberOption(
  opts: Record<string, unknown>,
  key: string,
  fallback: number,
  what: string,
  rule: Range | Rule = {},
): number {
  const name = `${what}: ${key}`;
  const v = opts[key] ?? fallback;
  if (!("valid" in rule)) return checkNumber(v, name, rule);
  if (typeof v !== "number") return checkNumber(v, name); // the TypeError
  if (Number.isNaN(v) || !rule.valid(v)) throw new RangeError(`${name} must be ${rule.expected}, got ${v}`);
  return v;
}

/** A boolean option (`fallback` when absent); TypeError for anything else. */
export function booleanOption(opts: Record<string, unknown>, key: string, fallback: boolean, what: string): boolean {
  return checkBoolean(opts[key] ?? fallback, `${what}: ${key}`);
}

/** An integer option (`fallback` when absent): TypeError for another kind, RangeError for a fraction or outside `range`. */
export function integerOption(opts: Record<string, unknown>, key: string, fallback: number, what: string, range: Range = {}): number {
  return checkInteger(opts[key] ?? fallback, `${what}: ${key}`, range);
}

/** A function option (undefined when absent); TypeError for anything else. */
export function functionOption<F extends (...args: never[]) => unknown>(opts: Record<string, unknown>, key: string, what: string): F | undefined {
  const v = opts[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "function") throw new TypeError(`${what}: ${key} must be a function, got ${describe(v)}`);
  return v as F;
}
