/**
 * What a loss reference provides to the differential fuzzer (test/fuzz/).
 *
 * A reference is plain float64 JavaScript written from PyTorch 1.13's
 * formulas, independent of the library (no kernel, no Tensor). Each loss has
 * one small module (reference/<loss>.ts) exporting a `LossReference`, listed
 * once in reference/index.ts; the fuzzer and the checks against the PyTorch
 * golden fixtures (reference.test.ts) pick them up from there. To add a
 * loss: write its module (generate + elements + vjp), add it to the list.
 *
 * Arguments: a case calls `loss(input, target, ...extra)`. `input` and
 * `target` are just the first two positional tensors (MarginRankingLoss's
 * x1 and x2, with a gradient for both); losses with more arguments put the
 * rest in `extra` (GaussianNLLLoss's var, MarginRankingLoss's labels), each
 * with its own requires-grad flag and gradient.
 *
 * Magnitudes: next to each value the reference returns the sum of the
 * absolute values of the terms it was computed from (its "magnitude"). The
 * fuzzer measures error relative to max(|value|, magnitude): plain relative
 * error wherever the terms do not cancel (every loss value here is a sum of
 * non-negative terms), and an error bounded by the size of the terms where
 * PyTorch's own formula cancels (a gradient p·K − w near 0) — where float32
 * PyTorch has the same error.
 */
import type { Rng } from "../../helpers/prng";

/** A tensor as plain numbers (exact float32 values), row-major. */
export interface Plain {
  shape: number[];
  data: number[];
}

/** One random, valid call of a loss. JSON-able, so a failure can be printed and replayed. */
export interface FuzzCase {
  /** The loss class, as exported by neurenix (`new nx[loss](options)`). */
  loss: string;
  /** Constructor options; weights as arrays of numbers. */
  options: Record<string, unknown>;
  input: Plain;
  target: Plain;
  /** Whether the target requires grad (losses with a target gradient). */
  targetGrad: boolean;
  /** Positional tensors after the target (third argument on); absent: none. */
  extra?: Plain[];
  /** Whether each of `extra` requires grad (absent: none does). */
  extraGrad?: boolean[];
  /** Whether each of `extra` is passed as a plain array of numbers instead of a Tensor (CTCLoss's lengths; absent: none is). */
  extraArrays?: boolean[];
  /** For reduction "none": the gradient fed to backward (the output's shape). */
  upstream: number[] | null;
  /** Longest row summed over (classes for CE, elements otherwise): ≥ 1e4 gets the long-row tolerance. */
  longRow: number;
  /** The size class it was drawn from (for coverage counts). */
  size?: SizeClass;
}

/** Per-element (per-sample for CE) losses in float64. */
export interface Elements {
  losses: number[];
  magnitudes: number[];
  /** Shape of the "none" output. */
  shape: number[];
  /** What "mean" (KLDivLoss: also "batchmean", as the case's reduction) divides by (PyTorch's denominator). */
  denominator: number;
}

/** ∂(Σ_i u_i ℓ_i)/∂input, /∂target and /∂extra[k] (null: no gradient), with magnitudes. */
export interface Vjp {
  input: number[];
  inputMagnitudes: number[];
  target: number[] | null;
  targetMagnitudes: number[] | null;
  /** One entry per `extra` tensor (absent: no extra gradients). */
  extra?: (number[] | null)[];
  extraMagnitudes?: (number[] | null)[];
}

/** How big a case to draw. */
export type SizeClass = "empty" | "tiny" | "small" | "medium" | "long" | "kdim";

export interface LossReference {
  /** The loss class name in neurenix. */
  name: string;
  /** A random valid case (upstream and longRow are filled in by the fuzzer when absent). */
  generate(rng: Rng, size: SizeClass): Omit<FuzzCase, "upstream" | "size">;
  elements(c: FuzzCase): Elements;
  /** u has one entry per element loss; non-finite u (a zero "mean" denominator) must give NaN wherever ℓ depends on the input. */
  vjp(c: FuzzCase, u: number[]): Vjp;
}
