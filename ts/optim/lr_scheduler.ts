/**
 * Learning-rate schedulers, as torch.optim.lr_scheduler in PyTorch 1.13
 * (https://pytorch.org/docs/1.13/optim.html#how-to-adjust-learning-rate).
 *
 * A scheduler rewrites `optimizer.paramGroups[i].lr` each time `step()` is
 * called (once per epoch, after that epoch's `optimizer.step()` calls):
 *
 *   StepLR:             η_t = η_0 · γ^⌊t / stepSize⌋
 *   CosineAnnealingLR:  η_t = η_min + (η_0 − η_min) · (1 + cos(π t / T_max)) / 2
 *
 * (t = lastEpoch, η_0 = the group's initialLr.) As in PyTorch, constructing
 * a scheduler records each group's `initialLr` and performs the first step
 * (lastEpoch −1 → 0), and each `step()` computes the new rate from the
 * group's current one (PyTorch's recursive `get_lr`, not the closed form),
 * in float64, so the rates equal PyTorch's bit for bit and another change
 * of `lr` between steps carries through as it does there. CosineAnnealingLR
 * keeps going past T_max (the rate rises again: a cosine of period 2·T_max).
 * NOTE: PyTorch's deprecated `step(epoch)`, `verbose` and the warning about
 * calling `scheduler.step()` before `optimizer.step()` are left out.
 *
 * @example
 * ```ts
 * const optimizer = new nx.optim.SGD(new nx.Linear(4, 2).parameters(), { lr: 0.1 });
 * const scheduler = new nx.optim.lrScheduler.StepLR(optimizer, 30, { gamma: 0.1 });
 * scheduler.step(); // once per epoch, after that epoch's optimizer.step() calls
 * ```
 * @module
 */
import { describe } from "../errors";
import { checkInteger, checkOptions } from "../options";
import { Optimizer } from "./optimizer";

type Group = { lr: number; initialLr?: number };

function finite(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new TypeError(`${what} must be a finite number, got ${describe(value)}`);
  return value;
}

/** The base of StepLR and CosineAnnealingLR, as torch.optim.lr_scheduler._LRScheduler. */
export abstract class LRScheduler {
  /** The optimizer whose parameter groups' `lr` this scheduler rewrites. */
  readonly optimizer: Optimizer<
    {
      /** The group's learning rate. */
      lr: number;
    },
    unknown
  >;
  /** The groups' initialLr, in order. */
  readonly baseLrs: number[];
  /** The number of step() calls after the constructor's own (−1 before it). */
  lastEpoch: number;
  /** step() calls, the constructor's included (PyTorch's _step_count). */
  protected stepCount = 0;
  private lastLr: number[] = [];

  protected constructor(optimizer: Optimizer<{ lr: number }, unknown>, lastEpoch: unknown, what: string) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${what}: optimizer must be an Optimizer, got ${describe(optimizer)}`);
    if (typeof lastEpoch !== "number" || !Number.isInteger(lastEpoch) || lastEpoch < -1) {
      throw new RangeError(`${what}: lastEpoch must be an integer ≥ -1, got ${String(lastEpoch)}`);
    }
    this.optimizer = optimizer;
    const groups = optimizer.paramGroups as Group[];
    groups.forEach((g, i) => {
      if (typeof g.lr !== "number") throw new TypeError(`${what}: parameter group ${i} has no numeric lr`);
      if (lastEpoch === -1) g.initialLr = g.lr;
      else if (g.initialLr === undefined) {
        throw new RangeError(`${what}: parameter group ${i} has no initialLr, needed when resuming with lastEpoch ${lastEpoch}`);
      }
    });
    this.baseLrs = groups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Call at the end of the constructor of a subclass: PyTorch's _initial_step. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The rates of the next epoch, from the groups' current rates (PyTorch's get_lr). */
  protected abstract computeLr(): number[];

  /** Advances one epoch and writes the new rates into the optimizer's groups. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const rates = this.computeLr();
    const groups = this.optimizer.paramGroups;
    rates.forEach((lr, i) => (groups[i].lr = lr));
    this.lastLr = groups.map((g) => g.lr);
  }

  /** The rates the last step() set, one per parameter group (PyTorch's get_last_lr()). */
  getLastLr(): number[] {
    return this.lastLr.slice();
  }

  /** The groups' current rates, in order: what computeLr starts from (PyTorch's recursive form). */
  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }
}

/** Options of `StepLR` (PyTorch's, camelCased). */
export interface StepLROptions {
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
  /** The epoch to resume after (default −1: start). */
  lastEpoch?: number;
}

/**
 * Multiplies each group's rate by `gamma` every `stepSize` epochs, as
 * torch.optim.lr_scheduler.StepLR
 * (https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.StepLR.html).
 *
 * @example
 * const model = new nx.Linear(4, 2);
 * const optimizer = new nx.optim.SGD(model.parameters(), { lr: 0.1 });
 * const scheduler = new nx.optim.lrScheduler.StepLR(optimizer, 30, { gamma: 0.1 });
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   // … one epoch of optimizer.step() calls …
 *   scheduler.step(); // lr 0.1 for epochs 0–29, 0.01 for 30–59, …
 * }
 */
export class StepLR extends LRScheduler {
  /** The period of the decay, in epochs. */
  readonly stepSize: number;
  /** The multiplicative factor of the decay (default 0.1). */
  readonly gamma: number;

  constructor(optimizer: Optimizer<{ lr: number }, unknown>, stepSize: number, opts?: StepLROptions) {
    const o = checkOptions(opts, ["gamma", "lastEpoch"], "StepLR") as StepLROptions;
    super(optimizer, o.lastEpoch ?? -1, "StepLR");
    this.stepSize = checkInteger(stepSize, "StepLR: stepSize", { min: 1 });
    this.gamma = finite(o.gamma ?? 0.1, "StepLR: gamma");
    this.initialStep();
  }

  protected computeLr(): number[] {
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * this.gamma);
  }
}

/** Options of `CosineAnnealingLR` (PyTorch's, camelCased). */
export interface CosineAnnealingLROptions {
  /** The lowest rate (default 0). */
  etaMin?: number;
  /** The epoch to resume after (default −1: start). */
  lastEpoch?: number;
}

/**
 * Anneals each group's rate from its initialLr down to etaMin along half a
 * cosine over tMax epochs, as torch.optim.lr_scheduler.CosineAnnealingLR
 * (https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html),
 * without restarts. The recursive form PyTorch computes:
 *
 *   η_t = η_{t−1}                                          t = 0
 *   η_t = η_{t−1} + (η_0 − η_min)(1 − cos(π / T_max)) / 2   (t − 1 − T_max) mod 2T_max = 0
 *   η_t = η_min + (η_{t−1} − η_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t − 1) / T_max))   otherwise
 *
 * @example
 * const model = new nx.Linear(4, 2);
 * const optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
 * const scheduler = new nx.optim.lrScheduler.CosineAnnealingLR(optimizer, 10, { etaMin: 1e-5 });
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   // … one epoch of optimizer.step() calls …
 *   scheduler.step();
 * }
 * console.log(scheduler.getLastLr()); // [1e-5]
 */
export class CosineAnnealingLR extends LRScheduler {
  /** The number of epochs of half a cosine period, from initialLr down to etaMin. */
  readonly tMax: number;
  /** The lowest rate (default 0). */
  readonly etaMin: number;

  constructor(optimizer: Optimizer<{ lr: number }, unknown>, tMax: number, opts?: CosineAnnealingLROptions) {
    const o = checkOptions(opts, ["etaMin", "lastEpoch"], "CosineAnnealingLR") as CosineAnnealingLROptions;
    super(optimizer, o.lastEpoch ?? -1, "CosineAnnealingLR");
    this.tMax = checkInteger(tMax, "CosineAnnealingLR: tMax", { min: 1 });
    this.etaMin = finite(o.etaMin ?? 0, "CosineAnnealingLR: etaMin");
    this.initialStep();
  }

  protected computeLr(): number[] {
    const { lastEpoch: t, tMax: T, etaMin } = this;
    const lrs = this.currentLrs();
    if (t === 0) return lrs;
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if ((((t - 1 - T) % (2 * T)) + 2 * T) % (2 * T) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return lrs.map(
      (lr) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (lr - etaMin) + etaMin,
    );
  }
}
