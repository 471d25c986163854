/**
 * Activation modules, as torch.nn.ReLU / Sigmoid / Tanh: parameter-free
 * wrappers over the Tensor ops (relu(x) = max(x, 0), sigmoid(x) = 1/(1 + e^−x),
 * tanh), so they can sit in a Sequential.
 */
import type { Tensor } from "../tensor";
import { Module } from "./module";

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}
