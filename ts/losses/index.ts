export { Loss, type LossOptions } from "./loss";
export { type Reduction, type KLDivReduction } from "./reduction";
export { MSELoss } from "./mse_loss";
export { L1Loss } from "./l1_loss";
export { CrossEntropyLoss, type CrossEntropyLossOptions } from "./cross_entropy_loss";
export { BCELoss, type BCELossOptions } from "./bce_loss";
export { BCEWithLogitsLoss, type BCEWithLogitsLossOptions } from "./bce_with_logits_loss";
export { NLLLoss, type NLLLossOptions } from "./nll_loss";
export { KLDivLoss, type KLDivLossOptions } from "./kl_div_loss";
export { HuberLoss, type HuberLossOptions } from "./huber_loss";
export { SmoothL1Loss, type SmoothL1LossOptions } from "./smooth_l1_loss";
export { PoissonNLLLoss, type PoissonNLLLossOptions } from "./poisson_nll_loss";
export { GaussianNLLLoss, type GaussianNLLLossOptions } from "./gaussian_nll_loss";
export { MarginRankingLoss, type MarginRankingLossOptions } from "./margin_ranking_loss";
export { HingeEmbeddingLoss, type HingeEmbeddingLossOptions } from "./hinge_embedding_loss";
export { SoftMarginLoss } from "./soft_margin_loss";
export { SigmoidFocalLoss, type SigmoidFocalLossOptions } from "./sigmoid_focal_loss";
export { CosineEmbeddingLoss, type CosineEmbeddingLossOptions } from "./cosine_embedding_loss";
export { MultiLabelSoftMarginLoss, type MultiLabelSoftMarginLossOptions } from "./multilabel_soft_margin_loss";
export { MultiMarginLoss, type MultiMarginLossOptions } from "./multi_margin_loss";
export { MultiLabelMarginLoss } from "./multilabel_margin_loss";
export { TripletMarginLoss, type TripletMarginLossOptions } from "./triplet_margin_loss";
export {
  TripletMarginWithDistanceLoss,
  type TripletMarginWithDistanceLossOptions,
  type DistanceFunction,
} from "./triplet_margin_with_distance_loss";
export { CTCLoss, type CTCLossOptions, type CTCLengths } from "./ctc_loss";
