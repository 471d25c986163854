/**
 * Segmentation data from MNIST digits: each digit shifted on a 28×28 canvas
 * by (dx, dy) ∈ [−4, 4]² (MNIST centres each digit in a 20×20 box, so the
 * margin makes room: at most a few faint pixels are cut off),
 * and a label per pixel: 0 for background (ink < 0.1), 1 + the digit where
 * the ink is ≥ 0.5, and IGNORE (CrossEntropyLoss's ignoreIndex) on the
 * anti-aliased rim in between, whose class is ambiguous.
 * examples/segmentation_pytorch.py builds the same canvases.
 */
import { randomInts } from "./shuffle";
import type { Digits } from "./mnist";

export const SIDE = 28;
export const MAX_SHIFT = 4;
export const IGNORE = -100;
export const BACKGROUND_BELOW = 0.1;
export const INK_FROM = 0.5;

export interface Canvases {
  images: Float32Array;
  /** Class per pixel: 0 background, 1…10 the digits 0…9, IGNORE on the rim. */
  masks: Float32Array;
  count: number;
}

export function placeDigits(d: Digits, seed: number): Canvases {
  const P = SIDE * SIDE;
  const shifts = randomInts(2 * d.count, 2 * MAX_SHIFT + 1, seed).map((v) => v - MAX_SHIFT);
  const images = new Float32Array(d.count * P);
  const masks = new Float32Array(d.count * P);
  for (let n = 0; n < d.count; n++) {
    const [dx, dy] = [shifts[2 * n], shifts[2 * n + 1]];
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const [sx, sy] = [x - dx, y - dy];
        const v = sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE ? d.images[n * P + sy * SIDE + sx] : 0;
        images[n * P + y * SIDE + x] = v;
        masks[n * P + y * SIDE + x] = v < BACKGROUND_BELOW ? 0 : v >= INK_FROM ? 1 + d.labels[n] : IGNORE;
      }
    }
  }
  return { images, masks, count: d.count };
}
