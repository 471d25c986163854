/**
 * `nx.nn.functional` (also `nx.F`): the losses as functions, named as
 * PyTorch's torch.nn.functional in camelCase, with the loss's options last
 * (`F.crossEntropy(logits, target, { labelSmoothing: 0.1 })`), and the
 * activations. Each loss function is defined next to its class
 * (ts/losses/<name>.ts) and means `new Class(options).forward(...)`.
 *
 * @example
 * ```ts
 * const logits = nx.randn([3, 5], { requiresGrad: true });
 * nx.F.crossEntropy(logits, new nx.Tensor([1, 0, 4]), { labelSmoothing: 0.1 }).backward();
 * ```
 * @module
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

/**
 * log(softmax(x)) along `dim`, computed stably (max-shifted), as `torch.nn.functional.log_softmax`;
 * `input.logSoftmax(dim)`.
 *
 * @example
 * ```ts
 * nx.F.logSoftmax(nx.randn([2, 3]), 1).exp().sum(1).toArray(); // ≈ [1, 1]
 * ```
 */
export const logSoftmax = (input: Tensor, dim: number): Tensor => input.logSoftmax(dim);
/**
 * e^x / Σ e^x along `dim`, computed stably (max-shifted), as `torch.nn.functional.softmax`;
 * `input.softmax(dim)`.
 *
 * @example
 * ```ts
 * nx.F.softmax(new nx.Tensor([0, 0]), 0).toArray(); // [0.5, 0.5]
 * ```
 */
export const softmax = (input: Tensor, dim: number): Tensor => input.softmax(dim);
/**
 * max(x, 0), element-wise, as `torch.nn.functional.relu`; `input.relu()`.
 *
 * @example
 * ```ts
 * nx.F.relu(new nx.Tensor([-1, 2])).toArray(); // [0, 2]
 * ```
 */
export const relu = (input: Tensor): Tensor => input.relu();
/**
 * 1 / (1 + e^−x), element-wise, as `torch.sigmoid`; `input.sigmoid()`.
 *
 * @example
 * ```ts
 * nx.F.sigmoid(nx.zeros([2])).toArray(); // [0.5, 0.5]
 * ```
 */
export const sigmoid = (input: Tensor): Tensor => input.sigmoid();
/**
 * Hyperbolic tangent, element-wise, as `torch.tanh`; `input.tanh()`.
 *
 * @example
 * ```ts
 * nx.F.tanh(nx.zeros([2])).toArray(); // [0, 0]
 * ```
 */
export const tanh = (input: Tensor): Tensor => input.tanh();
/**
 * log σ(x), element-wise and stable for any finite x, as `torch.nn.functional.logsigmoid`;
 * `input.logSigmoid()`.
 *
 * @example
 * ```ts
 * nx.F.logSigmoid(new nx.Tensor([-1e4, 0])).toArray(); // [-10000, -0.693…]
 * ```
 */
export const logSigmoid = (input: Tensor): Tensor => input.logSigmoid();
/**
 * log(1 + e^(βx))/β, element-wise and linear where βx > threshold, as
 * `torch.nn.functional.softplus` (options `beta`, default 1, and `threshold`, default 20);
 * `input.softplus(beta, threshold)`.
 *
 * @example
 * ```ts
 * nx.F.softplus(new nx.Tensor([0, 100]), { beta: 2 }).toArray(); // ≈ [0.3466, 100]
 * ```
 */
export const softplus = (input: Tensor, opts?: { beta?: number; threshold?: number }): Tensor =>
  input.softplus(opts?.beta, opts?.threshold);
