/**
 * The fuzzer's float64 references against PyTorch: every case of the
 * golden loss fixtures (test/golden/*_loss.json, float64 answers computed
 * by torch 1.13 from the same float32 inputs) must come out of the
 * reference to 1e-9 — so the fuzzer checks the library against PyTorch's
 * formulas, not against a second reading of the library's.
 *
 * Two fixture formats (test/helpers/golden.ts): the two-input LossCase
 * (input, target, inputGrad) and gen_golden.py's multi_case (inputs[],
 * requiresGrad[], grads[]: every gradient PyTorch computed), read as
 * input = inputs[0], target = inputs[1], extra = inputs[2…].
 */
import { describe, expect, test } from "vitest";
import { loadFixture, values, type LossCase, type MultiLossCase, type Packed } from "../helpers/golden";
import { REFERENCES } from "./reference/index";
import { expected } from "./reference/reduction";
import type { FuzzCase, Plain } from "./reference/types";

const FILES: Record<string, string> = {
  MSELoss: "mse_loss.json",
  L1Loss: "l1_loss.json",
  CrossEntropyLoss: "cross_entropy_loss.json",
  BCELoss: "bce_loss.json",
  BCEWithLogitsLoss: "bce_with_logits_loss.json",
  HuberLoss: "huber_loss.json",
  SmoothL1Loss: "smooth_l1_loss.json",
  KLDivLoss: "kl_div_loss.json",
  PoissonNLLLoss: "poisson_nll_loss.json",
  GaussianNLLLoss: "gaussian_nll_loss.json",
  SoftMarginLoss: "soft_margin_loss.json",
  HingeEmbeddingLoss: "hinge_embedding_loss.json",
  MarginRankingLoss: "margin_ranking_loss.json",
  SigmoidFocalLoss: "sigmoid_focal_loss.json",
  NLLLoss: "nll_loss.json",
  MultiMarginLoss: "multi_margin_loss.json",
  MultiLabelMarginLoss: "multilabel_margin_loss.json",
  MultiLabelSoftMarginLoss: "multilabel_soft_margin_loss.json",
  CosineEmbeddingLoss: "cosine_embedding_loss.json",
  TripletMarginLoss: "triplet_margin_loss.json",
  TripletMarginWithDistanceLoss: "triplet_margin_with_distance_loss.json",
  CTCLoss: "ctc_loss.json",
};
const RTOL = 1e-9;
/**
 * PyTorch's own float64 formulas round too: BCE-with-logits at x = 30 is
 * log(1 + 9.4e-14) there (1e-16 absolute off); at ±1e4 the terms are ≈ 1e4.
 */
const ATOL = 1e-12;

const plain = (p: Packed): Plain => ({ shape: p.shape, data: values(p) });

function close(actual: number[], want: number[], mags: number[], label: string): void {
  expect(actual.length, label).toBe(want.length);
  want.forEach((e, i) => {
    const a = actual[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      expect(Object.is(a, e) || a === e, `${label}[${i}]: ${a} vs ${e}`).toBe(true);
    } else {
      expect(Math.abs(a - e), `${label}[${i}]: ${a} vs ${e}`).toBeLessThanOrEqual(RTOL * Math.max(Math.abs(e), mags[i]) + ATOL);
    }
  });
}

test("every loss the fuzzer covers has a golden fixture", () => {
  expect(REFERENCES.map((r) => r.name).sort()).toEqual(Object.keys(FILES).sort());
});

/** Either fixture format, as one shape: the tensors in call order, their grad flags, and PyTorch's gradients (null: not compared). */
function normalise(g: LossCase | MultiLossCase): { inputs: Packed[]; requiresGrad: boolean[]; grads: (Packed | null)[] } {
  if ("inputs" in g) return { inputs: g.inputs, requiresGrad: g.requiresGrad, grads: g.grads };
  return { inputs: [g.input, g.target], requiresGrad: [true, false], grads: [g.inputGrad, null] };
}

describe.each(REFERENCES.map((r) => [r.name, r] as const))("%s reference matches PyTorch's golden values", (name, ref) => {
  const fixture = loadFixture<LossCase | MultiLossCase>(FILES[name]);
  // Cases fed through sigmoid first, or with a user's distance function
  // (TripletMarginWithDistanceLoss's "distance": "cosine"), test the
  // library's composition, not the loss formula.
  const cases = fixture.cases.filter(
    (c) => (!("inputTransform" in c) || c.inputTransform === undefined) && !("distance" in c.options),
  );
  test.each(cases)("$name", (g) => {
    const { inputs, requiresGrad, grads } = normalise(g);
    const options = Object.fromEntries(
      Object.entries(g.options).map(([k, v]) => [k, typeof v === "object" && v !== null ? plain(v as Packed) : v]),
    );
    const c: FuzzCase = {
      loss: name,
      options,
      input: plain(inputs[0]),
      target: plain(inputs[1]),
      targetGrad: requiresGrad[1],
      upstream: null,
      longRow: 0,
    };
    if (inputs.length > 2) {
      c.extra = inputs.slice(2).map(plain);
      c.extraGrad = requiresGrad.slice(2);
    }
    // The fixtures' "none" gradients are those of output.sum().
    if ((options.reduction ?? "mean") === "none") c.upstream = ref.elements(c).losses.map(() => 1);
    const e = expected(ref, c);
    close(e.output, values(g.output), e.outputMagnitudes, "output");
    // A case without gradients (CTCLoss's infinite "sum") checks the value only.
    if (grads[0] !== null) close(e.input, values(grads[0]), e.inputMagnitudes, "input gradient");
    const want: [number[] | null, number[] | null][] = [[e.target, e.targetMagnitudes], ...e.extra.map((x, k) => [x, e.extraMagnitudes[k]] as [number[] | null, number[] | null])];
    grads.slice(1).forEach((p, k) => {
      const label = `gradient of argument ${k + 2}`;
      if (p === null) {
        expect(want[k]?.[0] ?? null, `${label}: PyTorch has none`).toBeNull();
        return;
      }
      expect(want[k]?.[0], `${label}: the reference has none`).toBeTruthy();
      close(want[k][0]!, values(p), want[k][1]!, label);
    });
  });
});
