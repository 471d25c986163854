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

/** Throws unless `t` is a live Tensor. `isTensor` is injected by tensor.ts to avoid an import cycle. */
export function checkTensor(t: unknown, what: string): asserts t is Tensor {
  if (!isTensorHook(t)) throw new TypeError(`${what} must be a Tensor, got ${describe(t)}`);
  if ((t as Tensor).isDisposed) throw new RangeError(`${what} was disposed and cannot be used`);
}

let isTensorHook: (t: unknown) => boolean = () => false;
export function setTensorCheck(fn: (t: unknown) => boolean): void {
  isTensorHook = fn;
}
