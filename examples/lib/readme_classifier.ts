/**
 * The README's training setup (the documentation's classifier, 784 → 128 →
 * 10, CrossEntropyLoss, Adam 1e-3, a shuffling DataLoader of batch 64 over
 * 8,000 real MNIST digits), for the memory test and benchmark that run the
 * README's loop as written. examples/mnist_classifier.ts spells the same
 * model out for readers.
 */
import * as nx from "../../ts/index";
import { PIXELS, loadDigits, splitDigits, type Digits } from "./mnist";

export class Net extends nx.Module {
  fc1 = new nx.Linear(784, 128);
  relu = new nx.ReLU();
  fc2 = new nx.Linear(128, 10);
  forward(x: nx.Tensor) {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

export interface ReadmeTraining {
  model: Net;
  criterion: nx.CrossEntropyLoss;
  optimizer: nx.optim.Adam;
  loader: nx.data.DataLoader;
  test: Digits;
}

/** The model, loss, optimizer and loader of the README's loop (seeded: nx.manualSeed(0)). */
export function readmeTraining(): ReadmeTraining {
  const { train, test } = splitDigits(loadDigits());
  nx.manualSeed(0);
  const images = new nx.Tensor(train.images, { shape: [train.count, PIXELS] });
  const labels = new nx.Tensor(train.labels);
  const model = new Net();
  const criterion = new nx.CrossEntropyLoss();
  const optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
  const loader = new nx.data.DataLoader(new nx.data.TensorDataset(images, labels), { batchSize: 64, shuffle: true, seed: 0 });
  return { model, criterion, optimizer, loader, test };
}

/** The fraction of the held-out digits the model classifies right. */
export function heldOutAccuracy(model: nx.Module, test: Digits): number {
  const predicted = nx.noGrad(() => model(new nx.Tensor(test.images, { shape: [test.count, PIXELS] })).argmax(1)).data;
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (predicted[i] === test.labels[i]) correct++;
  return correct / test.count;
}
