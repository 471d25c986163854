/**
 * Sequential: runs its modules one after the other (torch.nn.Sequential).
 * The modules are stored in the fields "0", "1", …, so parameter names are
 * "0.weight", "2.bias", … as in PyTorch, and `seq[0]` is the first module.
 */
import type { Tensor } from "../tensor";
import { describe } from "../errors";
import { Module } from "./module";

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

  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.children()) y = m(y);
    return y;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }
}
