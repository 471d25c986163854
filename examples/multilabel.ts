/**
 * Multi-label classification: five attributes of each MNIST digit, several
 * true at once, one logit per attribute, BCEWithLogitsLoss (an independent
 * binary cross entropy per label):
 *
 *   npm run example:multilabel                  # wasm-simd kernels
 *   npm run example:multilabel -- --backend=js
 *
 * even (0 2 4 6 8) · greater than 4 (5–9) · prime (2 3 5 7) · has a loop
 * (0 6 8 9) · straight strokes only (1 4 7). 784 → 64 → ReLU → 5, Adam
 * (lr 1e-3), batches of 64, 3 epochs over the 8,000 training digits. Prints
 * the F1 of each label on the 2,000 held-out digits (logit > 0 ⇒ the label
 * holds) and draws held-out digits with their predicted labels in
 * examples/output/multilabel.svg. The PyTorch twin is
 * examples/multilabel_pytorch.py (initial weights:
 * examples/output/multilabel_init.safetensors).
 */
import * as nx from "../ts/index";
import { backendOption, isMain } from "./lib/cli";
import { PIXELS, loadDigits, splitDigits, type Digits } from "./lib/mnist";
import { allInputs, epochBatches, type Samples } from "./lib/batches";
import { trainEpochs, type Run } from "./lib/train";
import { binaryScores, percent } from "./lib/metrics";
import { greyPng } from "./lib/png";
import { figureSvg, type Tile } from "./lib/figure";
import { initialWeights, writeOutput } from "./lib/output";

export const TASK = { name: "multilabel", seed: 2, batchSize: 64, epochs: 3, lr: 1e-3 };

/** The attributes: a short tag for the picture and the digits that have it. */
export const LABELS = [
  { name: "even", tag: "E", digits: [0, 2, 4, 6, 8] },
  { name: "greater than 4", tag: ">4", digits: [5, 6, 7, 8, 9] },
  { name: "prime", tag: "P", digits: [2, 3, 5, 7] },
  { name: "has a loop", tag: "O", digits: [0, 6, 8, 9] },
  { name: "straight strokes only", tag: "S", digits: [1, 4, 7] },
];

function samples(d: Digits): Samples {
  const targets = new Float32Array(d.count * LABELS.length);
  for (let i = 0; i < d.count; i++) LABELS.forEach((l, k) => (targets[i * LABELS.length + k] = l.digits.includes(d.labels[i]) ? 1 : 0));
  return { inputs: d.images, inputShape: [PIXELS], targets, targetShape: [LABELS.length], count: d.count };
}

export function taskData(): { train: Samples; test: Samples; testDigits: Digits } {
  const { train, test } = splitDigits(loadDigits());
  return { train: samples(train), test: samples(test), testDigits: test };
}

export function makeModel(): nx.Module {
  return new nx.Sequential(new nx.Linear(PIXELS, 64), new nx.ReLU(), new nx.Linear(64, LABELS.length));
}

export function makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[] {
  const model = makeModel();
  model.loadStateDict(init);
  return [{ name: "BCEWithLogitsLoss", model, criterion: new nx.BCEWithLogitsLoss(), optimizer: new nx.optim.Adam(model.parameters(), { lr: TASK.lr }) }];
}

async function main(): Promise<void> {
  const { train, test, testDigits } = taskData();
  console.log(`backend: ${backendOption()}; ${train.count} training digits, ${test.count} held out; labels: ${LABELS.map((l) => l.name).join(", ")}`);
  const init = initialWeights(TASK.name, makeModel);
  const [run] = makeRuns(init);
  await trainEpochs(run, (e) => epochBatches(train, TASK, e), TASK.epochs, Math.ceil(train.count / TASK.batchSize));
  const logits = nx.noGrad(() => run.model(allInputs(test))).data.slice();
  const L = LABELS.length;
  const f1s = LABELS.map((_, k) => {
    const column = (a: Float32Array, t: number) => Array.from({ length: test.count }, (_, i) => a[i * L + k] > t);
    return binaryScores(column(logits, 0), column(test.targets, 0.5)).f1;
  });
  let exact = 0;
  for (let i = 0; i < test.count; i++) if (LABELS.every((_, k) => logits[i * L + k] > 0 === test.targets[i * L + k] > 0.5)) exact++;
  const lines = LABELS.map((l, k) => `${l.name.padEnd(22)} F1 ${percent(f1s[k])}`);
  lines.push(`${"mean F1".padEnd(22)} ${percent(f1s.reduce((a, b) => a + b, 0) / L)}`, `${"all five right".padEnd(22)} ${percent(exact / test.count)}`);
  console.log(`\nheld-out digits:\n${lines.join("\n")}`);

  // Two held-out digits of each class, captioned with the predicted tags (red where any is wrong).
  const shown: number[] = [];
  for (let d = 0; d < 10; d++) shown.push(...[...Array(test.count).keys()].filter((i) => testDigits.labels[i] === d).slice(0, 2));
  const tile = (i: number): Tile => {
    const tags = LABELS.filter((_, k) => logits[i * L + k] > 0).map((l) => l.tag);
    const right = LABELS.every((_, k) => logits[i * L + k] > 0 === test.targets[i * L + k] > 0.5);
    return { png: greyPng(testDigits.images.subarray(i * PIXELS, (i + 1) * PIXELS), 28, 28), caption: tags.join(" ") || "–", color: right ? "#1a7f37" : "#cf222e" };
  };
  const svg = figureSvg({
    title: `Multi-label: predicted attributes of held-out digits (neurenix, ${nx.backend()})`,
    notes: [
      LABELS.map((l) => `${l.tag} = ${l.name}`).join(" · ") + " · green: all five right, red: some wrong",
      `F1 per label: ${LABELS.map((l, k) => `${l.tag} ${percent(f1s[k])}`).join(", ")}; all five right for ${percent(exact / test.count)} of the digits`,
    ],
    rows: [
      { label: "0 – 4", tiles: shown.slice(0, 10).map(tile) },
      { label: "5 – 9", tiles: shown.slice(10).map(tile) },
    ],
    tile: 56,
  });
  console.log(`wrote ${writeOutput("multilabel.svg", svg)}`);
}

if (isMain(import.meta.url)) await main();
