/**
 * What a loss workload is: its data (float32, in neurenix's layout), the
 * float64 reference of its mean loss, and the bytes one pass must move
 * (for GB/s and the comparison with the bandwidth sweeps).
 *
 * Layouts: MSE/L1/BCEWithLogits take input and target of `size` elements;
 * cross entropy takes logits (n, classes, inner) and n·inner class indices
 * stored as floats (as `nx.Tensor([0, 1, 2])` does).
 */

export type LossKind = "mse" | "l1" | "bce" | "ce";
/** "fwd": the mean loss only; "fwdBwd": the mean loss and ∂loss/∂input. */
export type Mode = "fwd" | "fwdBwd";

export const LOSS_NAMES: Record<LossKind, string> = {
  mse: "MSELoss",
  l1: "L1Loss",
  bce: "BCEWithLogitsLoss",
  ce: "CrossEntropyLoss",
};

/** Short names for the chart's row labels. */
export const LOSS_SHORT: Record<LossKind, string> = {
  mse: "MSE",
  l1: "L1",
  bce: "BCEWithLogits",
  ce: "CE",
};

export interface Problem {
  loss: LossKind;
  /** "n=1e5", "(1024, 1000)". */
  label: string;
  shape: number[];
  /** Elements of the input (logits). */
  size: number;
  /** Cross entropy: samples, classes and positions per sample (1 for (N, C)); elementwise losses: size, 1, 1. */
  n: number;
  classes: number;
  inner: number;
  input: Float32Array;
  target: Float32Array;
  /** The mean loss computed in float64 from the float32 data. */
  reference: number;
}

export interface Case {
  problem: Problem;
  mode: Mode;
  /** "mse n=1e5 fwdBwd": stable key for the JSON. */
  id: string;
}

export function caseId(p: Problem, mode: Mode): string {
  return `${p.loss} ${p.label} ${mode}`;
}

/** Bytes one pass reads and writes: inputs and targets once, the gradient once. */
export function traffic(p: Problem, mode: Mode): { read: number; write: number } {
  const read = 4 * (p.size + p.target.length);
  return { read, write: mode === "fwdBwd" ? 4 * p.size : 0 };
}
