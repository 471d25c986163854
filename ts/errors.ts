/**
 * Argument checks shared by the API. Errors name the function, the argument
 * and the offending value or shape: RangeError for values and shapes,
 * TypeError for wrong kinds (as ../shared/API.md asks).
 */
import type { Tensor } from "./tensor";

/**
 * A value's kind and value for error messages: `string "0.1"`, `number 3`,
 * `bigint 3n`, `boolean true`, `undefined`, `null`, `an array`, `a Float32Array`,
 * `a function`. Strings are quoted so "3" is not read as 3.
 */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
    case "bigint":
      return `bigint ${value}n`;
    case "function":
      return "a function";
    case "object": {
      const name = (value as object).constructor?.name ?? "object";
      return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
    }
    default:
      return `${typeof value} ${String(value)}`;
  }
}

/**
 * Throws unless `t` is a live Tensor (the error says what freed it), and
 * makes its floats resident: ops check their inputs before allocating their
 * outputs, so an input moved out of the wasm memory comes back before any
 * view is taken. The hooks are injected by tensor.ts to avoid an import cycle.
 */
export function checkTensor(t: unknown, what: string): asserts t is Tensor {
  if (!isTensorHook(t)) throw new TypeError(`${what} must be a Tensor, got ${describe(t)}`);
  prepareHook(t as Tensor, what);
}

/** Whether `value` is a Tensor. */
export function isTensor(value: unknown): value is Tensor {
  return isTensorHook(value);
}

let isTensorHook: (t: unknown) => boolean = () => false;
let prepareHook: (t: Tensor, what: string) => void = () => {};
export function setTensorHooks(isTensor: (t: unknown) => boolean, prepare: (t: Tensor, what: string) => void): void {
  isTensorHook = isTensor;
  prepareHook = prepare;
}
