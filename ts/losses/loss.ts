/**
 * The base class of every loss: holds the reduction, makes instances
 * callable (`criterion(...inputs)` is `forward(...inputs)`), and is the base
 * for custom losses built from Tensor ops:
 *
 *   class CustomLoss extends nx.nn.Loss {
 *     forward(input: nx.Tensor, target: nx.Tensor) {
 *       return input.sub(target).pow(2).mean();
 *     }
 *   }
 *
 * The contract every built-in loss follows: `forward` takes any number of
 * inputs (`Inputs`, (input, target) by default; GaussianNLLLoss takes a
 * variance too, CTCLoss four), validates them before allocating anything,
 * returns a scalar for "mean"/"sum" (and "batchmean") and the unreduced
 * losses for "none", and records one gradient per floating input that
 * PyTorch differentiates (ts/losses/reduction.ts). Options are validated
 * once, in the constructor (ts/options.ts).
 */
import { Callable } from "../callable";
import type { Tensor } from "../tensor";
import { checkReduction, REDUCTIONS, type Reduction } from "./reduction";

/** The option every loss takes (PyTorch's `reduction`); each loss's options extend it. */
export interface LossOptions {
  /**
   * How the per-element (or per-sample) losses are combined: "none" keeps
   * them, "mean" averages them (what it divides by is stated per loss),
   * "sum" adds them. Default "mean".
   */
  reduction?: Reduction;
}

export interface Loss<Inputs extends unknown[] = [input: Tensor, target: Tensor], R extends string = Reduction> {
  /** Same as `forward(...inputs)`. */
  (...inputs: Inputs): Tensor;
}

/**
 * The base class of the losses (PyTorch's `torch.nn.modules.loss._Loss`):
 * holds `reduction` and makes instances callable, `criterion(...inputs)`
 * being `criterion.forward(...inputs)`. Extend it for a custom loss built
 * from Tensor ops; gradients then follow by autograd.
 *
 * @example
 * ```ts
 * class CustomLoss extends nx.Loss {
 *   forward(input: nx.Tensor, target: nx.Tensor) {
 *     return input.sub(target).pow(2).mean();
 *   }
 * }
 * new CustomLoss()(nx.randn([3, 5], { requiresGrad: true }), nx.randn([3, 5])).backward();
 * ```
 */
export abstract class Loss<Inputs extends unknown[] = [input: Tensor, target: Tensor], R extends string = Reduction> extends Callable {
  /** "none" | "mean" | "sum" (default "mean"); KLDivLoss also "batchmean". */
  readonly reduction: R;

  /** Custom losses may take more options; only `reduction` is read here. */
  constructor(opts?: { reduction?: R }, allowed: readonly R[] = REDUCTIONS as readonly string[] as readonly R[], fallback = "mean" as R) {
    super();
    this.reduction = checkReduction<R>(opts?.reduction ?? fallback, new.target.name, allowed);
  }

  /**
   * The loss of the inputs: a scalar for "mean" and "sum", the unreduced
   * losses for "none". Inputs are validated before anything is computed.
   */
  abstract forward(...inputs: Inputs): Tensor;

  override toString(): string {
    return `${this.constructor.name}(reduction=${this.reduction})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
