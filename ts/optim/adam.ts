/**
 * Adam (with optional AMSGrad and L2 weight decay; not AdamW), as
 * torch.optim.Adam in PyTorch 1.13
 * (https://pytorch.org/docs/1.13/generated/torch.optim.Adam.html):
 *
 *   g_t ← ∇θ f_t(θ_{t−1});  if λ ≠ 0: g_t ← g_t + λ θ_{t−1}
 *   m_t ← β1 m_{t−1} + (1 − β1) g_t
 *   v_t ← β2 v_{t−1} + (1 − β2) g_t²
 *   amsgrad: v̂max_t ← max(v̂max_{t−1}, v_t), used instead of v_t below
 *   θ_t ← θ_{t−1} − (γ / (1 − β1^t)) · m_t / (√v_t / √(1 − β2^t) + ε)
 *
 * which is PyTorch's implementation (eps is added after the bias correction
 * of √v, exactly as its code does). The step count t is kept per parameter;
 * the bias corrections are computed here in float64 and the update runs in
 * the backend's adamStep kernel over heap tensors m, v (and v̂max).
 */
import { residentViews, type Tensor } from "../tensor";
import { zeros } from "../factories";
import { kernelsNow } from "../backend/select";
import { describe } from "../errors";
import { Optimizer, checkNonNegative, optimizerState, type Params } from "./optimizer";
import { checkBoolean, checkNumber } from "../options";

/** Options of `Adam` (PyTorch's, camelCased). */
export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  lr: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (default 0; this is Adam, not AdamW). */
  weightDecay: number;
  /** Use the AMSGrad variant (default false). */
  amsgrad: boolean;
}

interface AdamState {
  step: number;
  m: Tensor;
  v: Tensor;
  vMax: Tensor | null;
}

function check(o: AdamOptions, what: string): void {
  checkNonNegative(o.lr, "lr", what);
  checkNonNegative(o.eps, "eps", what);
  checkNonNegative(o.weightDecay, "weightDecay", what);
  if (!Array.isArray(o.betas) || o.betas.length !== 2) {
    throw new TypeError(`${what}: betas must be an array of two numbers, got ${describe(o.betas)}`);
  }
  o.betas.forEach((b, i) => {
    checkNumber(b, `${what}: betas[${i}]`, { min: 0, max: 1, maxOpen: true });
  });
  checkBoolean(o.amsgrad, `${what}: amsgrad`);
}

/**
 * Adam (optional AMSGrad and L2 weight decay), as `torch.optim.Adam` in
 * PyTorch 1.13 — the same rounding of its bias corrections.
 *
 * @example
 * ```ts
 * const model = new nx.Sequential(new nx.Linear(784, 128), new nx.ReLU(), new nx.Linear(128, 10));
 * const optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer<AdamOptions, AdamState> {
  constructor(params: Params<AdamOptions>, opts?: Partial<AdamOptions>) {
    const defaults: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false };
    super(params, opts, defaults, check);
  }

  /** One Adam update of every parameter that has a gradient. */
  step(): void {
    for (const g of this.paramGroups) {
      const [beta1, beta2] = g.betas;
      for (const p of g.params) {
        const grad = p.peekGrad();
        if (grad === null) continue;
        let s = this.state.get(p);
        if (s === undefined) {
          s = optimizerState(() => ({ step: 0, m: zeros(p.shape), v: zeros(p.shape), vMax: g.amsgrad ? zeros(p.shape) : null }));
          this.state.set(p, s);
        }
        s.step++;
        const stepSize = g.lr / (1 - beta1 ** s.step);
        const bc2Sqrt = Math.sqrt(1 - beta2 ** s.step);
        const [pv, gv, mv, vv, vMaxView] = residentViews(p, grad, s.m, s.v, ...(s.vMax === null ? [] : [s.vMax]));
        kernelsNow().adamStep(
          pv, gv, mv, vv, vMaxView ?? null,
          beta1, beta2, g.eps, g.weightDecay, stepSize, bc2Sqrt,
        );
      }
    }
  }
}
