/** Every loss the fuzzer covers, one reference module each (see types.ts to add one). */
import type { LossReference } from "./types";
import { mseLoss } from "./mse_loss";
import { l1Loss } from "./l1_loss";
import { crossEntropyLoss } from "./cross_entropy_loss";
import { bceLoss } from "./bce_loss";
import { bceWithLogitsLoss } from "./bce_with_logits_loss";
import { huberLoss } from "./huber_loss";
import { smoothL1Loss } from "./smooth_l1_loss";
import { klDivLoss } from "./kl_div_loss";
import { poissonNLLLoss } from "./poisson_nll_loss";
import { gaussianNLLLoss } from "./gaussian_nll_loss";
import { softMarginLoss } from "./soft_margin_loss";
import { hingeEmbeddingLoss } from "./hinge_embedding_loss";
import { marginRankingLoss } from "./margin_ranking_loss";
import { sigmoidFocalLoss } from "./sigmoid_focal_loss";
import { nllLoss } from "./nll_loss";
import { multiMarginLoss } from "./multi_margin_loss";
import { multiLabelMarginLoss } from "./multilabel_margin_loss";
import { multiLabelSoftMarginLoss } from "./multilabel_soft_margin_loss";
import { cosineEmbeddingLoss } from "./cosine_embedding_loss";
import { tripletMarginLoss } from "./triplet_margin_loss";
import { tripletMarginWithDistanceLoss } from "./triplet_margin_with_distance_loss";
import { ctcLoss } from "./ctc_loss";

export const REFERENCES: readonly LossReference[] = [
  mseLoss,
  l1Loss,
  crossEntropyLoss,
  bceLoss,
  bceWithLogitsLoss,
  huberLoss,
  smoothL1Loss,
  klDivLoss,
  poissonNLLLoss,
  gaussianNLLLoss,
  softMarginLoss,
  hingeEmbeddingLoss,
  marginRankingLoss,
  sigmoidFocalLoss,
  nllLoss,
  multiMarginLoss,
  multiLabelMarginLoss,
  multiLabelSoftMarginLoss,
  cosineEmbeddingLoss,
  tripletMarginLoss,
  tripletMarginWithDistanceLoss,
  ctcLoss,
];

export function referenceFor(loss: string): LossReference {
  const ref = REFERENCES.find((r) => r.name === loss);
  if (ref === undefined) throw new Error(`no fuzz reference for ${loss}`);
  return ref;
}
