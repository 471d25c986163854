/**
 * Activation modules, as torch.nn.ReLU / Sigmoid / Tanh: parameter-free
 * wrappers over the Tensor ops (relu(x) = max(x, 0), sigmoid(x) = 1/(1 + e^−x),
 * tanh), so they can sit in a Sequential.
 */
import type { Tensor } from "../tensor";
import { Module } from "./module";

/**
 * max(x, 0), element-wise (`torch.nn.ReLU`).
 * @example
 * ```ts
 * new nx.ReLU()(new nx.Tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  /** Applies the activation. */
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * 1 / (1 + e^−x), element-wise (`torch.nn.Sigmoid`).
 * @example
 * ```ts
 * new nx.Sigmoid()(nx.zeros([2])).toArray(); // [0.5, 0.5]
 * ```
 */
export class Sigmoid extends Module {
  /** Applies the activation. */
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/**
 * tanh(x), element-wise (`torch.nn.Tanh`).
 * @example
 * ```ts
 * new nx.Tanh()(nx.zeros([1])).item(); // 0
 * ```
 */
export class Tanh extends Module {
  /** Applies the activation. */
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
