/**
 * A CommonJS consumer of the package: `require("neurenix")` loads the ESM
 * bundle synchronously (require(esm): Node ≥ 20.19 / 22.12; the bundle has no
 * top-level await). Computes cross entropy on the inputs of expected.json's
 * "CrossEntropyLoss (indices)" case, runs backward, and prints PyTorch's
 * values next to ours as JSON on the last line; commonjs.test.ts compares them.
 *
 *   node commonjs_check.cjs path/to/expected.json
 */
"use strict";
const { readFileSync } = require("node:fs");
const nx = require("neurenix");

const expected = JSON.parse(readFileSync(process.argv[2], "utf8"));
const c = expected.losses.find((l) => l.name === "CrossEntropyLoss (indices)");
if (!c) throw new Error("expected.json has no 'CrossEntropyLoss (indices)' case");

const input = new nx.Tensor(c.input.data, { shape: c.input.shape, requiresGrad: true });
const loss = new nx.CrossEntropyLoss()(input, new nx.Tensor(c.target.data, { shape: c.target.shape }));
loss.backward();

console.log(
  JSON.stringify({
    backend: nx.backend(),
    loss: loss.item(),
    expectedLoss: c.output.data[0],
    grad: Array.from(input.grad.data),
    expectedGrad: c.inputGrad.data,
  }),
);
