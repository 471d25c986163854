/** The element-wise losses' loop: one [value, magnitude] per input element x with its target y. */
import type { FuzzCase } from "./types";

export function perElement(
  c: FuzzCase,
  f: (x: number, y: number, i: number) => [number, number],
): { values: number[]; magnitudes: number[] } {
  const y = c.target.data;
  const values: number[] = [];
  const magnitudes: number[] = [];
  c.input.data.forEach((x, i) => {
    const [v, m] = f(x, y[i], i);
    values.push(v);
    magnitudes.push(m);
  });
  return { values, magnitudes };
}
