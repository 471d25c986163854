/**
 * Loading the PyTorch golden fixtures written by test/golden/gen_golden.py.
 *
 * A fixture packs each tensor as { shape, data } with non-finite numbers as
 * the strings "NaN" / "Infinity" / "-Infinity" (JSON has no NaN). Inputs are
 * exact float32 values; expected outputs and gradients are float64 answers
 * computed by torch from those inputs.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { expectClose, type Tolerance } from "./expect_close";
import { BACKENDS, withBackend } from "./backends";

export interface Packed {
  shape: number[];
  data: (number | string)[];
}

export interface LossCase {
  name: string;
  options: Record<string, unknown>;
  inputTransform?: "sigmoid";
  input: Packed;
  target: Packed;
  output: Packed;
  inputGrad: Packed;
}

/** A case of a loss with any number of inputs (gen_golden.py's multi_case). */
export interface MultiLossCase {
  name: string;
  options: Record<string, unknown>;
  inputs: Packed[];
  requiresGrad: boolean[];
  output: Packed;
  /** d(output)/d(input) ("none": of output.sum()) for the inputs requiring grad, else null. */
  grads: (Packed | null)[];
}

export interface OpCase {
  name: string;
  op: string;
  args: {
    scalar?: number;
    exponent?: number;
    dim?: number;
    keepdim?: boolean;
    shape?: number[];
    min?: number;
    max?: number;
    /** A norm's p; "Infinity" for ∞. */
    p?: number | string;
    start?: number;
    end?: number;
    length?: number;
    beta?: number;
    threshold?: number;
    /** Non-differentiable tensor arguments (where's condition, gather's index). */
    condition?: Packed;
    index?: Packed;
  };
  inputs: Packed[];
  R: Packed;
  output: Packed;
  grads: Packed[];
}

export interface Fixture<C> {
  generator: string;
  torch: string;
  loss?: string;
  cases: C[];
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

/** Reads test/golden/<file>. */
export function loadFixture<C>(file: string): Fixture<C> {
  const url = new URL(`../golden/${file}`, import.meta.url);
  return JSON.parse(readFileSync(url, "utf8")) as Fixture<C>;
}

/** The flat values of a packed tensor, as float64 numbers. */
export function values(p: Packed): number[] {
  return p.data.map((v) => (typeof v === "number" ? v : NON_FINITE[v]));
}

/** A new Tensor holding a packed tensor's values. */
export function tensorOf(p: Packed, requiresGrad = false): nx.Tensor {
  return new nx.Tensor(values(p), { shape: p.shape, requiresGrad });
}

/** Constructor options with packed weight/posWeight turned into Tensors. */
export function lossOptions(options: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...options };
  for (const key of ["weight", "posWeight"]) {
    if (out[key] !== undefined) out[key] = tensorOf(out[key] as Packed);
  }
  return out;
}

export interface CaseTolerance {
  output: Tolerance;
  grad: Tolerance;
}

/** Runs one loss case on the current backend: forward value and input gradient. */
export function checkLossCase(
  c: LossCase,
  make: (options: Record<string, unknown>) => nx.Loss,
  tol: CaseTolerance,
  label: string,
): void {
  const input = tensorOf(c.input, true);
  const target = tensorOf(c.target);
  const criterion = make(lossOptions(c.options));
  const fed = c.inputTransform === "sigmoid" ? input.sigmoid() : input;
  const out = criterion(fed, target);
  expect(out.shape).toEqual(c.output.shape);
  expectClose(out.data, values(c.output), tol.output, `${label}: output`);
  (c.options.reduction === "none" ? out.sum() : out).backward();
  expect(input.grad).not.toBeNull();
  expectClose(input.grad!.data, values(c.inputGrad), tol.grad, `${label}: input gradient`);
}

/** Every case of a loss fixture, on every backend. */
export function describeLossGolden(
  file: string,
  make: (options: Record<string, unknown>) => nx.Loss,
  tolerance: (c: LossCase) => CaseTolerance,
): void {
  const fixture = loadFixture<LossCase>(file);
  describe.each(BACKENDS)(`${fixture.loss} matches PyTorch ${fixture.torch} on %s`, (backend) => {
    test.each(fixture.cases)("$name", (c) =>
      withBackend(backend, () => checkLossCase(c, make, tolerance(c), `${backend} ${c.name}`)),
    );
  });
}

/**
 * Runs one multi-input case on the current backend: the output, and the
 * gradient of every input the case marks as requiring grad.
 */
export function checkMultiLossCase(
  c: MultiLossCase,
  call: (options: Record<string, unknown>, inputs: nx.Tensor[]) => nx.Tensor,
  tol: CaseTolerance,
  label: string,
): void {
  const inputs = c.inputs.map((p, i) => tensorOf(p, c.requiresGrad[i]));
  const out = call(lossOptions(c.options), inputs);
  expect(out.shape).toEqual(c.output.shape);
  expectClose(out.data, values(c.output), tol.output, `${label}: output`);
  if (!c.requiresGrad.includes(true)) return; // a value-only case
  (c.options.reduction === "none" ? out.sum() : out).backward();
  c.grads.forEach((g, i) => {
    if (g === null) return;
    expect(inputs[i].grad, `${label}: gradient of input ${i}`).not.toBeNull();
    expectClose(inputs[i].grad!.data, values(g), tol.grad, `${label}: gradient of input ${i}`);
  });
}

/**
 * Every case of a multi-input loss fixture, on every backend, twice: through
 * the class (`new Loss(options)(...inputs)`) and through its nn.functional form.
 */
export function describeMultiLossGolden(
  file: string,
  make: (options: Record<string, unknown>) => nx.Loss<never[], string>,
  functional: (inputs: nx.Tensor[], options: Record<string, unknown>) => nx.Tensor,
  tolerance: (c: MultiLossCase) => CaseTolerance,
): void {
  const fixture = loadFixture<MultiLossCase>(file);
  describe.each(BACKENDS)(`${fixture.loss} matches PyTorch ${fixture.torch} on %s`, (backend) => {
    test.each(fixture.cases)("$name", (c) =>
      withBackend(backend, () => {
        const call = (o: Record<string, unknown>, xs: nx.Tensor[]) => (make(o) as unknown as (...a: nx.Tensor[]) => nx.Tensor)(...xs);
        checkMultiLossCase(c, call, tolerance(c), `${backend} ${c.name}`);
        checkMultiLossCase(c, (o, xs) => functional(xs, o), tolerance(c), `${backend} ${c.name} (functional)`);
      }),
    );
  });
}
