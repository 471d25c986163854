/**
 * The metrics the gallery prints: precision/recall/F1 of a positive class,
 * a confusion matrix with pixel accuracy and mean IoU, and mean squared
 * error. The PyTorch twins compute the same in examples/lib/twin.py.
 */

export interface BinaryScores {
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Scores of predicted vs true positives (precision 0 when nothing is predicted positive). */
export function binaryScores(predicted: ArrayLike<boolean>, truth: ArrayLike<boolean>): BinaryScores {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < truth.length; i++) {
    if (predicted[i] && truth[i]) tp++;
    else if (predicted[i]) fp++;
    else if (truth[i]) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { tp, fp, fn, precision, recall, f1 };
}

/** counts[t][p]: pixels of true class t predicted as p; targets equal to `ignore` are skipped. */
export function confusion(predicted: ArrayLike<number>, truth: ArrayLike<number>, classes: number, ignore: number): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) if (truth[i] !== ignore) counts[truth[i]][predicted[i]]++;
  return counts;
}

/** The fraction of counted pixels on the diagonal. */
export function pixelAccuracy(counts: number[][]): number {
  let right = 0;
  let all = 0;
  counts.forEach((row, t) => row.forEach((c, p) => ((all += c), (right += t === p ? c : 0))));
  return right / all;
}

/** Mean over classes present (in truth or prediction) of |pred ∩ true| / |pred ∪ true|. */
export function meanIoU(counts: number[][]): number {
  const ious: number[] = [];
  counts.forEach((row, c) => {
    const truth = row.reduce((a, b) => a + b, 0);
    const predicted = counts.reduce((a, r) => a + r[c], 0);
    const union = truth + predicted - row[c];
    if (union > 0) ious.push(row[c] / union);
  });
  return ious.reduce((a, b) => a + b, 0) / ious.length;
}

export function meanSquaredError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] - b[i]) ** 2;
  return sum / a.length;
}

/** 0.9123 → "91.2%" */
export function percent(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
