/**
 * Standard base64 (RFC 4648, with padding) to bytes, the same in every
 * runtime: the bundle's inlined kernel modules are base64 text
 * (scripts/wasm-inline-plugin.mjs). `atob` would make a binary string first;
 * Buffer exists only in Node.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61 /* = */) end--;
  if (text.length % 4 !== 0 || text.length - end > 2) throw new RangeError("decodeBase64: not padded base64");
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let acc = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? VALUE[c] : -1;
    if (v < 0) throw new RangeError(`decodeBase64: character ${JSON.stringify(text[i])} at ${i} is not base64`);
    acc = (acc << 6) | v;
    if ((i & 3) === 3) {
      out[o++] = acc >> 16;
      out[o++] = (acc >> 8) & 255;
      out[o++] = acc & 255;
      acc = 0;
    }
  }
  // 2 or 3 leftover characters carry 1 or 2 bytes.
  const rest = end & 3;
  if (rest === 2) out[o++] = acc >> 4;
  else if (rest === 3) {
    out[o++] = acc >> 10;
    out[o++] = (acc >> 2) & 255;
  }
  return out;
}
