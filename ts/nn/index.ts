/** `nx.nn`: the module classes and the losses, as in `torch.nn`. */
export * from "../losses/index";
export { Module, parameter, type StateDictValue, type LoadStateDictOptions, type LoadStateDictResult } from "./module";
export { Linear, linear, type LinearOptions } from "./linear";
export { ReLU, Sigmoid, Tanh } from "./activation";
export { Sequential } from "./sequential";
export { Dropout } from "./dropout";
export { Flatten, flatten } from "./flatten";
export * as utils from "./utils";
export * as functional from "./functional";
