/**
 * Issue 10, defect 3: cross entropy on long rows (C = 1e3…1e5) with
 * probability targets or label smoothing lost 1e-5…9e-5 relative on
 * wasm-simd (f32 lane sums); the sums now fold into float64. Checked
 * against the fuzzer's float64 reference at the long-row tolerance (1e-6 for
 * "mean"/"sum"), on both backends.
 */
import { describe, expect, test } from "vitest";
import { BACKENDS } from "../helpers/backends";
import { mulberry32 } from "../helpers/prng";
import { checkCase, RTOL_LONG_MEAN } from "../fuzz/run";
import { normals, uniforms } from "../fuzz/generate";
import type { FuzzCase } from "../fuzz/reference/types";

function longRow(classes: number, prob: boolean, options: Record<string, unknown>): FuzzCase {
  const rng = mulberry32(classes);
  const t = uniforms(rng, classes, 0, 1);
  const total = t.reduce((a, b) => a + b, 0);
  return {
    loss: "CrossEntropyLoss",
    options,
    input: { shape: [1, classes], data: normals(rng, classes, 10) },
    target: prob ? { shape: [1, classes], data: t.map((v) => Math.fround(v / total)) } : { shape: [1], data: [7] },
    targetGrad: false,
    upstream: null,
    longRow: classes,
  };
}

const CASES: [string, FuzzCase][] = [
  ["C = 87,932 probability targets [sum]", longRow(87932, true, { reduction: "sum" })],
  ["C = 1e5 probability targets [mean]", longRow(100000, true, { reduction: "mean" })],
  ["C = 1e5 label smoothing 0.3 [mean]", longRow(100000, false, { reduction: "mean", labelSmoothing: 0.3 })],
  ["C = 3,000 weighted label smoothing [sum]", longRow(3000, false, { reduction: "sum", labelSmoothing: 0.1, weight: { shape: [3000], data: uniforms(mulberry32(1), 3000, 0, 2) } })],
];

describe.each(BACKENDS)(`long rows within ${RTOL_LONG_MEAN} on %s`, (backend) => {
  test.each(CASES)("%s", (_, c) => {
    expect(checkCase(c, backend).problems).toEqual([]);
  });
});
