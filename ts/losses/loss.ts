/**
 * The base class of every loss: holds the reduction, makes instances
 * callable (`criterion(input, target)` is `forward`), and is the base for
 * custom losses built from Tensor ops:
 *
 *   class CustomLoss extends nx.nn.Loss {
 *     forward(input: nx.Tensor, target: nx.Tensor) {
 *       return input.sub(target).pow(2).mean();
 *     }
 *   }
 */
import { Callable } from "../callable";
import type { Tensor } from "../tensor";
import { checkReduction, type Reduction } from "./reduction";

export interface LossOptions {
  reduction?: Reduction;
}

export interface Loss {
  /** Same as `forward(input, target)`. */
  (input: Tensor, target: Tensor): Tensor;
}

export abstract class Loss extends Callable {
  /** "none" | "mean" | "sum" (default "mean"). */
  readonly reduction: Reduction;

  /** Custom losses may take more options; only `reduction` is read here. */
  constructor(opts?: LossOptions) {
    super();
    this.reduction = checkReduction(opts?.reduction ?? "mean", new.target.name);
  }

  abstract forward(input: Tensor, target: Tensor): Tensor;

  override toString(): string {
    return `${this.constructor.name}(reduction=${this.reduction})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}
