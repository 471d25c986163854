/** The element-wise losses' loop: one [value, magnitude] per input element x with its target y. */
import type { FuzzCase, LossReference } from "./types";
import type { Rng } from "../../helpers/prng";
import { chance, elementShape, f32, pick, plain, sizeOf } from "../generate";
import { scaled } from "./reduction";

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

/**
 * A reference for an element-wise loss of issue 9, from its float64 formula:
 * `f(x, y, o)` gives [loss, magnitude of its terms, ∂/∂x, magnitude, ∂/∂y or
 * null, magnitude]. `inputs` draws x and y for n elements at a scale;
 * `options` the constructor options besides the reduction.
 */
export function elementwiseReference(spec: {
  name: string;
  options(rng: Rng): Record<string, unknown>;
  inputs(rng: Rng, n: number, scale: number): [number[], number[]];
  scales: readonly number[];
  targetGrad: boolean;
  reductions?: readonly string[];
  denominator?: (c: FuzzCase) => number;
  f(x: number, y: number, o: Record<string, unknown>): [number, number, number, number, number | null, number];
}): LossReference {
  return {
    name: spec.name,
    generate(rng, size) {
      const shape = elementShape(rng, size);
      const n = sizeOf(shape);
      const [x, y] = spec.inputs(rng, n, pick(rng, spec.scales));
      return {
        loss: spec.name,
        options: { ...spec.options(rng), reduction: pick(rng, spec.reductions ?? ["none", "mean", "sum"]) },
        input: plain(shape, x.map(f32)),
        target: plain(shape, y.map(f32)),
        targetGrad: spec.targetGrad && chance(rng, 0.3),
        longRow: n,
      };
    },
    elements(c) {
      const { values, magnitudes } = perElement(c, (x, y) => {
        const r = spec.f(x, y, c.options);
        return [r[0], r[1]];
      });
      return { losses: values, magnitudes, shape: c.input.shape, denominator: spec.denominator?.(c) ?? c.input.data.length };
    },
    vjp(c, u) {
      const y = c.target.data;
      const rs = c.input.data.map((x, i) => spec.f(x, y[i], c.options));
      const input = rs.map((r, i) => scaled(u[i], r[2]));
      const target = c.targetGrad ? rs.map((r, i) => scaled(u[i], r[4] ?? 0)) : null;
      return {
        input,
        inputMagnitudes: rs.map((r, i) => Math.abs(u[i]) * r[3]),
        target,
        targetMagnitudes: target === null ? null : rs.map((r, i) => Math.abs(u[i]) * r[5]),
      };
    },
  };
}
