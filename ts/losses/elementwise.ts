/**
 * The call every element-wise loss makes: its kind (code + JS formula, see
 * ElementwiseKind in ts/backend/backend.ts) on the current backend, with
 * every view taken after the outputs were allocated.
 */
import type { Tensor } from "../tensor";
import type { ElementwiseKind } from "../backend/backend";
import { kernelsNow } from "../backend/select";
import { viewsOf, type KernelOutputs } from "./reduction";

export interface ElementwiseInputs {
  a: Tensor;
  b: Tensor;
  /** Absent, or of a's size (read as 1 when absent). */
  c?: Tensor | null;
  /** Absent, or cycled over a (read as 1 when absent). */
  d?: Tensor | null;
}

export function runElementwise(
  kind: ElementwiseKind,
  ins: ElementwiseInputs,
  params: readonly number[],
  out: KernelOutputs,
  gradScale: number,
): number {
  const [a, b, c, d, lo, go, g2] = viewsOf(ins.a, ins.b, ins.c ?? null, ins.d ?? null, out.loss, out.grad, out.grad2);
  return kernelsNow().elementwiseLossFwdBwd(kind, a!, b!, c, d, params, lo, go, g2, gradScale);
}
