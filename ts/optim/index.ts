/** `nx.optim`: optimizers, as in `torch.optim`, and `nx.optim.lrScheduler`, as `torch.optim.lr_scheduler`. */
export { Optimizer, type ParamGroup, type ParamGroupInput, type Params } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, type AdamOptions } from "./adam";
export * as lrScheduler from "./lr_scheduler";
