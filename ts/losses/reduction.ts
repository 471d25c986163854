/**
 * The one place where reductions happen, for every built-in loss.
 *
 * A loss kernel returns Σ loss (float64) and, when a gradient is needed,
 * writes gradScale · ∂(Σ loss)/∂a in the same pass (a: the first input), and
 * optionally gradScale · ∂(Σ loss)/∂(one other input). Here we choose:
 *   "none" → the per-element (per-sample) losses, gradScale 1;
 *   "sum"  → Σ loss, gradScale 1;
 *   "mean" → Σ loss / denominator, gradScale 1/denominator, where the
 *            loss says what it divides by: the element count (element-wise
 *            losses), the summed weights of the non-ignored targets (cross
 *            entropy and NLL with class indices), N·d1…dk (cross entropy
 *            with probabilities), the batch size (KLDiv's "batchmean").
 *            A zero denominator gives a NaN loss (also when the sum is not
 *            0, e.g. label smoothing with zero total weight) and gradScale
 *            1/0 = ∞: NaN gradients for every element that took part, 0 for
 *            ignored targets (which kernels zero whatever the scale) — as
 *            PyTorch 1.13, whose ignored-everything case has zero gradients.
 * The saved gradients are the whole backward: they are scaled by the
 * incoming gradient (a scalar, or per element for "none") and handed to
 * each input as its `grads` entry says.
 */
import { Tensor, record } from "../tensor";
import { freeAfterBackward, needsGrad } from "../autograd/graph";
import type { F32 } from "../backend/backend";
import { checkChoice } from "../options";
import { describe } from "../errors";

/** How a loss combines its per-element losses: keep them ("none"), average them ("mean") or add them ("sum"). */
export type Reduction = "none" | "mean" | "sum";
/** KLDivLoss's reductions: "batchmean" divides the sum by the batch size (input.shape[0]). */
export type KLDivReduction = Reduction | "batchmean";

export const REDUCTIONS: readonly Reduction[] = ["none", "mean", "sum"];

/** `value` as one of `allowed` (TypeError for a non-string, RangeError naming the choices). */
export function checkReduction<R extends string = Reduction>(
  value: unknown,
  what: string,
  allowed: readonly R[] = REDUCTIONS as readonly string[] as readonly R[],
): R {
  if (typeof value !== "string") throw new TypeError(`${what}: reduction must be a string, got ${describe(value)}`);
  return checkChoice(value, `${what}: reduction`, allowed);
}

/**
 * How one input of a fused loss gets its gradient:
 *   "a"       the kernel's gradient (∂loss/∂ first input);
 *   a number  that multiple of it (−1: a target of MSE, L1, Huber, …);
 *   "second"  the kernel's second gradient, through `map` if given (to sum a
 *             broadcast input back to its shape);
 *   "third"   the kernel's third gradient (a triplet's negative: computed,
 *             not formed as −(∂a + ∂p), which cancels where it is small);
 *   a function of the incoming gradient (computed in TypeScript);
 *   null      none: the caller rejected this input requiring grad, or it is
 *             not differentiable (class indices, ±1 labels).
 */
export type GradSource =
  | "a"
  | number
  | { second: true; map?: (g: Tensor) => Tensor }
  | "third"
  | ((g: Tensor) => Tensor)
  | null;

/** The kernel's outputs, as tensors (views are taken by the kernel call, after every allocation). */
export interface KernelOutputs {
  loss: Tensor | null;
  grad: Tensor | null;
  grad2: Tensor | null;
  /** Only for losses with a "third" gradient source (allocated when that input wants it). */
  grad3: Tensor | null;
}

export interface FusedLoss {
  name: string;
  /** The loss's tensor inputs, in forward's order. */
  inputs: Tensor[];
  /** Where each input's gradient comes from (one entry per input). */
  grads: GradSource[];
  reduction: Reduction;
  /** Shape of the "none" output. */
  noneShape: readonly number[];
  /** The "none" output's gradient reshaped to broadcast against the first input (per-sample CE: (N, 1, d…)). */
  noneGradShape: readonly number[];
  /** What "mean" divides by. */
  denominator: number;
  kernel: (out: KernelOutputs, gradScale: number) => number;
}

/**
 * Views of tensors and nulls for one kernel call, taken together after every
 * allocation (as residentViews: making one resident may move another).
 */
export function viewsOf(...tensors: (Tensor | null)[]): (F32 | null)[] {
  for (const t of tensors) t?.prepare();
  return tensors.map((t) => (t === null ? null : t.data));
}

export function fusedLoss(spec: FusedLoss): Tensor {
  const { inputs, grads, reduction } = spec;
  // Decided now: backward runs with grad recording off.
  const wanted = inputs.map((t, i) => grads[i] !== null && needsGrad(t));
  const wants = (i: number) => wanted[i];
  const needSecond = inputs.some((_, i) => wants(i) && isSecond(grads[i]));
  const needThird = inputs.some((_, i) => wants(i) && grads[i] === "third");
  const needA = inputs.some((_, i) => wants(i) && !isSecond(grads[i]) && grads[i] !== "third" && typeof grads[i] !== "function");
  const anyGrad = wanted.includes(true);
  const first = inputs[0];
  // The kernel writes the second gradient only alongside the first (the third needs neither).
  const grad = needA || needSecond ? Tensor.empty(first.shape) : null;
  const grad2 = needSecond ? Tensor.empty(first.shape) : null;
  const grad3 = needThird ? Tensor.empty(first.shape) : null;

  let out: Tensor;
  let upstream: (saved: Tensor, g: Tensor) => Tensor;
  if (reduction === "none") {
    out = Tensor.empty(spec.noneShape);
    spec.kernel({ loss: out, grad, grad2, grad3 }, 1);
    upstream = (saved, g) => saved.mul(g.withShape(spec.noneGradShape));
  } else {
    const denominator = reduction === "mean" ? spec.denominator : 1;
    // denominator 0: gradScale ∞ (NaN gradients where elements took part) and a NaN loss, as PyTorch's 0/0.
    const total = spec.kernel({ loss: null, grad, grad2, grad3 }, 1 / denominator);
    out = Tensor.empty([]);
    out.data[0] = denominator === 0 ? NaN : total / denominator;
    upstream = (saved, g) => {
      const s = g.data[0];
      return s === 1 ? saved : saved.mul(s);
    };
  }
  if (!anyGrad) {
    grad?.dispose();
    grad2?.dispose();
    grad3?.dispose();
    return out;
  }
  return record(out, spec.name, inputs, (g) => {
    // The saved gradients are not needed after this backward: free them
    // with the backward pass's other temporaries.
    if (grad !== null) freeAfterBackward(grad);
    if (grad2 !== null) freeAfterBackward(grad2);
    if (grad3 !== null) freeAfterBackward(grad3);
    const gA = needA ? upstream(grad!, g) : null;
    return inputs.map((t, i) => {
      if (!wants(i)) return null;
      const source = grads[i]!;
      if (source === "a") return gA;
      if (typeof source === "number") return gA!.mul(source);
      if (source === "third") return upstream(grad3!, g);
      if (typeof source === "function") return source(g);
      const g2 = upstream(grad2!, g);
      return source.map === undefined ? g2 : source.map(g2);
    });
  });
}

function isSecond(source: GradSource): source is { second: true } {
  return typeof source === "object" && source !== null;
}

/** fusedLoss for losses with one loss per element of the first input. */
export function elementwiseLoss(
  name: string,
  inputs: Tensor[],
  grads: GradSource[],
  reduction: Reduction,
  kernel: FusedLoss["kernel"],
  denominator = inputs[0].size,
): Tensor {
  const shape = inputs[0].shape;
  return fusedLoss({ name, inputs, grads, reduction, noneShape: shape, noneGradShape: shape, denominator, kernel });
}
