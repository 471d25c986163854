/**
 * Detection data from MNIST digits: a 56×56 canvas is a 2×2 grid of 28×28
 * cells; one or two digits are drawn in distinct cells, each shifted by
 * (dx, dy) ∈ [−4, 4]² from its cell's corner (pixels beyond the canvas are
 * cut; neighbours' empty margins may overlap, the brighter pixel wins). Each
 * cell's target is [objectness, cx, cy, w, h, class]: the digit's box (its
 * pixels ≥ 0.1) as centre relative to the cell's corner and size, both in
 * cell widths, and its digit; an empty cell is [0, 0, 0, 0, 0, IGNORE]
 * (CrossEntropyLoss's ignoreIndex). examples/detection_pytorch.py builds
 * the same canvases.
 */
import { randomUniform } from "./shuffle";
import { PIXELS, type Digits } from "./mnist";

export const CANVAS = 56;
export const CELL = 28;
export const GRID = CANVAS / CELL;
export const CELLS = GRID * GRID;
/** Per cell: objectness, cx, cy, w, h, class. */
export const TARGET = 6;
export const MAX_SHIFT = 4;
export const INK = 0.1;
export const IGNORE = -100;
/** Random numbers drawn per canvas: two digits?, cell, other cell, 2 × (dx, dy), the second digit. */
const DRAWS = 8;

/** A box in canvas pixels: [x0, y0) to [x1, y1). */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Scenes {
  images: Float32Array;
  /** count × CELLS × TARGET. */
  targets: Float32Array;
  count: number;
}

/** The canvases of `d` (canvas n holds digit n, and on every other draw a second digit). */
export function placeScenes(d: Digits, seed: number): Scenes {
  const u = randomUniform(DRAWS * d.count, seed);
  const pick = (n: number, k: number, m: number) => Math.floor(u[DRAWS * n + k] * m);
  const images = new Float32Array(d.count * CANVAS * CANVAS);
  const targets = new Float32Array(d.count * CELLS * TARGET);
  for (let n = 0; n < d.count; n++) {
    const cellA = pick(n, 1, CELLS);
    const placed = [{ digit: n, cell: cellA, dx: pick(n, 3, 9) - MAX_SHIFT, dy: pick(n, 4, 9) - MAX_SHIFT }];
    if (u[DRAWS * n] < 0.5) {
      const cell = (cellA + 1 + pick(n, 2, CELLS - 1)) % CELLS;
      placed.push({ digit: pick(n, 7, d.count), cell, dx: pick(n, 5, 9) - MAX_SHIFT, dy: pick(n, 6, 9) - MAX_SHIFT });
    }
    for (let c = 0; c < CELLS; c++) targets[(n * CELLS + c) * TARGET + 5] = IGNORE;
    for (const { digit, cell, dx, dy } of placed) {
      const [ox, oy] = [(cell % GRID) * CELL + dx, Math.floor(cell / GRID) * CELL + dy];
      const box = { x0: CANVAS, y0: CANVAS, x1: 0, y1: 0 };
      for (let y = 0; y < CELL; y++) {
        for (let x = 0; x < CELL; x++) {
          const [cx, cy] = [ox + x, oy + y];
          const v = d.images[digit * PIXELS + y * CELL + x];
          if (cx < 0 || cx >= CANVAS || cy < 0 || cy >= CANVAS) continue;
          const at = n * CANVAS * CANVAS + cy * CANVAS + cx;
          images[at] = Math.max(images[at], v);
          if (v >= INK) Object.assign(box, { x0: Math.min(box.x0, cx), y0: Math.min(box.y0, cy), x1: Math.max(box.x1, cx + 1), y1: Math.max(box.y1, cy + 1) });
        }
      }
      const [cellX, cellY] = [(cell % GRID) * CELL, Math.floor(cell / GRID) * CELL];
      targets.set(
        [1, ((box.x0 + box.x1) / 2 - cellX) / CELL, ((box.y0 + box.y1) / 2 - cellY) / CELL, (box.x1 - box.x0) / CELL, (box.y1 - box.y0) / CELL, d.labels[digit]],
        (n * CELLS + cell) * TARGET,
      );
    }
  }
  return { images, targets, count: d.count };
}

/** The box of cell `cell` from [cx, cy, w, h] in cell widths. */
export function cellBox(cell: number, [cx, cy, w, h]: readonly number[] | Float32Array): Box {
  const [cellX, cellY] = [(cell % GRID) * CELL, Math.floor(cell / GRID) * CELL];
  return { x0: cellX + (cx - w / 2) * CELL, y0: cellY + (cy - h / 2) * CELL, x1: cellX + (cx + w / 2) * CELL, y1: cellY + (cy + h / 2) * CELL };
}

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0));
  const h = Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));
  const area = (r: Box) => Math.max(0, r.x1 - r.x0) * Math.max(0, r.y1 - r.y0);
  const union = area(a) + area(b) - w * h;
  return union > 0 ? (w * h) / union : 0;
}
