/**
 * The bundle's decoders for its inlined kernel modules (ts/wasm/inflate.ts,
 * ts/wasm/base64.ts), against Node's zlib and Buffer: every block type
 * (stored, fixed and dynamic Huffman), overlapping matches, the kernel
 * modules themselves, and corrupt input as a RangeError instead of garbage.
 */
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, test } from "vitest";
import { inflateRaw } from "../../ts/wasm/inflate";
import { decodeBase64 } from "../../ts/wasm/base64";
import { nativeInflateBase64 } from "../../ts/wasm/native_inflate";
import { mulberry32 } from "../helpers/prng";

function samples(): [string, Uint8Array][] {
  const rng = mulberry32(11);
  const random = Uint8Array.from({ length: 70_000 }, () => Math.floor(rng() * 256));
  const text = new TextEncoder().encode("the quick brown fox jumps over the lazy dog; ".repeat(3000));
  const runs = Uint8Array.from({ length: 50_000 }, (_, i) => (i % 1000 < 700 ? 7 : i & 255));
  const skewed = Uint8Array.from({ length: 40_000 }, () => Math.floor(rng() ** 4 * 40));
  return [
    ["empty", new Uint8Array(0)],
    ["one byte", new Uint8Array([42])],
    ["random (stored blocks)", random],
    ["text (long matches)", text],
    ["runs (distance-1 overlaps)", runs],
    ["skewed symbols (dynamic codes)", skewed],
    ["the SIMD128 kernels", new Uint8Array(readFileSync(new URL("../../ts/wasm/neurenix_kernels.wasm", import.meta.url)))],
    ["the relaxed-SIMD kernels", new Uint8Array(readFileSync(new URL("../../ts/wasm/neurenix_kernels_relaxed.wasm", import.meta.url)))],
  ];
}

describe("inflateRaw", () => {
  test.each(samples())("%s at levels 0, 1, 6, 9 and the fixed-code strategy", (_, data) => {
    for (const options of [{ level: 0 }, { level: 1 }, { level: 6 }, { level: 9 }, { level: 9, strategy: 4 /* Z_FIXED */ }]) {
      const packed = new Uint8Array(deflateRawSync(data, options));
      const out = inflateRaw(packed, data.length);
      expect(out.length).toBe(data.length);
      expect(Buffer.from(out).equals(Buffer.from(data)), JSON.stringify(options)).toBe(true);
    }
  });

  test("corrupt or truncated streams and wrong sizes throw a RangeError", () => {
    const data = new TextEncoder().encode("neurenix ".repeat(500));
    const packed = new Uint8Array(deflateRawSync(data, { level: 9 }));
    expect(() => inflateRaw(packed, data.length + 1)).toThrow(RangeError);
    expect(() => inflateRaw(packed, data.length - 1)).toThrow(RangeError);
    expect(() => inflateRaw(packed.subarray(0, packed.length >> 1), data.length)).toThrow(RangeError);
    expect(() => inflateRaw(new Uint8Array([0x07]), 10)).toThrow(/block type 3/); // final block, type 3
    expect(() => inflateRaw(new Uint8Array([0x01, 0x05, 0x00, 0x00, 0x00]), 5)).toThrow(/stored block length/);
    // Bytes that are no valid stream for the stated size.
    expect(() => inflateRaw(new Uint8Array([0x03, 0x02, 0x00]), 3)).toThrow(RangeError);
  });
});

describe("decodeBase64", () => {
  test("agrees with Buffer for every length and byte value", () => {
    const rng = mulberry32(5);
    for (let n = 0; n < 40; n++) {
      const bytes = Buffer.from(Uint8Array.from({ length: n }, () => Math.floor(rng() * 256)));
      expect(Buffer.from(decodeBase64(bytes.toString("base64"))).equals(bytes), `n=${n}`).toBe(true);
    }
    const all = Buffer.from(Uint8Array.from({ length: 256 }, (_, i) => i));
    expect(Buffer.from(decodeBase64(all.toString("base64"))).equals(all)).toBe(true);
  });

  test("rejects what is not padded standard base64", () => {
    expect(() => decodeBase64("abc")).toThrow(/not padded/);
    expect(() => decodeBase64("ab-_")).toThrow(/character "-" at 2/);
    expect(() => decodeBase64("a===")).toThrow(RangeError);
  });
});

describe("nativeInflateBase64", () => {
  test("gives the JS inflate's bytes where the runtime has getBuiltinModule (Node), null where not", () => {
    const raw = new Uint8Array(readFileSync(new URL("../../ts/wasm/neurenix_kernels.wasm", import.meta.url)));
    const text = deflateRawSync(raw, { level: 9 }).toString("base64");
    const native = nativeInflateBase64(text);
    expect(native).not.toBeNull();
    expect(Buffer.from(native!).equals(Buffer.from(raw))).toBe(true);
    expect(native!.buffer.byteLength).toBe(raw.length); // its own buffer, not a view of a pool
    expect(nativeInflateBase64(text, {})).toBeNull(); // no getBuiltinModule: browsers
    expect(nativeInflateBase64(text, { getBuiltinModule: () => undefined })).toBeNull(); // no zlib
    expect(nativeInflateBase64("not base64 of deflate!!", process)).toBeNull(); // zlib throws: fall back
  });
});
