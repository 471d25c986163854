/**
 * Tensor ops against PyTorch 1.13 golden values (test/golden/tensor_ops.json)
 * on both backends: the forward value and d((out · R).sum())/d(input) for
 * each input, R a fixed random tensor from the fixture (passed as the seed
 * of backward). Covers broadcasting (3,1)·(1,4), (2,3,4)·(4), 0-d tensors and
 * numbers; pow; the unary ops (abs and relu at exactly 0, gradient 0 as in
 * PyTorch); sum/mean/max with and without dim/keepdim (max ties share the
 * gradient evenly, PyTorch's max()/amax rule); matmul; reshape; transpose;
 * logSoftmax/softmax along dims 0, 1, -1, with logits of ±1e4 and ±88; the
 * ops for custom losses: clamp (at its bounds), minimum/maximum (ties share
 * the gradient; broadcasting; numbers), where (broadcast condition),
 * softplus (beta, threshold), logSigmoid (±30, 88), norm (p = 1, 2, 3, ∞ with
 * ties, a zero row), gather (repeated indices accumulate), squeeze,
 * unsqueeze, narrow, slice (Python bounds), cat, stack.
 *
 * Tolerance: 1e-5 relative / 1e-6 absolute (a few float32 roundings of exact
 * float32 inputs; broadcast gradients are summed in float64). matmul sums up
 * to 33 float32 products per entry, so its absolute tolerance is 1e-5.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { loadFixture, tensorOf, values, type OpCase } from "../helpers/golden";
import { expectClose, type Tolerance } from "../helpers/expect_close";
import { BACKENDS, withBackend } from "../helpers/backends";

type Args = OpCase["args"];
const OPS: Record<string, (xs: nx.Tensor[], args: Args) => nx.Tensor> = {
  add: ([a, b], { scalar }) => a.add(scalar ?? b),
  sub: ([a, b], { scalar }) => a.sub(scalar ?? b),
  mul: ([a, b], { scalar }) => a.mul(scalar ?? b),
  div: ([a, b], { scalar }) => a.div(scalar ?? b),
  pow: ([a], { exponent }) => a.pow(exponent!),
  neg: ([a]) => a.neg(),
  abs: ([a]) => a.abs(),
  exp: ([a]) => a.exp(),
  log: ([a]) => a.log(),
  sqrt: ([a]) => a.sqrt(),
  relu: ([a]) => a.relu(),
  sigmoid: ([a]) => a.sigmoid(),
  tanh: ([a]) => a.tanh(),
  sum: ([a], { dim, keepdim }) => a.sum(dim, keepdim),
  mean: ([a], { dim, keepdim }) => a.mean(dim, keepdim),
  max: ([a], { dim, keepdim }) => a.max(dim, keepdim),
  matmul: ([a, b]) => a.matmul(b),
  reshape: ([a], { shape }) => a.reshape(shape!),
  transpose: ([a]) => a.transpose(),
  logSoftmax: ([a], { dim }) => a.logSoftmax(dim!),
  softmax: ([a], { dim }) => a.softmax(dim!),
  clamp: ([a], { min, max }) => a.clamp(min, max),
  maximum: ([a, b], { scalar }) => a.maximum(scalar ?? b),
  minimum: ([a, b], { scalar }) => a.minimum(scalar ?? b),
  where: ([a, b], { condition }) => nx.where(tensorOf(condition!), a, b),
  softplus: ([a], { beta, threshold }) => a.softplus(beta, threshold),
  logSigmoid: ([a]) => a.logSigmoid(),
  norm: ([a], { p, dim, keepdim }) => a.norm(p === undefined ? 2 : Number(p), dim, keepdim),
  gather: ([a], { dim, index }) => a.gather(dim!, tensorOf(index!)),
  squeeze: ([a], { dim }) => a.squeeze(dim),
  unsqueeze: ([a], { dim }) => a.unsqueeze(dim!),
  narrow: ([a], { dim, start, length }) => a.narrow(dim!, start!, length!),
  slice: ([a], { dim, start, end }) => a.slice(dim!, start, end),
  cat: (xs, { dim }) => nx.cat(xs, dim),
  stack: (xs, { dim }) => nx.stack(xs, dim),
};

const DEFAULT: Tolerance = { rtol: 1e-5, atol: 1e-6 };
const TOLERANCE: Record<string, Tolerance> = { matmul: { rtol: 1e-5, atol: 1e-5 } };

const fixture = loadFixture<OpCase>("tensor_ops.json");

test("the fixture covers every op the test knows, and nothing else", () => {
  expect(new Set(fixture.cases.map((c) => c.op))).toEqual(new Set(Object.keys(OPS)));
});

describe.each(BACKENDS)(`Tensor ops match PyTorch ${fixture.torch} on %s`, (backend) => {
  test.each(fixture.cases)("$name", (c) =>
    withBackend(backend, () => {
      const label = `${backend} ${c.name}`;
      const tol = TOLERANCE[c.op] ?? DEFAULT;
      const inputs = c.inputs.map((p) => tensorOf(p, true));
      const out = OPS[c.op](inputs, c.args);
      expect(out.shape).toEqual(c.output.shape);
      expectClose(out.data, values(c.output), tol, `${label}: output`);
      out.backward(tensorOf(c.R));
      inputs.forEach((x, k) => {
        expect(x.grad).not.toBeNull();
        expectClose(x.grad!.data, values(c.grads[k]), tol, `${label}: gradient of input ${k}`);
      });
    }),
  );
});
