/**
 * NaN/Inf semantics of every Tensor op and loss, as PyTorch 1.13's
 * (test/golden/special_values.json from gen_special.py; the table in
 * docs/nan-inf.md), on both backends: NaN only matches NaN, ±∞ the same
 * infinity, finite values within 1e-5 relative.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { loadFixture, lossOptions, tensorOf, values, type Packed } from "../helpers/golden";
import { expectClose } from "../helpers/expect_close";

interface SpecialCase {
  name: string;
  kind: "op" | "loss";
  op: string;
  args?: { exponent?: number; dim?: number };
  options?: Record<string, unknown>;
  inputs: (Packed & { grad: boolean })[];
  output: Packed;
  grads: (Packed | null)[];
}

const TOL = { rtol: 1e-5, atol: 1e-6 };
const fixture = loadFixture<SpecialCase>("special_values.json");

function run(c: SpecialCase, xs: nx.Tensor[]): nx.Tensor {
  if (c.kind === "loss") {
    const Loss = (nx as unknown as Record<string, new (o: unknown) => nx.Loss>)[c.op];
    return new Loss(lossOptions(c.options ?? {}))(xs[0], xs[1]);
  }
  const [a, b] = xs;
  const { exponent, dim } = c.args ?? {};
  switch (c.op) {
    case "pow":
      return a.pow(exponent!);
    case "add":
    case "sub":
    case "mul":
    case "div":
    case "matmul":
      return a[c.op](b);
    case "sum":
    case "mean":
    case "max":
      return a[c.op](dim);
    case "logSoftmax":
    case "softmax":
      return a[c.op](dim!);
    default:
      return (a as unknown as Record<string, () => nx.Tensor>)[c.op]();
  }
}

describe.each(BACKENDS)(`NaN/Inf semantics match PyTorch ${fixture.torch} on %s`, (backend) => {
  test.each(fixture.cases)("$name", (c) =>
    withBackend(backend, () => {
      const xs = c.inputs.map((p) => tensorOf(p, p.grad));
      const out = run(c, xs);
      expect(out.shape).toEqual(c.output.shape);
      expectClose(out.data, values(c.output), TOL, `${backend} ${c.name}: output`);
      if (!c.inputs.some((p) => p.grad)) return;
      out.sum().backward();
      c.grads.forEach((g, i) => {
        if (g === null) return;
        expect(xs[i].grad, `${c.name}: gradient ${i}`).not.toBeNull();
        expectClose(xs[i].grad!.data, values(g), TOL, `${backend} ${c.name}: gradient ${i}`);
      });
    }),
  );
});

test("BCEWithLogitsLoss: one non-finite logit among 37 finite ones leaves the others exact (wasm-simd redoes such calls by the scalar path)", () => {
  const x = Array.from({ length: 37 }, (_, i) => Math.sin(i) * 5);
  x[22] = -Infinity; // y = 0.5 there
  const y = x.map((_, i) => (i % 3) / 2);
  const run = (backend: "js" | "wasm-simd") =>
    withBackend(backend, () => {
      const input = new nx.Tensor(x, { requiresGrad: true });
      const out = new nx.BCEWithLogitsLoss({ reduction: "none" })(input, new nx.Tensor(y));
      out.sum().backward();
      return { loss: Array.from(out.data), grad: Array.from(input.grad!.data) };
    });
  const js = run("js");
  const wasm = run("wasm-simd");
  expect(Number.isNaN(wasm.loss[22]) && Number.isNaN(js.loss[22])).toBe(true); // PyTorch: NaN (T2 has exp(∞ − ∞))
  expect(wasm.grad[22]).toBe(-0.5); // σ(−∞) − y
  expectClose(wasm.loss, js.loss, TOL, "loss");
  expectClose(wasm.grad, js.grad, TOL, "grad");
});
