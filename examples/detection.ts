/**
 * Object detection: one or two MNIST digits on a 56×56 canvas, a 2×2 grid
 * of cells, and per cell an objectness logit, a box and a class, trained
 * with a combination of losses:
 *
 *   npm run example:detection                  # wasm-simd kernels
 *   npm run example:detection -- --backend=js
 *
 * SigmoidFocalLoss (α 0.25, γ 2) on every cell's objectness
 * + SmoothL1Loss (β = 1/9, summed, ÷ 4 per object) on the boxes of the cells
 * that hold a digit (the others' box outputs are multiplied by 0)
 * + CrossEntropyLoss on their classes (empty cells: ignoreIndex).
 * Flatten 56·56 → 256 → ReLU → 4 × (1 + 4 + 10); Adam (lr 1e-3), batches of
 * 64, 16 epochs over 8,000 training canvases (examples/lib/boxes.ts places
 * the digits). Prints, on the 2,000 held-out canvases, how many cells'
 * objectness is right (logit > 0), and for each digit the IoU of the box
 * its cell predicts with the true box (mean IoU) and whether its class is
 * right; draws canvases with true and predicted boxes in
 * examples/output/detection.svg. The PyTorch twin is
 * examples/detection_pytorch.py (initial weights:
 * examples/output/detection_init.safetensors).
 */
import * as nx from "../ts/index";
import { backendOption, isMain } from "./lib/cli";
import { loadDigits, splitDigits } from "./lib/mnist";
import { CANVAS, CELLS, IGNORE, TARGET, cellBox, iou, placeScenes } from "./lib/boxes";
import { allInputs, epochBatches, type Samples } from "./lib/batches";
import { adamRun, trainEpochs, type Run } from "./lib/train";
import { percent } from "./lib/metrics";
import { greyBoxesPng, type Outline } from "./lib/png";
import { figureSvg, type Tile } from "./lib/figure";
import { initialWeights, writeOutput } from "./lib/output";

export const TASK = { name: "detection", seed: 6, batchSize: 64, epochs: 16, lr: 1e-3, hidden: 256, beta: 1 / 9 };
const CLASSES = 10;
/** Outputs per cell: objectness, cx, cy, w, h, 10 class logits. */
const OUT = 1 + 4 + CLASSES;

function samples(images: Float32Array, targets: Float32Array, count: number): Samples {
  return { inputs: images, inputShape: [CANVAS * CANVAS], targets, targetShape: [CELLS, TARGET], count };
}

export function taskData(): { train: Samples; test: Samples } {
  const { train, test } = splitDigits(loadDigits());
  const a = placeScenes(train, 10 * TASK.seed);
  const b = placeScenes(test, 10 * TASK.seed + 1);
  return { train: samples(a.images, a.targets, a.count), test: samples(b.images, b.targets, b.count) };
}

export function makeModel(): nx.Module {
  return new nx.Sequential(new nx.Linear(CANVAS * CANVAS, TASK.hidden), new nx.ReLU(), new nx.Linear(TASK.hidden, CELLS * OUT));
}

/** The sum of the three losses on outputs (N, CELLS·OUT) and targets (N, CELLS, TARGET). */
export function detectionCriterion(): Run["criterion"] {
  const objectness = new nx.SigmoidFocalLoss();
  const boxes = new nx.SmoothL1Loss({ beta: TASK.beta, reduction: "sum" });
  const classes = new nx.CrossEntropyLoss({ ignoreIndex: IGNORE });
  return (output, target) => {
    const n = output.shape[0];
    const out = output.reshape([n, CELLS, OUT]);
    const present = target.narrow(2, 0, 1);
    const object = objectness(out.narrow(2, 0, 1), present);
    const box = boxes(out.narrow(2, 1, 4).mul(present), target.narrow(2, 1, 4)).div(present.sum().mul(4));
    const cls = classes(out.narrow(2, 5, CLASSES).reshape([n * CELLS, CLASSES]), target.narrow(2, 5, 1).reshape([n * CELLS]));
    return object.add(box).add(cls);
  };
}

export function makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[] {
  return [adamRun("focal + SmoothL1 + CE", detectionCriterion(), makeModel, init, TASK.lr)];
}

interface Scores {
  cellsRight: number;
  meanIoU: number;
  classAccuracy: number;
}

/** Objectness right per cell; per true digit, its cell's box IoU and class. */
function score(out: Float32Array, test: Samples): Scores {
  let cellsRight = 0;
  let objects = 0;
  let iouSum = 0;
  let classRight = 0;
  for (let c = 0; c < test.count * CELLS; c++) {
    const o = out.subarray(c * OUT, (c + 1) * OUT);
    const t = test.targets.subarray(c * TARGET, (c + 1) * TARGET);
    if (o[0] > 0 === (t[0] === 1)) cellsRight++;
    if (t[0] !== 1) continue;
    objects++;
    iouSum += iou(cellBox(c % CELLS, o.subarray(1, 5)), cellBox(c % CELLS, t.subarray(1, 5)));
    if (argmax(o.subarray(5)) === t[5]) classRight++;
  }
  return { cellsRight: cellsRight / (test.count * CELLS), meanIoU: iouSum / objects, classAccuracy: classRight / objects };
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

const TRUE_COLOR: [number, number, number] = [26, 160, 60];
const PREDICTED_COLOR: [number, number, number] = [220, 40, 40];

/** A held-out canvas with its true boxes (green) and the boxes of the cells predicted to hold a digit (red). */
function sceneTile(out: Float32Array, test: Samples, n: number): Tile {
  const outlines: Outline[] = [];
  const truth: string[] = [];
  const found: string[] = [];
  for (let c = 0; c < CELLS; c++) {
    const o = out.subarray((n * CELLS + c) * OUT, (n * CELLS + c + 1) * OUT);
    const t = test.targets.subarray((n * CELLS + c) * TARGET, (n * CELLS + c + 1) * TARGET);
    if (t[0] === 1) {
      outlines.push({ ...cellBox(c, t.subarray(1, 5)), color: TRUE_COLOR });
      truth.push(String(t[5]));
    }
    if (o[0] > 0) {
      outlines.push({ ...cellBox(c, o.subarray(1, 5)), color: PREDICTED_COLOR });
      found.push(String(argmax(o.subarray(5))));
    }
  }
  const image = test.inputs.subarray(n * CANVAS * CANVAS, (n + 1) * CANVAS * CANVAS);
  const right = found.join() === truth.join();
  return { png: greyBoxesPng(image, CANVAS, CANVAS, outlines), caption: `${found.join(" ") || "–"} (true ${truth.join(" ")})`, color: right ? "#1a7f37" : "#cf222e" };
}

async function main(): Promise<void> {
  const { train, test } = taskData();
  console.log(`backend: ${backendOption()}; ${train.count} training canvases, ${test.count} held out (one or two digits each)`);
  const init = initialWeights(TASK.name, makeModel);
  const [run] = makeRuns(init);
  await trainEpochs(run, (e) => epochBatches(train, TASK, e), TASK.epochs, Math.ceil(train.count / TASK.batchSize));
  const out = nx.noGrad(() => run.model(allInputs(test))).data.slice();
  const s = score(out, test);
  const result = `mean IoU ${percent(s.meanIoU)}, class accuracy ${percent(s.classAccuracy)}, objectness right for ${percent(s.cellsRight)} of the cells`;
  console.log(`\nheld-out canvases: ${result}`);
  // The held-out digits come in digit order (200 of each): every 125th canvas shows them all.
  const tiles = Array.from({ length: 16 }, (_, k) => sceneTile(out, test, 125 * k));
  const svg = figureSvg({
    title: `Detection: focal + SmoothL1 + cross entropy per cell of a 2×2 grid (neurenix, ${nx.backend()})`,
    notes: [`held-out canvases: ${result}`, "green: true boxes; red: boxes of the cells predicted to hold a digit; caption: predicted classes (true), green when all right"],
    rows: [
      { label: "held-out canvases", tiles: tiles.slice(0, 8) },
      { label: "", tiles: tiles.slice(8) },
    ],
    tile: 112,
  });
  console.log(`wrote ${writeOutput("detection.svg", svg)}`);
}

if (isMain(import.meta.url)) await main();
