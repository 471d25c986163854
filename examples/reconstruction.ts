/**
 * Image reconstruction: an autoencoder 784 → 32 → 784 with a Sigmoid
 * output, trained three times from the same initial weights with MSELoss,
 * L1Loss and BCELoss (pixels in [0, 1] read as probabilities of ink):
 *
 *   npm run example:reconstruction                  # wasm-simd kernels
 *   npm run example:reconstruction -- --backend=js
 *
 * Linear 784 → 32, ReLU, Linear 32 → 784, Sigmoid; Adam (lr 2e-3) with
 * CosineAnnealingLR over the 15 epochs; batches of 64 of the 8,000 training
 * digits. Prints each model's mean squared and absolute error on the 2,000
 * held-out digits and draws originals and reconstructions per loss in
 * examples/output/reconstruction.svg. The PyTorch twin is
 * examples/reconstruction_pytorch.py (initial weights:
 * examples/output/reconstruction_init.safetensors).
 */
import * as nx from "../ts/index";
import { backendOption, isMain } from "./lib/cli";
import { PIXELS, loadDigits, splitDigits, type Digits } from "./lib/mnist";
import { allInputs, epochBatches, type Samples } from "./lib/batches";
import { trainEpochs, type Run } from "./lib/train";
import { meanSquaredError } from "./lib/metrics";
import { greyPng } from "./lib/png";
import { figureSvg, type FigureRow } from "./lib/figure";
import { initialWeights, writeOutput } from "./lib/output";

export const TASK = { name: "reconstruction", seed: 3, batchSize: 64, epochs: 15, lr: 2e-3, code: 32 };

function samples(d: Digits): Samples {
  return { inputs: d.images, inputShape: [PIXELS], targets: d.images, targetShape: [PIXELS], count: d.count };
}

export function taskData(): { train: Samples; test: Samples; testDigits: Digits } {
  const { train, test } = splitDigits(loadDigits());
  return { train: samples(train), test: samples(test), testDigits: test };
}

export function makeModel(): nx.Module {
  return new nx.Sequential(new nx.Linear(PIXELS, TASK.code), new nx.ReLU(), new nx.Linear(TASK.code, PIXELS), new nx.Sigmoid());
}

export function makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[] {
  return [new nx.MSELoss(), new nx.L1Loss(), new nx.BCELoss()].map((criterion) => {
    const model = makeModel();
    model.loadStateDict(init);
    const optimizer = new nx.optim.Adam(model.parameters(), { lr: TASK.lr });
    const scheduler = new nx.optim.lrScheduler.CosineAnnealingLR(optimizer, TASK.epochs);
    return { name: criterion.constructor.name, model, criterion, optimizer, scheduler };
  });
}

async function main(): Promise<void> {
  const { train, test, testDigits } = taskData();
  console.log(`backend: ${backendOption()}; ${train.count} training digits, ${test.count} held out`);
  const init = initialWeights(TASK.name, makeModel);
  // The first held-out image of each digit.
  const shown = Array.from({ length: 10 }, (_, d) => testDigits.labels.indexOf(d));
  const image = (a: Float32Array, i: number) => a.subarray(i * PIXELS, (i + 1) * PIXELS);
  const rows: FigureRow[] = [{ label: "original", tiles: shown.map((i) => ({ png: greyPng(image(test.inputs, i), 28, 28) })) }];
  const results: string[] = [];
  for (const run of makeRuns(init)) {
    await trainEpochs(run, (e) => epochBatches(train, TASK, e), TASK.epochs, Math.ceil(train.count / TASK.batchSize));
    const out = nx.noGrad(() => run.model(allInputs(test))).data.slice();
    const mse = meanSquaredError(out, test.inputs);
    const mae = nx.noGrad(() => new nx.L1Loss()(new nx.Tensor(out), new nx.Tensor(test.inputs)).item());
    results.push(`${run.name.padEnd(10)} held-out MSE ${mse.toFixed(4)}  MAE ${mae.toFixed(4)}`);
    rows.push({ label: `${run.name}\nMSE ${mse.toFixed(4)}`, tiles: shown.map((i) => ({ png: greyPng(image(out, i), 28, 28) })) });
  }
  console.log(`\nheld-out digits:\n${results.join("\n")}`);
  const svg = figureSvg({
    title: `Autoencoder 784 → 32 → 784: reconstructions per loss (neurenix, ${nx.backend()})`,
    notes: [`held-out digits; ${TASK.epochs} epochs of Adam with CosineAnnealingLR from the same initial weights`],
    rows,
    tile: 56,
  });
  console.log(`wrote ${writeOutput("reconstruction.svg", svg)}`);
}

if (isMain(import.meta.url)) await main();
