/**
 * Argument checks shared by the API. Errors name the function, the argument
 * and the offending value or shape: RangeError for values and shapes,
 * TypeError for wrong kinds (as ../shared/API.md asks).
 */
import type { Tensor } from "./tensor";

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `a ${(value as object).constructor?.name ?? "object"}`;
  return `${typeof value} ${String(value)}`;
}

export function checkFiniteNumber(value: unknown, what: string): number {
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new TypeError(`${what} must be a number, got ${describe(value)}`);
  }
  return value;
}

export function checkPositiveInt(value: unknown, what: string, allowZero = false): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new RangeError(`${what} must be a ${allowZero ? "non-negative" : "positive"} integer, got ${String(value)}`);
  }
  return value;
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
