/**
 * A raw DEFLATE decoder (RFC 1951), synchronous and dependency-free: the
 * bundle inlines the kernel modules deflated (scripts/wasm-inline-plugin.mjs),
 * ≈ 3.4× smaller than the raw bytes, and the loader inflates the one module
 * the engine will run while the bundle is evaluated. Browsers have no
 * synchronous decompressor (DecompressionStream is a stream, so async), and
 * an `await` at import is what the package avoids.
 *
 * Canonical Huffman codes are decoded with one table per code indexed by
 * the next `maxBits` bits of input (bits are read LSB first, so a code's
 * bits are reversed into the index); each entry holds symbol << 4 | length.
 * Malformed input throws a RangeError instead of reading out of bounds.
 */

/** Base values and extra bits of the length codes 257..285 and the distance codes 0..29. */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** The order in which a dynamic block lists its code-length code lengths. */
const CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

interface Code {
  readonly table: Uint16Array;
  readonly bits: number;
}

function corrupt(what: string): RangeError {
  return new RangeError(`inflate: corrupt deflate stream (${what})`);
}

/** The decoding table of the canonical code with these code lengths (0: unused symbol). */
function buildCode(lengths: ArrayLike<number>): Code {
  let bits = 1;
  for (let i = 0; i < lengths.length; i++) bits = Math.max(bits, lengths[i]);
  const count = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) count[lengths[i]]++;
  count[0] = 0;
  const next = new Uint16Array(16);
  for (let len = 1, code = 0; len <= 15; len++) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  const table = new Uint16Array(1 << bits);
  for (let sym = 0; sym < lengths.length; sym++) {
    const len = lengths[sym];
    if (len === 0) continue;
    const code = next[len]++;
    if (code >= 1 << len) throw corrupt("over-subscribed code");
    let rev = 0;
    for (let i = 0; i < len; i++) rev |= ((code >> i) & 1) << (len - 1 - i);
    // Every index whose low `len` bits are the reversed code decodes to sym.
    for (let i = rev; i < table.length; i += 1 << len) table[i] = (sym << 4) | len;
  }
  return { table, bits };
}

const FIXED_LIT = buildCode(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DIST = buildCode(new Array<number>(30).fill(5));

/** The reader's position: next input byte, pending bits (LSB first), output length. */
interface BitState {
  pos: number;
  bitBuf: number;
  bitCount: number;
  o: number;
}

/**
 * One Huffman-coded block's literals and matches, up to its end code: the
 * hot loop, with the bit reader in locals and inlined (a closure per symbol
 * made the cold, interpreted start of an inflate ~3× slower).
 */
function inflateCodes(data: Uint8Array, out: Uint8Array, st: BitState, lit: Code, dist: Code): void {
  let { pos, bitBuf: buf, bitCount: cnt, o } = st;
  const size = out.length;
  const end = data.length;
  const [litTable, litBits, litMask] = [lit.table, lit.bits, (1 << lit.bits) - 1];
  const [distTable, distBits, distMask] = [dist.table, dist.bits, (1 << dist.bits) - 1];
  for (;;) {
    // 15 code bits + 5 extra: refill to ≥ 24 bits, at most 31 (past the end reads zeros; checked below).
    while (cnt < 24) {
      buf |= (pos < end ? data[pos] : 0) << cnt;
      pos++;
      cnt += 8;
    }
    if (pos > end + 8) throw corrupt("unexpected end of input");
    let entry = litTable[buf & litMask];
    let len = entry & 15;
    if (len === 0 || len > litBits) throw corrupt("invalid code");
    buf >>>= len;
    cnt -= len;
    const sym = entry >> 4;
    if (sym < 256) {
      if (o >= size) throw corrupt("output beyond the stated size");
      out[o++] = sym;
      continue;
    }
    if (sym === 256) break;
    const li = sym - 257;
    if (li >= 29) throw corrupt("length code");
    const lx = LENGTH_EXTRA[li];
    const n = LENGTH_BASE[li] + (buf & ((1 << lx) - 1));
    buf >>>= lx;
    cnt -= lx;
    // The buffer holds ≤ 31 bits: refill for the distance code (≤ 15), then for its extra bits (≤ 13).
    while (cnt < 24) {
      buf |= (pos < end ? data[pos] : 0) << cnt;
      pos++;
      cnt += 8;
    }
    entry = distTable[buf & distMask];
    len = entry & 15;
    if (len === 0 || len > distBits) throw corrupt("invalid code");
    buf >>>= len;
    cnt -= len;
    const di = entry >> 4;
    if (di >= 30) throw corrupt("distance code");
    const dx = DIST_EXTRA[di];
    while (cnt < 24) {
      buf |= (pos < end ? data[pos] : 0) << cnt;
      pos++;
      cnt += 8;
    }
    const d = DIST_BASE[di] + (buf & ((1 << dx) - 1));
    buf >>>= dx;
    cnt -= dx;
    if (d > o) throw corrupt("distance before the start");
    if (o + n > size) throw corrupt("output beyond the stated size");
    // Byte by byte: a match may overlap its own output (d < n).
    for (let k = 0; k < n; k++, o++) out[o] = out[o - d];
  }
  st.pos = pos;
  st.bitBuf = buf;
  st.bitCount = cnt;
  st.o = o;
}

/**
 * The bytes `data` (a raw DEFLATE stream, no zlib/gzip header) decompress
 * to. `size` is the exact decompressed length, known to the caller (the
 * plugin records it), so the output is allocated once.
 */
export function inflateRaw(data: Uint8Array, size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let pos = 0; // next input byte
  let bitBuf = 0; // pending bits, LSB first
  let bitCount = 0;
  let o = 0; // next output byte

  const need = (n: number): void => {
    while (bitCount < n) {
      // Past the end reads zeros; the caller's checks catch a truncated stream.
      bitBuf |= (pos < data.length ? data[pos] : 0) << bitCount;
      if (pos++ > data.length + 4) throw corrupt("unexpected end of input");
      bitCount += 8;
    }
  };
  const bits = (n: number): number => {
    if (n === 0) return 0;
    need(n);
    const v = bitBuf & ((1 << n) - 1);
    bitBuf >>>= n;
    bitCount -= n;
    return v;
  };
  const decode = (code: Code): number => {
    need(code.bits);
    const entry = code.table[bitBuf & ((1 << code.bits) - 1)];
    const len = entry & 15;
    if (len === 0) throw corrupt("invalid code");
    bitBuf >>>= len;
    bitCount -= len;
    return entry >> 4;
  };

  let last = 0;
  while (!last) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      // Stored: skip to a byte boundary; LEN, NLEN, then LEN raw bytes.
      bitBuf = 0;
      pos -= bitCount >> 3;
      bitCount = 0;
      if (pos + 4 > data.length) throw corrupt("truncated stored block");
      const len = data[pos] | (data[pos + 1] << 8);
      const nlen = data[pos + 2] | (data[pos + 3] << 8);
      if ((len ^ 0xffff) !== nlen) throw corrupt("stored block length");
      pos += 4;
      if (pos + len > data.length || o + len > size) throw corrupt("stored block beyond the end");
      out.set(data.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    if (type === 3) throw corrupt("block type 3");
    let lit = FIXED_LIT;
    let dist = FIXED_DIST;
    if (type === 2) {
      const nlit = bits(5) + 257;
      const ndist = bits(5) + 1;
      const nclen = bits(4) + 4;
      const clen = new Uint8Array(19);
      for (let i = 0; i < nclen; i++) clen[CLEN_ORDER[i]] = bits(3);
      const clenCode = buildCode(clen);
      const lengths = new Uint8Array(nlit + ndist);
      for (let i = 0; i < lengths.length; ) {
        const sym = decode(clenCode);
        if (sym < 16) {
          lengths[i++] = sym;
          continue;
        }
        let repeat: number;
        let value = 0;
        if (sym === 16) {
          if (i === 0) throw corrupt("repeat with no previous length");
          value = lengths[i - 1];
          repeat = 3 + bits(2);
        } else if (sym === 17) repeat = 3 + bits(3);
        else repeat = 11 + bits(7);
        if (i + repeat > lengths.length) throw corrupt("code lengths overflow");
        lengths.fill(value, i, i + repeat);
        i += repeat;
      }
      lit = buildCode(lengths.subarray(0, nlit));
      dist = buildCode(lengths.subarray(nlit));
    }
    const st: BitState = { pos, bitBuf, bitCount, o };
    inflateCodes(data, out, st, lit, dist);
    ({ pos, bitBuf, bitCount, o } = st);
  }
  if (o !== size) throw corrupt(`${o} bytes decoded, ${size} expected`);
  return out;
}
