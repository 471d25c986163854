/**
 * Finite-difference gradient check of Tensor ops through the public API.
 *
 * For f(x1, …, xk) → Tensor, the scalar checked is S = Σ_j f_j · R_j with R a
 * fixed random tensor of the output's shape (so every output element and
 * every path through broadcasting counts). Autograd's gradient (backward with
 * R as the seed) is compared with central differences
 *   ∂S/∂x_i ≈ (S(x_i + h) − S(x_i − h)) / (x_i⁺ − x_i⁻),
 * where x_i± are the float32 values actually stored (h rounded to float32 is
 * not exact, so the true step is divided by) and S is summed in float64 from
 * the float32 outputs. The difference carries a truncation error O(h²·f''')
 * and a rounding error ≈ ulp(f)/h; h = 1e-3 on O(1) values keeps both near
 * 1e-4, hence the default tolerance rtol 1e-2 / atol 1e-3.
 */
import * as nx from "../../ts/index";
import { expectClose } from "./expect_close";
import { mulberry32, uniform } from "./prng";

export interface GradcheckOptions {
  /** Step h (default 1e-3). */
  eps?: number;
  rtol?: number;
  atol?: number;
  /** Seed of R's generator (default 1). */
  seed?: number;
}

/**
 * A leaf tensor requiring grad, of values uniform in [lo, hi) drawn from the
 * tests' own PRNG (not the library's), reproducible from `seed`.
 */
export function leaf(shape: number[], seed: number, lo = -2, hi = 2): nx.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new nx.Tensor(uniform(mulberry32(seed), n, lo, hi), { shape, requiresGrad: true });
}

/** S = Σ out_j · R_j in float64. */
function weightedSum(out: nx.Tensor, r: Float32Array): number {
  const d = out.data;
  let s = 0;
  for (let j = 0; j < d.length; j++) s += d[j] * r[j];
  return s;
}

/**
 * Checks every input's gradient; the inputs must be distinct leaf tensors
 * with requiresGrad, and f must not modify them.
 */
export function gradcheck(
  f: (...xs: nx.Tensor[]) => nx.Tensor,
  inputs: nx.Tensor[],
  label: string,
  opts: GradcheckOptions = {},
): void {
  const h = opts.eps ?? 1e-3;
  const tol = { rtol: opts.rtol ?? 1e-2, atol: opts.atol ?? 1e-3 };
  for (const x of inputs) x.grad = null;

  const out = f(...inputs);
  const weights = Float32Array.from(uniform(mulberry32(opts.seed ?? 1), out.size, -1, 1));
  out.backward(new nx.Tensor(weights, { shape: out.shape }));

  inputs.forEach((x, k) => {
    const analytic = x.grad === null ? new Float32Array(x.size) : x.grad.data.slice();
    const numeric = new Float64Array(x.size);
    nx.noGrad(() => {
      for (let i = 0; i < x.size; i++) {
        const v = x.data[i];
        const up = Math.fround(v + h);
        const down = Math.fround(v - h);
        x.data[i] = up;
        const sUp = weightedSum(f(...inputs), weights);
        x.data[i] = down;
        const sDown = weightedSum(f(...inputs), weights);
        x.data[i] = v;
        numeric[i] = (sUp - sDown) / (up - down);
      }
    });
    expectClose(analytic, numeric, tol, `${label}: d/d(input ${k})`);
  });
}
