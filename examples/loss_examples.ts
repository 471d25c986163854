/**
 * The documentation's loss examples, in TypeScript. `npm run examples:losses`
 * prints what the README shows under "Loss examples".
 */
import * as nx from "../ts/index";

const show = (label: string, t: nx.Tensor | null) => console.log(`${label.padEnd(22)} ${t === null ? "null" : t.toString()}`);

nx.manualSeed(0);

// Mean squared error
{
  const loss = new nx.MSELoss();
  const input = nx.randn([3, 5], { requiresGrad: true });
  const target = nx.randn([3, 5]);
  const output = loss(input, target);
  output.backward();
  show("MSELoss", output);
}

// L1 with reduction "sum"
{
  const loss = new nx.L1Loss({ reduction: "sum" });
  const input = nx.randn([3, 5], { requiresGrad: true });
  const target = nx.randn([3, 5]);
  const output = loss(input, target);
  output.backward();
  show("L1Loss (sum)", output);
}

// Cross entropy with class indices
{
  const loss = new nx.CrossEntropyLoss();
  const input = nx.randn([3, 5], { requiresGrad: true });
  const target = new nx.Tensor([0, 1, 2]);
  const output = loss(input, target);
  output.backward();
  show("CrossEntropyLoss", output);
  show("  input.grad", input.grad);
}

// Cross entropy with class probabilities, label smoothing
{
  const loss = new nx.CrossEntropyLoss({ labelSmoothing: 0.1 });
  const input = nx.randn([3, 5], { requiresGrad: true });
  const target = nx.randn([3, 5]).softmax(1);
  const output = loss(input, target);
  output.backward();
  show("  probabilities", output);
}

// Segmentation: (N, C, H, W) logits, (N, H, W) targets, class weights, ignored pixels
{
  const loss = new nx.CrossEntropyLoss({ weight: [0.2, 1, 2], ignoreIndex: 255 });
  const input = nx.randn([2, 3, 4, 4], { requiresGrad: true });
  const target = new nx.Tensor(Array.from({ length: 32 }, (_, i) => (i % 7 === 0 ? 255 : i % 3)), { shape: [2, 4, 4] });
  const output = loss(input, target);
  output.backward();
  show("  segmentation", output);
}

// Binary cross entropy on probabilities
{
  const loss = new nx.BCELoss();
  const input = nx.randn([3], { requiresGrad: true });
  const target = new nx.Tensor([0, 1, 1]);
  const output = loss(input.sigmoid(), target);
  output.backward();
  show("BCELoss", output);
}

// Binary cross entropy on logits with positive weights: 64 classes, 10 samples
{
  const target = nx.ones([10, 64]); // all positive
  const output = nx.full([10, 64], 1.5); // a prediction (logit)
  const posWeight = nx.ones([64]); // all weights equal to 1
  const criterion = new nx.BCEWithLogitsLoss({ posWeight });
  show("BCEWithLogitsLoss", criterion(output, target)); // −log(sigmoid(1.5))
}

// A custom loss from Tensor ops
{
  class CustomLoss extends nx.nn.Loss {
    forward(input: nx.Tensor, target: nx.Tensor): nx.Tensor {
      return input.sub(target).pow(2).mean();
    }
  }
  const loss = new CustomLoss();
  const input = nx.randn([3, 5], { requiresGrad: true });
  const target = nx.randn([3, 5]);
  const output = loss(input, target);
  output.backward();
  show("CustomLoss", output);
}

console.log(`backend: ${nx.backend()}`);
