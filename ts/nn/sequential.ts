/**
 * Sequential: runs its modules one after the other (torch.nn.Sequential).
 * The modules are stored in the fields "0", "1", …, so parameter names are
 * "0.weight", "2.bias", … as in PyTorch, and `seq[0]` is the first module.
 */
import type { Tensor } from "../tensor";
import { describe } from "../errors";
import { Module } from "./module";

/**
 * Modules applied in order (`torch.nn.Sequential`); parameter names are
 * "0.weight", "2.bias", … as in PyTorch.
 *
 * @example
 * ```ts
 * const model = new nx.Sequential(new nx.Linear(4, 8), new nx.ReLU(), new nx.Linear(8, 2));
 * model(nx.zeros([1, 4])).shape; // [1, 2]
 * ```
 */
export class Sequential extends Module {
  readonly [index: number]: Module;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module)) throw new TypeError(`Sequential: argument ${i} must be a Module, got ${describe(m)}`);
      Object.defineProperty(this, i, { value: m, enumerable: true });
    });
  }

  /** Number of modules. */
  get size(): number {
    return this.namedChildren().length;
  }

  /** Each module's output is the next one's input. */
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.children()) y = m(y);
    return y;
  }

  /** The modules, in order. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}
