/**
 * Mini-batches in a given order from flat per-sample arrays: inputs of
 * `inputShape` and targets of `targetShape` per sample, as
 * [inputs (B, …inputShape), targets (B, …targetShape)] tensors; the last
 * batch may be smaller (PyTorch's drop_last=False).
 */
import * as nx from "../../ts/index";
import { epochOrder } from "./shuffle";

export interface Samples {
  inputs: Float32Array;
  inputShape: number[];
  targets: Float32Array;
  targetShape: number[];
  count: number;
}

export function* batches(data: Samples, order: readonly number[], batchSize: number): Generator<[nx.Tensor, nx.Tensor]> {
  const inSize = data.inputShape.reduce((a, b) => a * b, 1);
  const tSize = data.targetShape.reduce((a, b) => a * b, 1);
  for (let start = 0; start < order.length; start += batchSize) {
    const idx = order.slice(start, start + batchSize);
    const x = new Float32Array(idx.length * inSize);
    const y = new Float32Array(idx.length * tSize);
    idx.forEach((s, k) => {
      x.set(data.inputs.subarray(s * inSize, (s + 1) * inSize), k * inSize);
      y.set(data.targets.subarray(s * tSize, (s + 1) * tSize), k * tSize);
    });
    yield [new nx.Tensor(x, { shape: [idx.length, ...data.inputShape] }), new nx.Tensor(y, { shape: [idx.length, ...data.targetShape] })];
  }
}

/** The inputs of every sample as one tensor (for evaluation). */
export function allInputs(data: Samples): nx.Tensor {
  return new nx.Tensor(data.inputs, { shape: [data.count, ...data.inputShape] });
}

/** The batches of one epoch of a task: its samples in epochOrder(count, task.seed, epoch). */
export function epochBatches(data: Samples, task: { seed: number; batchSize: number }, epoch: number): Generator<[nx.Tensor, nx.Tensor]> {
  return batches(data, epochOrder(data.count, task.seed, epoch), task.batchSize);
}
