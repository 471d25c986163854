/**
 * Option objects: unknown keys (a typo, or a Python name such as
 * `ignore_index`) are a TypeError naming the key and, for Python names, the
 * TypeScript one.
 */
import { describe } from "./errors";

const PYTHON_NAMES: Record<string, string> = {
  ignore_index: "ignoreIndex",
  label_smoothing: "labelSmoothing",
  pos_weight: "posWeight",
  size_average: "reduction",
  reduce: "reduction",
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
