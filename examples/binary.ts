/**
 * Binary classification: "is it a 7?" on MNIST (10% positives), with
 * BCEWithLogitsLoss, and again with posWeight = 9 (negatives / positives),
 * which weighs each positive's loss nine times so that the rare class is not
 * drowned out:
 *
 *   npm run example:binary                    # wasm-simd kernels
 *   npm run example:binary -- --backend=js
 *
 * 784 → 32 → ReLU → 1 logit, Adam (lr 1e-3), batches of 64, 3 epochs over
 * the 8,000 training digits, both runs from the same initial weights
 * (written to examples/output/binary_init.safetensors for the PyTorch twin,
 * examples/binary_pytorch.py). Prints precision, recall and F1 of the
 * positive class on the 2,000 held-out digits (logit > 0 ⇒ "a 7") and
 * draws the 7s each run missed and its false alarms in
 * examples/output/binary.svg.
 */
import * as nx from "../ts/index";
import { backendOption, isMain } from "./lib/cli";
import { PIXELS, loadDigits, splitDigits, type Digits } from "./lib/mnist";
import { allInputs, epochBatches, type Samples } from "./lib/batches";
import { trainEpochs, type Run } from "./lib/train";
import { binaryScores, percent } from "./lib/metrics";
import { greyPng } from "./lib/png";
import { figureSvg, type FigureRow } from "./lib/figure";
import { initialWeights, writeOutput } from "./lib/output";

export const TASK = { name: "binary", seed: 1, batchSize: 64, epochs: 3, lr: 1e-3, positive: 7, posWeight: 9 };

function samples(d: Digits): Samples {
  const targets = d.labels.map((l) => (l === TASK.positive ? 1 : 0));
  return { inputs: d.images, inputShape: [PIXELS], targets, targetShape: [1], count: d.count };
}

export function taskData(): { train: Samples; test: Samples; testDigits: Digits } {
  const { train, test } = splitDigits(loadDigits());
  return { train: samples(train), test: samples(test), testDigits: test };
}

export function makeModel(): nx.Module {
  return new nx.Sequential(new nx.Linear(PIXELS, 32), new nx.ReLU(), new nx.Linear(32, 1));
}

/** Both runs, each a fresh model with the initial weights `init`. */
export function makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[] {
  const run = (name: string, criterion: nx.Loss): Run => {
    const model = makeModel();
    model.loadStateDict(init);
    return { name, model, criterion, optimizer: new nx.optim.Adam(model.parameters(), { lr: TASK.lr }) };
  };
  return [
    run("BCEWithLogitsLoss", new nx.BCEWithLogitsLoss()),
    run(`posWeight ${TASK.posWeight}`, new nx.BCEWithLogitsLoss({ posWeight: new nx.Tensor([TASK.posWeight]) })),
  ];
}

async function main(): Promise<void> {
  const { train, test, testDigits } = taskData();
  console.log(`backend: ${backendOption()}; ${train.count} training digits (${train.targets.reduce((a, b) => a + b, 0)} sevens), ${test.count} held out`);
  const init = initialWeights(TASK.name, makeModel);
  const stepsPerEpoch = Math.ceil(train.count / TASK.batchSize);
  const rows: FigureRow[] = [];
  const results: string[] = [];
  for (const run of makeRuns(init)) {
    await trainEpochs(run, (e) => epochBatches(train, TASK, e), TASK.epochs, stepsPerEpoch);
    const logits = nx.noGrad(() => run.model(allInputs(test))).data.slice();
    const predicted = Array.from(logits, (z) => z > 0);
    const truth = Array.from(test.targets, (t) => t === 1);
    const s = binaryScores(predicted, truth);
    results.push(`${run.name.padEnd(22)} precision ${percent(s.precision)}  recall ${percent(s.recall)}  F1 ${percent(s.f1)}  (${s.tp} found, ${s.fn} missed, ${s.fp} false alarms)`);
    const tiles = (want: (i: number) => boolean) =>
      [...Array(test.count).keys()].filter(want).slice(0, 12).map((i) => ({
        png: greyPng(testDigits.images.subarray(i * PIXELS, (i + 1) * PIXELS), 28, 28),
        caption: `p=${(1 / (1 + Math.exp(-logits[i]))).toFixed(2)}`,
      }));
    rows.push({ label: `${run.name}\nmissed 7s (${s.fn})`, tiles: tiles((i) => truth[i] && !predicted[i]) });
    rows.push({ label: `${run.name}\nfalse alarms (${s.fp})`, tiles: tiles((i) => !truth[i] && predicted[i]) });
  }
  console.log(`\nheld-out digits, positive class "${TASK.positive}":\n${results.join("\n")}`);
  const svg = figureSvg({
    title: `"Is it a 7?" — held-out mistakes with and without posWeight (neurenix, ${nx.backend()})`,
    notes: results.map((r) => r.replace(/\s+/g, " ")),
    rows,
    tile: 56,
  });
  console.log(`wrote ${writeOutput("binary.svg", svg)}`);
}

if (isMain(import.meta.url)) await main();
