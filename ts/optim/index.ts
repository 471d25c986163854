/** `nx.optim`: optimizers, as in `torch.optim`. */
export { Optimizer, type ParamGroup, type ParamGroupInput, type Params } from "./optimizer";
export { SGD, type SGDOptions } from "./sgd";
export { Adam, type AdamOptions } from "./adam";
