/**
 * clipGradNorm: rescales gradients so that their joint norm is at most
 * maxNorm, as torch.nn.utils.clip_grad_norm_ in PyTorch 1.13
 * (https://pytorch.org/docs/1.13/generated/torch.nn.utils.clip_grad_norm_.html):
 *
 *   total = ‖(‖g_1‖_p, …, ‖g_k‖_p)‖_p   (p = 2: √Σ g²;  p = ∞: max |g|)
 *   coef  = min(maxNorm / (total + 1e-6), 1)
 *   g_i  ← coef · g_i                   (in place, for every parameter with a gradient)
 *
 * Parameters without a gradient are skipped. Returns the total norm before
 * clipping as a scalar Tensor (0 with no gradients), as PyTorch does. As
 * there, the gradients are multiplied by coef even when it is 1, so a NaN or
 * infinite norm spreads into every gradient unless errorIfNonfinite is set.
 * The norms are accumulated in float64; coef is rounded to float32, as
 * PyTorch's float32 tensor arithmetic rounds it.
 *
 * @example
 * const model = new nx.Linear(3, 1);
 * model(nx.ones([2, 3])).sum().mul(100).backward();
 * const norm = nx.nn.utils.clipGradNorm(model.parameters(), 1.0);
 * console.log(norm.item()); // the norm before clipping; the gradients' norm is now ≤ 1
 */
import { Tensor, residentViews } from "../tensor";
import { describe } from "../errors";
import { checkNumber, checkOptions } from "../options";

/** Options of `clipGradNorm` (PyTorch's, camelCased). */
export interface ClipGradNormOptions {
  /** The norm's order: 2 (default) or Infinity (the largest |g|). */
  normType?: 2 | typeof Infinity;
  /** Throw when the total norm is NaN or infinite (default false, as PyTorch 1.13). */
  errorIfNonfinite?: boolean;
}

/**
 * Rescales the gradients in place so that their joint norm is at most `maxNorm`, as
 * `torch.nn.utils.clip_grad_norm_`: g_i ← min(maxNorm / (total + 1e-6), 1)·g_i. Parameters without
 * a gradient are skipped. Returns the total norm before clipping, a scalar Tensor (0 with no
 * gradients).
 *
 * @example
 * ```ts
 * const model = new nx.Linear(3, 1);
 * model(nx.ones([2, 3])).sum().mul(100).backward();
 * const norm = nx.nn.utils.clipGradNorm(model.parameters(), 1.0);
 * norm.item(); // the norm before clipping; the gradients' norm is now ≤ 1
 * ```
 */
export function clipGradNorm(parameters: Tensor | Iterable<Tensor>, maxNorm: number, opts?: ClipGradNormOptions): Tensor {
  const what = "clipGradNorm";
  const o = checkOptions(opts, ["normType", "errorIfNonfinite"], what) as ClipGradNormOptions;
  const normType = o.normType ?? 2;
  if (normType !== 2 && normType !== Infinity) {
    throw new RangeError(`${what}: normType must be 2 or Infinity, got ${String(normType)}`);
  }
  const errorIfNonfinite = o.errorIfNonfinite ?? false;
  if (typeof errorIfNonfinite !== "boolean") throw new TypeError(`${what}: errorIfNonfinite must be a boolean, got ${describe(errorIfNonfinite)}`);
  checkNumber(maxNorm, `${what}: maxNorm`);
  const list = parameters instanceof Tensor ? [parameters] : parameters != null && typeof parameters === "object" && Symbol.iterator in parameters ? [...parameters] : null;
  if (list === null) throw new TypeError(`${what}: parameters must be a Tensor or an iterable of Tensors, got ${describe(parameters)}`);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new TypeError(`${what}: parameter ${i} must be a Tensor, got ${describe(p)}`);
  });
  const grads = list.map((p) => p.peekGrad()).filter((g): g is Tensor => g !== null);
  const out = Tensor.empty([]); // allocated before any view is taken
  const views = residentViews(out, ...grads);
  const result = views[0];
  let total = 0;
  for (let k = 1; k < views.length; k++) {
    const g = views[k];
    if (normType === Infinity) {
      for (let i = 0; i < g.length; i++) {
        const a = Math.abs(g[i]);
        if (a > total || Number.isNaN(a)) total = a; // NaN stays, as torch.max propagates it
      }
    } else {
      let sq = 0;
      for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
      total += Math.fround(Math.sqrt(sq)) ** 2; // each ‖g_i‖ is a float32 tensor in PyTorch
    }
  }
  if (normType === 2) total = Math.sqrt(total);
  result[0] = total;
  if (grads.length === 0) return out;
  if (!Number.isFinite(total) && errorIfNonfinite) {
    throw new RangeError(`${what}: the total norm of order ${normType} of the gradients is ${total}, so they cannot be clipped`);
  }
  const norm = result[0];
  const coef = Math.min(Math.fround(maxNorm / Math.fround(norm + 1e-6)), 1);
  for (let k = 1; k < views.length; k++) {
    const g = views[k];
    for (let i = 0; i < g.length; i++) g[i] *= coef;
  }
  return out;
}
