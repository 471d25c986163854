/**
 * A TypeScript project compiled to CommonJS (`module: commonjs`, see
 * tsconfig.json): tsc turns the import into `require("neurenix")`.
 * BCE-with-logits of a constant logit 1.5 against all-positive targets is
 * −log σ(1.5) = log(1 + e^−1.5), and each input's gradient is (σ(1.5) − 1)/n.
 * Prints ours next to those as JSON; commonjs.test.ts compares them.
 */
import * as nx from "neurenix";

const n = 10 * 64;
const logits = new nx.Tensor(new Float32Array(n).fill(1.5), { shape: [10, 64], requiresGrad: true });
const criterion = new nx.BCEWithLogitsLoss({ posWeight: nx.ones([64]) });
const loss: nx.Tensor = criterion(logits, nx.ones([10, 64]));
loss.backward();
const grad = logits.grad;
if (grad === null) throw new Error("logits.grad is null after backward()");
const sigmoid = 1 / (1 + Math.exp(-1.5));

console.log(
  JSON.stringify({
    backend: nx.backend(),
    loss: loss.item(),
    expectedLoss: Math.log1p(Math.exp(-1.5)),
    gradMin: Math.min(...grad.data),
    gradMax: Math.max(...grad.data),
    expectedGrad: (sigmoid - 1) / n,
  }),
);
