/**
 * PyTorch's reductions over a reference's element losses: "none" returns
 * them, "sum" adds them, "mean" (and KLDivLoss's "batchmean") divides by the
 * loss's denominator (NaN when it is 0). The gradient is the reference's vector-Jacobian product with
 * u = upstream ("none"), 1 ("sum") or 1/denominator ("mean").
 */
import type { FuzzCase, LossReference } from "./types";

export interface Expected {
  output: number[];
  outputMagnitudes: number[];
  outputShape: number[];
  input: number[];
  inputMagnitudes: number[];
  target: number[] | null;
  targetMagnitudes: number[] | null;
  extra: (number[] | null)[];
  extraMagnitudes: (number[] | null)[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function expected(ref: LossReference, c: FuzzCase): Expected {
  const e = ref.elements(c);
  const reduction = (c.options.reduction ?? "mean") as string;
  let output: number[];
  let outputMagnitudes: number[];
  let u: number[];
  if (reduction === "none") {
    output = e.losses;
    outputMagnitudes = e.magnitudes;
    u = c.upstream!;
  } else {
    const d = reduction === "sum" ? 1 : e.denominator;
    output = [d === 0 ? NaN : sum(e.losses) / d];
    outputMagnitudes = [sum(e.magnitudes) / Math.abs(d)];
    u = e.losses.map(() => 1 / d);
  }
  const g = ref.vjp(c, u);
  return {
    output,
    outputMagnitudes,
    outputShape: reduction === "none" ? e.shape : [],
    input: g.input,
    inputMagnitudes: g.inputMagnitudes,
    target: g.target,
    targetMagnitudes: g.targetMagnitudes,
    extra: g.extra ?? [],
    extraMagnitudes: g.extraMagnitudes ?? [],
  };
}

/** u·g, NaN when u is not finite (PyTorch's 0/0 for a zero denominator), whatever g. */
export function scaled(u: number, g: number): number {
  return Number.isFinite(u) ? u * g : NaN;
}
