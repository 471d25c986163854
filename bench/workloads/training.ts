/**
 * Training throughput (issues 3 and 5): the documentation's classifier,
 * 784 → 128 → ReLU → 10, CrossEntropyLoss, Adam (lr 1e-3), batch 64, in
 * samples/s. One timed call is one whole step as the documentation writes it:
 * next batch from a shuffling loader, zeroGrad, forward, loss, backward,
 * optimizer step, loss.item().
 *
 * The data are synthetic (uniform [0, 1) "pixels", random labels; the speed
 * does not depend on the values), 64 batches cycled epoch after epoch.
 * TensorFlow.js gets the same model through tf.layers (a Dense+ReLU and a
 * Dense layer, Glorot init), tf.train.adam, softmaxCrossEntropy on one-hot
 * labels, and batches gathered from resident tensors by a shuffled index.
 */
import * as tf from "@tensorflow/tfjs";
import * as nx from "../../ts/index";
import type { BackendName } from "../../ts/backend/backend";
import { Rng } from "../lib/random";
import type { TfBackend } from "../contenders/tfjs";

export const BATCH = 64;
const FEATURES = 784;
const HIDDEN = 128;
const CLASSES = 10;
const SAMPLES = 64 * BATCH;

export interface TrainingRunner {
  key: string;
  label: string;
  before(): void | Promise<void>;
  /** One training step; returns its loss. */
  run(): number;
  dispose(): void;
}

function dataset(): { x: Float32Array; labels: Float32Array } {
  const rng = new Rng(784);
  const x = new Float32Array(SAMPLES * FEATURES);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  return { x, labels: rng.ints(SAMPLES, CLASSES) };
}

/** Batches forever: a new loader epoch whenever one ends. */
function* cycle<T>(epoch: () => Iterable<T>): Generator<T> {
  for (;;) yield* epoch();
}

export function neurenixTraining(name: BackendName): TrainingRunner {
  nx.setBackend(name);
  nx.manualSeed(0);
  const data = dataset();
  const inputs = new nx.Tensor(data.x, { shape: [SAMPLES, FEATURES] });
  const targets = new nx.Tensor(data.labels, { shape: [SAMPLES] });
  const loader = new nx.data.DataLoader(new nx.data.TensorDataset(inputs, targets), {
    batchSize: BATCH,
    shuffle: true,
    seed: 0,
  });
  const model = new nx.Sequential(new nx.Linear(FEATURES, HIDDEN), new nx.ReLU(), new nx.Linear(HIDDEN, CLASSES));
  const criterion = new nx.CrossEntropyLoss();
  const optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
  const batches = cycle(() => loader);
  return {
    key: `nx-${name === "js" ? "js" : "wasm"}`,
    label: `neurenix ${name}`,
    before: () => nx.setBackend(name),
    run: () => {
      const [x, y] = batches.next().value!;
      optimizer.zeroGrad();
      const loss = criterion(model(x), y);
      loss.backward();
      optimizer.step();
      return loss.item();
    },
    dispose: () => {
      inputs.dispose();
      targets.dispose();
    },
  };
}

export async function tfjsTraining(backend: TfBackend): Promise<TrainingRunner> {
  await tf.setBackend(backend);
  const data = dataset();
  const oneHot = new Float32Array(SAMPLES * CLASSES);
  data.labels.forEach((c, i) => (oneHot[i * CLASSES + c] = 1));
  const xs = tf.tensor2d(data.x, [SAMPLES, FEATURES]);
  const ys = tf.tensor2d(oneHot, [SAMPLES, CLASSES]);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [FEATURES], units: HIDDEN, activation: "relu" }),
      tf.layers.dense({ units: CLASSES }),
    ],
  });
  const optimizer = tf.train.adam(1e-3);
  const rng = new Rng(0);
  const order = Int32Array.from({ length: SAMPLES }, (_, i) => i);
  let next = SAMPLES;
  const nextIndices = (): Int32Array => {
    if (next >= SAMPLES) {
      for (let i = SAMPLES - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
      next = 0;
    }
    next += BATCH;
    return order.subarray(next - BATCH, next);
  };
  return {
    key: `tfjs-${backend}`,
    label: `tfjs ${backend}`,
    before: async () => {
      await tf.setBackend(backend);
    },
    run: () => {
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(nextIndices(), "int32");
        const x = tf.gather(xs, idx);
        const y = tf.gather(ys, idx);
        return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor), true)!;
      });
      const v = loss.dataSync()[0];
      loss.dispose();
      return v;
    },
    dispose: () => {
      tf.dispose([xs, ys]);
      model.dispose();
      optimizer.dispose();
    },
  };
}
