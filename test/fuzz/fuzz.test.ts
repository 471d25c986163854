/**
 * The fast slice of the differential fuzzer (the long runs: `npm run fuzz --
 * --cases N --seed S`): a fixed seed, every loss in turn, both backends
 * against the float64 reference. A failure prints the case's replay command
 * and a pasteable repro. Then cases the long runs once found failing (the
 * ones too big for a pasted regression test), replayed by seed and index.
 */
import { describe, expect, test } from "vitest";
import { BACKENDS } from "../helpers/backends";
import { caseAt, checkCase, reproSnippet } from "./run";
import { referenceFor, REFERENCES } from "./reference/index";
import { expected } from "./reference/reduction";

const SEED = 20261130;
const CASES = 300;

describe("differential fuzz, fast slice", () => {
  test(`${CASES} cases of seed ${SEED} on ${BACKENDS.join(" and ")} match the float64 reference`, () => {
    const failures: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const c = caseAt(SEED, i);
      const want = expected(referenceFor(c.loss), c);
      for (const backend of BACKENDS) {
        const { problems } = checkCase(c, backend, want);
        if (problems.length > 0) {
          const size = c.input.data.length;
          failures.push(
            `case ${i} (${c.loss}, ${backend}, input [${c.input.shape}], ${JSON.stringify(c.options).slice(0, 200)}):\n  ` +
              problems.join("\n  ") +
              (size <= 64 ? `\n${reproSnippet(c, SEED, i)}` : `\n  npm run fuzz -- --seed ${SEED} --case ${i}`),
          );
        }
      }
    }
    expect(failures, failures.slice(0, 5).join("\n\n")).toEqual([]);
  }, 60_000);
});

/** (loss, seed, index among that loss's cases: `npm run fuzz -- --loss L --seed S --case I`), and what it found. */
const FOUND: [string, number, number, string][] = [
  // CTC scaled per block of 8 states (a 75-frame, 61-label sample): a block without products but
  // with exponents far above the others' got an infinite occupancy factor, 0·∞ = NaN in 7 gradients.
  ["CTCLoss", 9, 1076, "NaN gradient from a block's occupancy factor"],
  // js BCE-with-logits: x − x cancelled a loss of 7e-17 at x = −37, y = 0.
  ["MultiLabelSoftMarginLoss", 4, 14, "a tiny loss cancelled to 0"],
  // wasm sigmoid focal with γ = 0.046: q^(γ−1) overflowed float32 for q ≈ 1e-44 (∞ for a loss of 6e-45).
  ["SigmoidFocalLoss", 3, 2796, "q^(γ−1) overflowed for γ < 1 and a tiny q"],
];

describe("differential fuzz, cases found by the long runs", () => {
  test.each(FOUND)("%s, seed %i, case %i (%s)", (loss, seed, index) => {
    const c = caseAt(seed, index, REFERENCES.filter((r) => r.name === loss));
    const want = expected(referenceFor(c.loss), c);
    for (const backend of BACKENDS) expect(checkCase(c, backend, want).problems, backend).toEqual([]);
  });
});
