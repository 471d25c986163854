/**
 * Regression with outliers: predict an iris flower's petal width from its
 * sepal length, sepal width and petal length, after 10% of the training
 * targets were corrupted (replaced by 4–8 cm, where real petals are at most
 * 2.5 cm wide), with MSELoss, L1Loss, HuberLoss and SmoothL1Loss:
 *
 *   npm run example:regression                  # wasm-simd kernels
 *   npm run example:regression -- --backend=js
 *
 * 100 flowers train (10 of them with a corrupted target), 50 are held out
 * with their true widths; the measurements are standardised with the
 * training flowers' mean and deviation. 3 → 16 → ReLU → 1, Adam (lr 1e-2),
 * batches of 10, 100 epochs, the four runs from the same initial weights.
 * HuberLoss keeps its default δ = 1 cm, larger than any clean error here,
 * so it is MSE on the clean flowers and L1 on the outliers; SmoothL1Loss
 * gets β = 0.1 cm, close to L1 (with δ = β = 1 the two are the same
 * function). Prints the mean absolute and root mean squared error on the
 * held-out flowers and draws predicted against true widths per loss in
 * examples/output/regression.svg. The PyTorch twin is
 * examples/regression_pytorch.py (initial weights:
 * examples/output/regression_init.safetensors).
 */
import * as nx from "../ts/index";
import { backendOption, isMain } from "./lib/cli";
import { loadIris } from "./lib/iris";
import { permutation, randomUniform } from "./lib/shuffle";
import { allInputs, epochBatches, type Samples } from "./lib/batches";
import { adamRun, trainEpochs, type Run } from "./lib/train";
import { meanAbsoluteError, meanSquaredError } from "./lib/metrics";
import { scatterSvg, type ScatterPanel } from "./lib/scatter";
import { initialWeights, writeOutput } from "./lib/output";

export const TASK = {
  name: "regression",
  seed: 5,
  batchSize: 10,
  epochs: 100,
  lr: 1e-2,
  hidden: 16,
  trainCount: 100,
  corrupted: 0.1,
  /** Corrupted targets are uniform in [outlierFrom, outlierFrom + outlierSpan) cm. */
  outlierFrom: 4,
  outlierSpan: 4,
  delta: 1,
  beta: 0.1,
};

export interface RegressionData {
  train: Samples;
  test: Samples;
  /** Indices (into train) of the corrupted targets. */
  corrupted: number[];
}

/**
 * The split (permutation(150, seed): the first trainCount flowers train),
 * the inputs standardised with the training flowers' mean and population
 * deviation (float64, then float32), and the corrupted training targets.
 */
export function taskData(): RegressionData {
  const iris = loadIris();
  const order = permutation(iris.count, TASK.seed);
  const trainIdx = order.slice(0, TASK.trainCount);
  const testIdx = order.slice(TASK.trainCount);
  const stats = [0, 1, 2].map((j) => {
    let sum = 0;
    for (const i of trainIdx) sum += iris.measurements[i][j];
    const mean = sum / trainIdx.length;
    let sq = 0;
    for (const i of trainIdx) sq += (iris.measurements[i][j] - mean) ** 2;
    return { mean, std: Math.sqrt(sq / trainIdx.length) };
  });
  const samples = (idx: number[]): Samples => ({
    inputs: Float32Array.from(idx.flatMap((i) => stats.map(({ mean, std }, j) => (iris.measurements[i][j] - mean) / std))),
    inputShape: [3],
    targets: Float32Array.from(idx, (i) => iris.measurements[i][3]),
    targetShape: [1],
    count: idx.length,
  });
  const train = samples(trainIdx);
  const corrupted = permutation(TASK.trainCount, 100 * TASK.seed + 1).slice(0, Math.round(TASK.corrupted * TASK.trainCount));
  const u = randomUniform(corrupted.length, 100 * TASK.seed + 2);
  corrupted.forEach((i, k) => (train.targets[i] = TASK.outlierFrom + TASK.outlierSpan * u[k]));
  return { train, test: samples(testIdx), corrupted };
}

export function makeModel(): nx.Module {
  return new nx.Sequential(new nx.Linear(3, TASK.hidden), new nx.ReLU(), new nx.Linear(TASK.hidden, 1));
}

/** A run per loss, each a fresh model with the initial weights `init`. */
export function makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[] {
  const run = (name: string, criterion: nx.Loss) => adamRun(name, criterion, makeModel, init, TASK.lr);
  return [
    run("MSELoss", new nx.MSELoss()),
    run("L1Loss", new nx.L1Loss()),
    run(`HuberLoss δ=${TASK.delta}`, new nx.HuberLoss({ delta: TASK.delta })),
    run(`SmoothL1Loss β=${TASK.beta}`, new nx.SmoothL1Loss({ beta: TASK.beta })),
  ];
}

const COLORS = ["#cf222e", "#1f6fd1", "#8250df", "#1a7f37"];

async function main(): Promise<void> {
  const { train, test, corrupted } = taskData();
  console.log(
    `backend: ${backendOption()}; ${train.count} training flowers (${corrupted.length} targets corrupted to ` +
      `${TASK.outlierFrom}–${TASK.outlierFrom + TASK.outlierSpan} cm), ${test.count} held out with their true petal widths`,
  );
  const init = initialWeights(TASK.name, makeModel);
  const results: string[] = [];
  const panels: ScatterPanel[] = [];
  for (const [k, run] of makeRuns(init).entries()) {
    await trainEpochs(run, (e) => epochBatches(train, TASK, e), TASK.epochs, Math.ceil(train.count / TASK.batchSize));
    const predicted = nx.noGrad(() => run.model(allInputs(test))).data.slice();
    const mae = meanAbsoluteError(predicted, test.targets);
    const rmse = Math.sqrt(meanSquaredError(predicted, test.targets));
    results.push(`${run.name.padEnd(20)} held-out MAE ${mae.toFixed(3)} cm  RMSE ${rmse.toFixed(3)} cm`);
    panels.push({
      title: run.name,
      points: Array.from(test.targets, (t, i) => [t, predicted[i]]),
      caption: `MAE ${mae.toFixed(3)} cm, RMSE ${rmse.toFixed(3)} cm`,
      color: COLORS[k],
    });
  }
  console.log(`\nheld-out flowers, petal width:\n${results.join("\n")}`);
  const svg = scatterSvg({
    title: `Iris petal width with 10% of the training targets corrupted, per loss (neurenix, ${nx.backend()})`,
    notes: [
      `${test.count} held-out flowers (clean targets); dashed: a perfect prediction. The ${corrupted.length} corrupted training targets (4–8 cm) pull MSE's fit up;`,
      `L1 fits the median and ignores them; Huber (δ = 1 cm) is quadratic on every clean error, SmoothL1 with β = 0.1 cm is nearly L1.`,
    ],
    panels,
    axis: { min: 0, max: 3, step: 0.5, x: "true petal width (cm)", y: "predicted petal width (cm)" },
  });
  console.log(`wrote ${writeOutput("regression.svg", svg)}`);
}

if (isMain(import.meta.url)) await main();
