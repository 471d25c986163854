/**
 * SGD with momentum, dampening, Nesterov momentum and weight decay, as
 * torch.optim.SGD in PyTorch 1.13
 * (https://pytorch.org/docs/1.13/generated/torch.optim.SGD.html):
 *
 *   g_t ← ∇θ f_t(θ_{t−1})
 *   if λ ≠ 0:  g_t ← g_t + λ θ_{t−1}
 *   if μ ≠ 0:  b_t ← t > 1 ? μ b_{t−1} + (1 − τ) g_t : g_t
 *              g_t ← nesterov ? g_t + μ b_t : b_t
 *   θ_t ← θ_{t−1} − γ g_t
 *
 * (γ = lr, μ = momentum, τ = dampening, λ = weightDecay.) The update runs in
 * the backend's sgdStep kernel; the momentum buffer b is a heap tensor per
 * parameter. As in PyTorch, lr is required, nesterov needs momentum > 0 and
 * dampening 0, and parameters without a gradient are skipped.
 */
import { Tensor, residentViews } from "../tensor";
import { kernelsNow } from "../backend/select";
import { describe } from "../errors";
import { Optimizer, checkNonNegative, optimizerState, type Params } from "./optimizer";
import { checkBoolean } from "../options";

/** Options of `SGD` (PyTorch's, camelCased). */
export interface SGDOptions {
  /** Learning rate (required, as in PyTorch 1.13). */
  lr: number;
  /** Momentum factor (default 0). */
  momentum: number;
  /** Dampening for momentum (default 0). */
  dampening: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  nesterov: boolean;
}

function check(o: SGDOptions, what: string): void {
  if (o.lr === undefined) throw new TypeError(`${what}: lr is required`);
  checkNonNegative(o.lr, "lr", what);
  checkNonNegative(o.momentum, "momentum", what);
  checkNonNegative(o.dampening, "dampening", what);
  checkNonNegative(o.weightDecay, "weightDecay", what);
  checkBoolean(o.nesterov, `${what}: nesterov`);
  if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
    throw new RangeError(`${what}: nesterov requires momentum > 0 and dampening 0 (got momentum ${o.momentum}, dampening ${o.dampening})`);
  }
}

/**
 * Stochastic gradient descent with optional momentum, dampening, weight
 * decay and Nesterov momentum, as `torch.optim.SGD` in PyTorch 1.13.
 *
 * @example
 * ```ts
 * const model = new nx.Linear(10, 1);
 * const optimizer = new nx.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 * optimizer.zeroGrad();
 * new nx.MSELoss()(model(nx.randn([8, 10])), nx.zeros([8, 1])).backward();
 * optimizer.step();
 * ```
 */
export class SGD extends Optimizer<SGDOptions, Tensor> {
  constructor(params: Params<SGDOptions>, opts: Partial<SGDOptions> & { lr: number }) {
    const defaults: SGDOptions = { lr: undefined as unknown as number, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false };
    super(params, opts ?? {}, defaults, check);
  }

  /** One SGD update of every parameter that has a gradient. */
  step(): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p.peekGrad();
        if (grad === null) continue;
        let buf: Tensor | null = null;
        let firstStep = false;
        if (g.momentum !== 0) {
          buf = this.state.get(p) ?? null;
          if (buf === null) {
            buf = optimizerState(() => Tensor.empty(p.shape));
            this.state.set(p, buf);
            firstStep = true;
          }
        }
        const [pv, gv, bv] = residentViews(p, grad, ...(buf === null ? [] : [buf]));
        kernelsNow().sgdStep(pv, gv, bv ?? null, g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov, firstStep);
      }
    }
  }
}
