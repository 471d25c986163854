/**
 * The training loop of the gallery examples: zeroGrad, forward, loss,
 * backward, optional gradient clipping, step; an optional scheduler stepped
 * once per epoch. `trainSteps` runs it synchronously (the parity tests take
 * the first 50 steps); `trainEpochs` runs whole epochs with a progress bar.
 */
import * as nx from "../../ts/index";
import { ProgressBar, yieldToEventLoop } from "./progress";

export interface Run {
  /** Shown in the progress bar and the results ("BCEWithLogitsLoss", …). */
  name: string;
  model: nx.Module;
  criterion: (output: nx.Tensor, target: nx.Tensor) => nx.Tensor;
  optimizer: nx.optim.Optimizer<{ lr: number }, unknown>;
  scheduler?: nx.optim.lrScheduler.LRScheduler;
  /** clipGradNorm's maxNorm, applied before every step. */
  clipNorm?: number;
}

/** One optimisation step (its tensors freed at once by nx.tidy); returns the loss. */
export function trainStep(run: Run, inputs: nx.Tensor, targets: nx.Tensor): number {
  return nx.tidy(() => {
    run.optimizer.zeroGrad();
    const loss = run.criterion(run.model(inputs), targets);
    loss.backward();
    if (run.clipNorm !== undefined) nx.nn.utils.clipGradNorm(run.model.parameters(), run.clipNorm);
    run.optimizer.step();
    return loss.item();
  });
}

/** The first `steps` steps over `batches`; the loss of each. */
export function trainSteps(run: Run, batches: Iterable<[nx.Tensor, nx.Tensor]>, steps: number): number[] {
  const losses: number[] = [];
  run.model.train();
  for (const [x, y] of batches) {
    if (losses.length === steps) break;
    losses.push(trainStep(run, x, y));
  }
  return losses;
}

/** `epochs` epochs, the batches of each from `batchesOf(epoch)`; the loss of every step. */
export async function trainEpochs(
  run: Run,
  batchesOf: (epoch: number) => Iterable<[nx.Tensor, nx.Tensor]>,
  epochs: number,
  stepsPerEpoch: number,
): Promise<number[]> {
  const losses: number[] = [];
  const bar = new ProgressBar({ total: stepsPerEpoch });
  run.model.train();
  const started = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    let sum = 0;
    let n = 0;
    for (const [x, y] of batchesOf(epoch)) {
      const loss = trainStep(run, x, y);
      losses.push(loss);
      sum += loss;
      n++;
      if (n % 10 === 0 || n === stepsPerEpoch) {
        const seconds = (performance.now() - started) / 1000;
        const label = `${run.name.padEnd(22)} epoch ${epoch + 1}/${epochs}`;
        bar.update(label, n, `loss ${(sum / n).toFixed(4)}  ${seconds.toFixed(1)} s`, n === stepsPerEpoch);
        await yieldToEventLoop(); // unreferenced tensors are freed there
      }
    }
    run.scheduler?.step();
  }
  run.model.eval();
  return losses;
}
