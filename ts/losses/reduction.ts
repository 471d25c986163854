/**
 * The one place where reductions happen, for every built-in loss.
 *
 * A loss kernel returns Σ loss (float64) and, when a gradient is needed,
 * writes gradScale · ∂(Σ loss)/∂input in the same pass. Here we choose:
 *   "none" → the per-element (per-sample) losses, gradScale 1;
 *   "sum"  → Σ loss, gradScale 1;
 *   "mean" → Σ loss / denominator, gradScale 1/denominator, where the
 *            denominator is the element count (MSE, L1, BCE, BCEWithLogits),
 *            the summed weights of the non-ignored targets (CrossEntropy with
 *            class indices) or N·d1…dk (CrossEntropy with probabilities).
 *            A zero denominator gives a NaN loss (also when the sum is not
 *            0, e.g. label smoothing with zero total weight) and gradScale
 *            1/0 = ∞: NaN gradients for every element that took part, 0 for
 *            ignored targets (which kernels zero whatever the scale) — as
 *            PyTorch 1.13, whose ignored-everything case has zero gradients.
 * The saved gradient is the whole backward: it is scaled by the incoming
 * gradient (a scalar, or per element for "none").
 */
import { Tensor, record } from "../tensor";
import { needsGrad } from "../autograd/graph";
import { freeAfterBackward } from "../autograd/graph";
import type { F32 } from "../backend/backend";
import { checkChoice } from "../options";
import { describe } from "../errors";

export type Reduction = "none" | "mean" | "sum";

export function checkReduction(value: unknown, what: string): Reduction {
  if (typeof value !== "string") throw new TypeError(`${what}: reduction must be a string, got ${describe(value)}`);
  return checkChoice(value, `${what}: reduction`, ["none", "mean", "sum"] as const);
}

export interface FusedLoss {
  name: string;
  input: Tensor;
  target: Tensor;
  /**
   * ∂loss/∂target as a multiple of ∂loss/∂input (−1 for MSE and L1), or a
   * function computing it from the incoming gradient, or null when the loss
   * has no target gradient here (the caller rejected targets requiring grad).
   */
  targetGrad: number | ((g: Tensor) => Tensor) | null;
  reduction: Reduction;
  /** Shape of the "none" output. */
  noneShape: readonly number[];
  /** The "none" output's gradient reshaped to broadcast against the input (per-sample CE: (N, 1, d…)). */
  noneGradShape: readonly number[];
  /** What "mean" divides by. */
  denominator: number;
  kernel: (lossOut: F32 | null, gradOut: F32 | null, gradScale: number) => number;
}

export function fusedLoss(spec: FusedLoss): Tensor {
  const { input, target, reduction } = spec;
  const targetNeedsGrad = spec.targetGrad !== null && needsGrad(target);
  const grad = needsGrad(input) || targetNeedsGrad ? Tensor.empty(input.shape) : null;

  let out: Tensor;
  let upstream: (g: Tensor) => Tensor;
  if (reduction === "none") {
    out = Tensor.empty(spec.noneShape);
    spec.kernel(out.data, grad?.data ?? null, 1);
    upstream = (g) => grad!.mul(g.withShape(spec.noneGradShape));
  } else {
    const denominator = reduction === "mean" ? spec.denominator : 1;
    const total = spec.kernel(null, grad?.data ?? null, 1 / denominator);
    out = Tensor.empty([]);
    out.data[0] = denominator === 0 ? NaN : total / denominator;
    upstream = (g) => {
      const s = g.data[0];
      return s === 1 ? grad! : grad!.mul(s);
    };
  }
  if (grad === null) return out;
  return record(out, spec.name, [input, target], (g) => {
    // The saved gradient is not needed after this backward: free it with
    // the backward pass's other temporaries.
    freeAfterBackward(grad);
    const gInput = upstream(g);
    let gTarget: Tensor | null = null;
    if (targetNeedsGrad) {
      const tg = spec.targetGrad!;
      gTarget = typeof tg === "number" ? gInput.mul(tg) : tg(g);
    }
    return [input.requiresGrad ? gInput : null, gTarget];
  });
}

/** fusedLoss for losses with one loss per input element (MSE, L1, BCE, BCE-with-logits). */
export function elementwiseLoss(
  name: string,
  input: Tensor,
  target: Tensor,
  reduction: Reduction,
  targetGrad: FusedLoss["targetGrad"],
  kernel: FusedLoss["kernel"],
): Tensor {
  return fusedLoss({
    name,
    input,
    target,
    targetGrad,
    reduction,
    noneShape: input.shape,
    noneGradShape: input.shape,
    denominator: input.size,
    kernel,
  });
}
