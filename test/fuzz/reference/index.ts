/** Every loss the fuzzer covers, one reference module each (see types.ts to add one). */
import type { LossReference } from "./types";
import { mseLoss } from "./mse_loss";
import { l1Loss } from "./l1_loss";
import { crossEntropyLoss } from "./cross_entropy_loss";
import { bceLoss } from "./bce_loss";
import { bceWithLogitsLoss } from "./bce_with_logits_loss";
import {
  hingeEmbeddingLoss,
  huberLoss,
  klDivLoss,
  poissonNllLoss,
  sigmoidFocalLoss,
  smoothL1Loss,
  softMarginLoss,
} from "./issue9_losses";

export const REFERENCES: readonly LossReference[] = [
  mseLoss,
  l1Loss,
  crossEntropyLoss,
  bceLoss,
  bceWithLogitsLoss,
  huberLoss,
  smoothL1Loss,
  softMarginLoss,
  hingeEmbeddingLoss,
  klDivLoss,
  poissonNllLoss,
  sigmoidFocalLoss,
];

export function referenceFor(loss: string): LossReference {
  const ref = REFERENCES.find((r) => r.name === loss);
  if (ref === undefined) throw new Error(`no fuzz reference for ${loss}`);
  return ref;
}
