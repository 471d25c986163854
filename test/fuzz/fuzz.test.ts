/**
 * The fast slice of the differential fuzzer (the long runs: `npm run fuzz --
 * --cases N --seed S`): a fixed seed, every loss in turn, both backends
 * against the float64 reference. A failure prints the case's replay command
 * and a pasteable repro.
 */
import { describe, expect, test } from "vitest";
import { BACKENDS } from "../helpers/backends";
import { caseAt, checkCase, reproSnippet } from "./run";
import { referenceFor } from "./reference/index";
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
