export { Loss, type LossOptions } from "./loss";
export { type Reduction } from "./reduction";
export { MSELoss } from "./mse_loss";
export { L1Loss } from "./l1_loss";
export { CrossEntropyLoss, type CrossEntropyLossOptions } from "./cross_entropy_loss";
export { BCELoss, type BCELossOptions } from "./bce_loss";
export { BCEWithLogitsLoss, type BCEWithLogitsLossOptions } from "./bce_with_logits_loss";
