/**
 * `nx.nn.functional` (also `nx.F`): the losses as functions, named as
 * PyTorch's torch.nn.functional in camelCase, with the loss's options last
 * (`F.crossEntropy(logits, target, { labelSmoothing: 0.1 })`), and the
 * activations. Each loss function is defined next to its class
 * (ts/losses/<name>.ts) and means `new Class(options).forward(...)`.
 */
import type { Tensor } from "../tensor";

export { mseLoss } from "../losses/mse_loss";
export { l1Loss } from "../losses/l1_loss";
export { crossEntropy } from "../losses/cross_entropy_loss";
export { nllLoss } from "../losses/nll_loss";
export { binaryCrossEntropy } from "../losses/bce_loss";
export { binaryCrossEntropyWithLogits } from "../losses/bce_with_logits_loss";
export { klDiv } from "../losses/kl_div_loss";
export { huberLoss } from "../losses/huber_loss";
export { smoothL1Loss } from "../losses/smooth_l1_loss";
export { poissonNllLoss } from "../losses/poisson_nll_loss";
export { gaussianNllLoss } from "../losses/gaussian_nll_loss";
export { marginRankingLoss } from "../losses/margin_ranking_loss";
export { hingeEmbeddingLoss } from "../losses/hinge_embedding_loss";
export { softMarginLoss } from "../losses/soft_margin_loss";
export { sigmoidFocalLoss } from "../losses/sigmoid_focal_loss";
export { cosineEmbeddingLoss } from "../losses/cosine_embedding_loss";
export { multilabelSoftMarginLoss } from "../losses/multilabel_soft_margin_loss";
export { multiMarginLoss } from "../losses/multi_margin_loss";
export { multilabelMarginLoss } from "../losses/multilabel_margin_loss";
export { tripletMarginLoss, pairwiseDistance } from "../losses/triplet_margin_loss";
export { tripletMarginWithDistanceLoss } from "../losses/triplet_margin_with_distance_loss";
export { ctcLoss } from "../losses/ctc_loss";

export const logSoftmax = (input: Tensor, dim: number): Tensor => input.logSoftmax(dim);
export const softmax = (input: Tensor, dim: number): Tensor => input.softmax(dim);
export const relu = (input: Tensor): Tensor => input.relu();
export const sigmoid = (input: Tensor): Tensor => input.sigmoid();
export const tanh = (input: Tensor): Tensor => input.tanh();
export const logSigmoid = (input: Tensor): Tensor => input.logSigmoid();
export const softplus = (input: Tensor, opts?: { beta?: number; threshold?: number }): Tensor =>
  input.softplus(opts?.beta, opts?.threshold);
