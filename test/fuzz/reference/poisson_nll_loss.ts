/**
 * PoissonNLLLoss (PyTorch 1.13), target counts y ≥ 0:
 *   ℓ = e^x − y·x                 ∂ℓ/∂x = e^x − y           ∂ℓ/∂y = −x            (logInput, default)
 *   ℓ = x − y·log(x + eps)        ∂ℓ/∂x = 1 − y/(x + eps)   ∂ℓ/∂y = −log(x + eps)  (x = λ ≥ 0)
 * With `full`, Stirling's term y·log y − y + ½·log(2πy) is added where y > 1
 * (masked_fill(y ≤ 1, 0)): ∂ℓ/∂y gains log y + 1/(2y).
 * "mean" divides by the element count. Magnitudes: the sum of |terms|
 * (e^x and y·x cancel near the optimum x = log y), and LOG_FLOOR added to
 * |log(x + eps)|: float32 (PyTorch's too) rounds x + eps before the log,
 * ≤ 2⁻²⁴ relative, so log(x + eps) is only good to ≈ 6e-8 absolute — all of
 * a log near 0 (x + eps ≈ 1); 0.01 at rtol 1e-5 admits 1e-7.
 */
import type { LossReference } from "./types";
import { perElement } from "./elementwise";
import { chance, elementShape, f32, int, normals, pick, plain, reductionOf, sizeOf, uniforms } from "../generate";

const LOG_FLOOR = 0.01;

interface Opts {
  logInput: boolean;
  full: boolean;
  eps: number;
}
const opts = (o: Record<string, unknown>): Opts => ({
  logInput: (o.logInput as boolean | undefined) ?? true,
  full: (o.full as boolean | undefined) ?? false,
  eps: (o.eps as number | undefined) ?? 1e-8,
});

function stirling(y: number): [number, number] {
  if (!(y > 1)) return [0, 0];
  const ly = Math.log(y);
  const half = 0.5 * Math.log(2 * Math.PI * y);
  return [y * ly - y + half, y * ly + y + half];
}

export const poissonNLLLoss: LossReference = {
  name: "PoissonNLLLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const options: Record<string, unknown> = { reduction: reductionOf(rng) };
    const logInput = chance(rng, 0.6);
    if (!logInput || chance(rng, 0.2)) options.logInput = logInput;
    if (chance(rng, 0.4)) options.full = true;
    if (chance(rng, 0.3)) options.eps = pick(rng, [0.1, 1e-3, 1]);
    // Counts (small or large), or any non-negative values.
    const top = pick(rng, [1, 5, 20, 1000]);
    const y = chance(rng, 0.7) ? Array.from({ length: n }, () => int(rng, 0, top)) : uniforms(rng, n, 0, top);
    // log λ around log y (e^x well inside float32), or λ ≥ 0 with some exact zeros.
    const scale = pick(rng, [1e-3, 0.1, 1, 3, 10]);
    const x = logInput
      ? normals(rng, n, scale).map((v, i) => (chance(rng, 0.5) ? f32(Math.log(y[i] + 0.5) + v) : v))
      : uniforms(rng, n, 0, 1).map((v, i) => (chance(rng, 0.1) ? 0 : f32(v * (chance(rng, 0.5) ? scale : y[i] + 1))));
    return { loss: "PoissonNLLLoss", options, input: plain(shape, x), target: plain(shape, y), targetGrad: chance(rng, 0.4), longRow: n };
  },
  elements(c) {
    const o = opts(c.options);
    const { values, magnitudes } = perElement(c, (x, y) => {
      let v: number;
      let m: number;
      if (o.logInput) {
        v = Math.exp(x) - y * x;
        m = Math.exp(x) + Math.abs(y * x);
      } else {
        const l = Math.log(x + o.eps);
        v = x - y * l;
        m = Math.abs(x) + Math.abs(y) * (Math.abs(l) + LOG_FLOOR);
      }
      if (o.full) {
        const [s, sm] = stirling(y);
        v += s;
        m += sm;
      }
      return [v, m];
    });
    return { losses: values, magnitudes, shape: c.input.shape, denominator: values.length };
  },
  vjp(c, u) {
    const o = opts(c.options);
    const input = perElement(c, (x, y, i) => {
      if (o.logInput) return [u[i] * (Math.exp(x) - y), Math.abs(u[i]) * (Math.exp(x) + Math.abs(y))];
      const r = y / (x + o.eps);
      return [u[i] * (1 - r), Math.abs(u[i]) * (1 + Math.abs(r))];
    });
    let target = null;
    if (c.targetGrad) {
      target = perElement(c, (x, y, i) => {
        const l = o.logInput ? x : Math.log(x + o.eps);
        let g = -l;
        let m = Math.abs(l) + (o.logInput ? 0 : LOG_FLOOR);
        if (o.full && y > 1) {
          g += Math.log(y) + 0.5 / y;
          m += Math.abs(Math.log(y)) + 0.5 / y;
        }
        return [u[i] * g, Math.abs(u[i]) * m];
      });
    }
    return {
      input: input.values,
      inputMagnitudes: input.magnitudes,
      target: target?.values ?? null,
      targetMagnitudes: target?.magnitudes ?? null,
    };
  },
};
