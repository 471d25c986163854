/**
 * Semantic segmentation: every pixel of a 28×28 canvas holding one shifted
 * MNIST digit is labelled background or the digit's class (11 classes), the
 * anti-aliased rim is ignored (ignoreIndex), and an MLP predicts the
 * (N, 11, 28, 28) logits for CrossEntropyLoss with class weights:
 *
 *   npm run example:segmentation                  # wasm-simd kernels
 *   npm run example:segmentation -- --backend=js
 *
 * Flatten, Linear 784 → 128, ReLU, Linear 128 → 11·784, reshaped to
 * (N, 11, 28, 28). CrossEntropyLoss({ weight: background 0.25, digits 1,
 * ignoreIndex: -100 }); Adam (lr 1e-3) with the gradients clipped to norm 1
 * (nn.utils.clipGradNorm); batches of 64, 5 epochs over the 8,000 training
 * digits (examples/lib/canvas.ts places them). Prints pixel accuracy and
 * mean IoU (11 classes) on the 2,000 held-out canvases and draws inputs,
 * true and predicted masks in examples/output/segmentation.svg. The PyTorch
 * twin is examples/segmentation_pytorch.py (initial weights:
 * examples/output/segmentation_init.safetensors).
 */
import * as nx from "../ts/index";
import { backendOption, isMain } from "./lib/cli";
import { loadDigits, splitDigits } from "./lib/mnist";
import { IGNORE, SIDE, placeDigits } from "./lib/canvas";
import { allInputs, epochBatches, type Samples } from "./lib/batches";
import { trainEpochs, type Run } from "./lib/train";
import { confusion, meanIoU, percent, pixelAccuracy } from "./lib/metrics";
import { classPng, greyPng } from "./lib/png";
import { figureSvg } from "./lib/figure";
import { initialWeights, writeOutput } from "./lib/output";

export const TASK = {
  name: "segmentation",
  seed: 4,
  batchSize: 64,
  epochs: 5,
  lr: 1e-3,
  hidden: 128,
  backgroundWeight: 0.25,
  clipNorm: 1,
};
const CLASSES = 11;
const P = SIDE * SIDE;

/** Background white, the digits 0–9 in matplotlib's tab10 colours (navy for 7, whose tab10 grey looks ignored); ignored pixels grey. */
const PALETTE: [number, number, number][] = [
  [255, 255, 255],
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [20, 30, 110], [188, 189, 34], [23, 190, 207],
];
const IGNORED: [number, number, number] = [185, 185, 185];

function samples(images: Float32Array, masks: Float32Array, count: number): Samples {
  return { inputs: images, inputShape: [1, SIDE, SIDE], targets: masks, targetShape: [SIDE, SIDE], count };
}

export function taskData(): { train: Samples; test: Samples; testLabels: Float32Array } {
  const { train, test } = splitDigits(loadDigits());
  const a = placeDigits(train, 10 * TASK.seed);
  const b = placeDigits(test, 10 * TASK.seed + 1);
  return { train: samples(a.images, a.masks, a.count), test: samples(b.images, b.masks, b.count), testLabels: test.labels };
}

export class SegNet extends nx.Module {
  flatten = new nx.Flatten();
  fc1 = new nx.Linear(P, TASK.hidden);
  relu = new nx.ReLU();
  fc2 = new nx.Linear(TASK.hidden, CLASSES * P);

  forward(x: nx.Tensor): nx.Tensor {
    return this.fc2(this.relu(this.fc1(this.flatten(x)))).reshape([x.shape[0], CLASSES, SIDE, SIDE]);
  }
}

export function makeModel(): nx.Module {
  return new SegNet();
}

export function classWeights(): nx.Tensor {
  return new nx.Tensor([TASK.backgroundWeight, ...new Array<number>(CLASSES - 1).fill(1)]);
}

export function makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[] {
  const model = makeModel();
  model.loadStateDict(init);
  const criterion = new nx.CrossEntropyLoss({ weight: classWeights(), ignoreIndex: IGNORE });
  const optimizer = new nx.optim.Adam(model.parameters(), { lr: TASK.lr });
  return [{ name: "CrossEntropyLoss", model, criterion, optimizer, clipNorm: TASK.clipNorm }];
}

async function main(): Promise<void> {
  const { train, test, testLabels } = taskData();
  console.log(`backend: ${backendOption()}; ${train.count} training canvases, ${test.count} held out`);
  const init = initialWeights(TASK.name, makeModel);
  const [run] = makeRuns(init);
  await trainEpochs(run, (e) => epochBatches(train, TASK, e), TASK.epochs, Math.ceil(train.count / TASK.batchSize));
  const predicted = nx.noGrad(() => run.model(allInputs(test)).argmax(1)).data.slice();
  const counts = confusion(predicted, test.targets, CLASSES, IGNORE);
  const result = `pixel accuracy ${percent(pixelAccuracy(counts))}, mean IoU ${percent(meanIoU(counts))} (11 classes, rim pixels ignored)`;
  console.log(`\nheld-out canvases: ${result}`);

  const shown = Array.from({ length: 10 }, (_, d) => testLabels.indexOf(d));
  const tile = (a: Float32Array, i: number, grey = false) =>
    ({ png: grey ? greyPng(a.subarray(i * P, (i + 1) * P), SIDE, SIDE) : classPng(a.subarray(i * P, (i + 1) * P), SIDE, SIDE, PALETTE, 3, IGNORED) });
  const svg = figureSvg({
    title: `Segmentation: a class per pixel, CrossEntropyLoss on (N, 11, 28, 28) (neurenix, ${nx.backend()})`,
    notes: [`held-out canvases: ${result}`],
    rows: [
      { label: "input", tiles: shown.map((i) => tile(test.inputs, i, true)) },
      { label: "true mask\n(grey: ignored rim)", tiles: shown.map((i) => tile(test.targets, i)) },
      { label: "predicted mask", tiles: shown.map((i) => tile(predicted, i)) },
    ],
    tile: 84,
    legend: [
      { label: "background", color: "#fff" },
      ...PALETTE.slice(1).map((c, d) => ({ label: String(d), color: `rgb(${c.join(",")})` })),
      { label: "ignored", color: `rgb(${IGNORED.join(",")})` },
    ],
  });
  console.log(`wrote ${writeOutput("segmentation.svg", svg)}`);
}

if (isMain(import.meta.url)) await main();
