/**
 * A dependency-free PNG encoder (8-bit RGB, no interlace) on node:zlib, and
 * tiles for pictures: grey images (ink dark on white) and class maps in a
 * palette, each pixel drawn as a `scale`×`scale` square so that no viewer
 * smooths them.
 */
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** PNG bytes of a width×height RGB image (rgb.length = 3·width·height). */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter choice, no interlace
  const raw = Buffer.alloc(height * (1 + 3 * width));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(3 * width * y, 3 * width * (y + 1)), y * (1 + 3 * width) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]);
}

/** An image from a colour per source pixel, each drawn scale×scale. */
function scaled(width: number, height: number, scale: number, color: (i: number) => [number, number, number]): Buffer {
  const W = width * scale;
  const rgb = new Uint8Array(3 * W * height * scale);
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < W; x++) rgb.set(color(Math.floor(y / scale) * width + Math.floor(x / scale)), 3 * (y * W + x));
  }
  return encodePng(W, height * scale, rgb);
}

/** Grey levels in [0, 1] (1 = ink) as dark ink on white. */
export function greyPng(values: ArrayLike<number>, width: number, height: number, scale = 3): Buffer {
  return scaled(width, height, scale, (i) => {
    const v = Math.round(255 * (1 - Math.min(1, Math.max(0, values[i]))));
    return [v, v, v];
  });
}

/** Class indices as palette colours; indices outside the palette (ignored pixels) are drawn in `other`. */
export function classPng(
  classes: ArrayLike<number>,
  width: number,
  height: number,
  palette: readonly (readonly [number, number, number])[],
  scale = 3,
  other: [number, number, number] = [150, 150, 150],
): Buffer {
  return scaled(width, height, scale, (i) => (palette[classes[i]] as [number, number, number] | undefined) ?? other);
}
