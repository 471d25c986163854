/**
 * The WebAssembly memory every tensor lives in, and its allocator.
 *
 * The memory is created here, before any kernel module, and imported by the
 * kernels (`env.memory`), so tensors have the same home whichever backend is
 * active — and even where the SIMD module cannot be compiled at all.
 *
 * Layout: the first KERNEL_RESERVED_BYTES hold the kernel module's stack and
 * static data (the loader checks that its `__heap_base` fits); blocks for
 * tensors are carved out above, up to `end` (the memory's size, or the
 * test-only limit).
 *
 * The allocator is a two-level segregated fit (TLSF, Masmano et al. 2004)
 * with its bookkeeping inside the memory, as C allocators keep it: every
 * block starts with a 16-byte header (its size, a "free" bit and a "the
 * block before me is free" bit; free blocks also link to the previous and
 * next free block of their bin there) and a free block ends with its size
 * (a footer), so both neighbours of a freed block are found in O(1) and
 * merged with it. Free blocks sit in bins by size class (exact classes of
 * 16 bytes below 256 bytes, then 8 classes per power of two); a bitmap finds
 * the first non-empty bin that is large enough; a larger block is split.
 * So free space is reusable whatever the sizes (many small blocks freed make
 * room for large ones, and back), and an allocation costs a few array reads,
 * no JS object. A 16-byte used block at `end − 16` (the sentinel) stops
 * merging; growing turns it into free space and puts a new one at the end.
 *
 * This class only hands out addresses. When nothing fits, `tryAlloc`
 * returns -1 and the caller (ts/memory/storage.ts) decides whether to make
 * room by moving tensors out or to `grow`. It runs on the calling thread
 * only: a threaded build shares the memory with workers but keeps this one
 * owner of its layout (kernels never write outside the views they are given,
 * so they never touch a header).
 *
 * Growing a non-shared memory DETACHES every view of the old buffer; views
 * are taken through `f32()` just before use and re-taken when `generation`
 * changes (a shared memory never detaches, and the same rule keeps working).
 */

export const KERNEL_RESERVED_BYTES = 1 << 20;
const PAGE = 65536;
const ALIGN = 16;
/** wasm32 memories stop at 4 GiB; leave the last page alone. */
const MAX_PAGES = 65535;
export const MAX_MEMORY_BYTES = MAX_PAGES * PAGE;

/** Size classes below this are exact multiples of 16; above, 8 per power of two. */
const SMALL_LIMIT = 256;
const SUBCLASSES = 8;
const SMALL_BINS = SMALL_LIMIT / ALIGN; // 16
const BIN_COUNT = SMALL_BINS + (32 - 8) * SUBCLASSES; // sizes up to 2^32

/** The bin holding free blocks of `size` bytes (a multiple of 16). */
function binOf(size: number): number {
  if (size < SMALL_LIMIT) return size / ALIGN;
  const fl = 31 - Math.clz32(size); // ≥ 8
  const sl = (size >>> (fl - 3)) & (SUBCLASSES - 1);
  return SMALL_BINS + (fl - 8) * SUBCLASSES + sl;
}

/** Header bytes before every block's payload (keeps payloads 16-byte aligned). */
const HEADER = 16;
/** A free block holds its header and a footer: the smallest block. */
const MIN_BLOCK = 32;
const FREE = 1;
const PREV_FREE = 2;
const FLAGS = 15;

export class Heap {
  readonly memory: WebAssembly.Memory;
  /** Bumped whenever the memory grows (and old views of a non-shared memory are detached). */
  generation = 0;
  /** Where blocks end (the sentinel's end): the memory's size, or less under the test-only limit. */
  private end: number;
  private limitEnd = MAX_MEMORY_BYTES;
  /** The memory as 32-bit words (re-taken after growth). Header words: size|flags, –, next free, previous free. */
  private w: Uint32Array;
  /** First free block (header address) of each bin, 0 when empty, and a bitmap of the non-empty bins. */
  private readonly binHead = new Uint32Array(BIN_COUNT);
  private readonly nonEmpty = new Uint32Array(Math.ceil(BIN_COUNT / 32));
  private bytesUsed = 0;
  private blocksUsed = 0;
  private bytesFree = 0;
  private blocksFree = 0;

  constructor(initialBytes = 16 * 1024 * 1024) {
    const pages = Math.ceil(Math.max(initialBytes, 2 * KERNEL_RESERVED_BYTES) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES });
    this.w = new Uint32Array(this.memory.buffer);
    this.end = pages * PAGE;
    this.writeSentinel(this.end - HEADER, 0);
    this.bytesUsed = 0; // the sentinel is counted as capacity's, not as a block in use
    this.addFree(KERNEL_RESERVED_BYTES, this.end - HEADER - KERNEL_RESERVED_BYTES);
  }

  /** Bytes blocks may occupy now (the memory above the kernels' reserve, within the limit, less the sentinel). */
  get capacity(): number {
    return this.end - HEADER - KERNEL_RESERVED_BYTES;
  }

  /** Bytes the capacity may still grow by. */
  get growable(): number {
    return Math.min(this.limitEnd, MAX_MEMORY_BYTES) - this.end;
  }

  /** Bytes in blocks in use, headers included. */
  get usedBytes(): number {
    return this.bytesUsed;
  }

  get usedBlocks(): number {
    return this.blocksUsed;
  }

  /** The bytes a block for `bytes` takes, header included. */
  blockSize(bytes: number): number {
    return Math.max(MIN_BLOCK, Math.ceil((bytes + HEADER) / ALIGN) * ALIGN);
  }

  /** A 16-byte-aligned payload of at least `bytes`, or -1 when no free block fits. */
  tryAlloc(bytes: number): number {
    if (!(bytes >= 0 && bytes <= MAX_MEMORY_BYTES)) return -1; // NaN too
    const size = this.blockSize(bytes);
    const h = this.findFree(size);
    if (h === 0) return -1;
    const have = this.w[h >>> 2] & ~FLAGS;
    this.removeFree(h, have);
    const taken = have - size >= MIN_BLOCK ? size : have;
    this.w[h >>> 2] = taken; // in use; the block before a free block is never free
    if (taken < have) this.addFree(h + taken, have - taken); // the rest stays free
    this.bytesUsed += taken;
    this.blocksUsed++;
    return h + HEADER;
  }

  /** Returns a block; it merges with free neighbours. */
  free(ptr: number): void {
    const w = this.w;
    let h = ptr - HEADER;
    const word = w[h >>> 2];
    if (word & FREE || ptr < KERNEL_RESERVED_BYTES + HEADER || ptr >= this.end) return; // not a block in use
    let size = word & ~FLAGS;
    this.bytesUsed -= size;
    this.blocksUsed--;
    const next = h + size;
    const nextWord = w[next >>> 2];
    if (nextWord & FREE) {
      const nextSize = nextWord & ~FLAGS;
      this.removeFree(next, nextSize);
      size += nextSize;
    }
    if (word & PREV_FREE) {
      const prevSize = w[(h - 4) >>> 2];
      h -= prevSize;
      this.removeFree(h, prevSize);
      size += prevSize;
    }
    this.addFree(h, size);
  }

  /**
   * Grows the memory so that a block of `bytes` fits at its end (at least
   * doubling, within the limit). Returns false when the limit (4 GiB, or
   * the test-only one) does not allow it.
   */
  grow(bytes: number, atLeastDouble = true): boolean {
    const ceiling = Math.min(this.limitEnd, MAX_MEMORY_BYTES);
    const sentinel = this.end - HEADER;
    const w = this.w;
    // A free block at the end merges with the new space: count it in.
    const tailStart = w[sentinel >>> 2] & PREV_FREE ? sentinel - w[(sentinel - 4) >>> 2] : sentinel;
    const wanted = Math.ceil((tailStart + this.blockSize(bytes) + HEADER) / PAGE) * PAGE;
    if (wanted > ceiling) return false;
    const target = atLeastDouble ? Math.min(ceiling, Math.max(wanted, 2 * this.end)) : wanted;
    const have = this.memory.buffer.byteLength;
    if (target > have) {
      try {
        this.memory.grow((target - have) / PAGE);
      } catch {
        return false; // the engine refused (address space): as if at the limit
      }
      this.generation++;
      this.w = new Uint32Array(this.memory.buffer);
    }
    this.moveSentinel(target);
    return true;
  }

  /**
   * Test-only: caps the memory blocks may use at `bytes` above the kernels'
   * reserve (null lifts the cap). Fails if a block in use lies beyond it.
   */
  setLimit(bytes: number | null): void {
    const limitEnd = bytes === null ? MAX_MEMORY_BYTES : KERNEL_RESERVED_BYTES + Math.ceil(bytes / ALIGN) * ALIGN + HEADER;
    if (limitEnd < this.end) {
      const w = this.w;
      const sentinel = this.end - HEADER;
      const tailStart = w[sentinel >>> 2] & PREV_FREE ? sentinel - w[(sentinel - 4) >>> 2] : sentinel;
      if (tailStart > limitEnd - HEADER) {
        throw new RangeError(`setLimit: a block in use ends at ${tailStart}, beyond ${limitEnd - HEADER}`);
      }
      if (tailStart < sentinel) this.removeFree(tailStart, sentinel - tailStart);
      const newSentinel = limitEnd - HEADER - tailStart >= MIN_BLOCK ? limitEnd - HEADER : tailStart;
      if (newSentinel > tailStart) this.addFree(tailStart, newSentinel - tailStart);
      this.writeSentinel(newSentinel, newSentinel > tailStart ? PREV_FREE : 0);
      this.end = newSentinel + HEADER;
    }
    this.limitEnd = limitEnd;
    if (bytes === null && this.end < this.memory.buffer.byteLength) this.moveSentinel(this.memory.buffer.byteLength);
  }

  /** A Float32Array view of `length` floats at `ptr`, valid until the memory grows. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** An Int32Array view of `length` ints at `ptr`, valid until the memory grows. */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** Allocator figures, for nx.memory(), tests and benchmarks. */
  stats(): { usedBytes: number; usedBlocks: number; freeBytes: number; freeBlocks: number; largestFree: number; capacity: number } {
    return {
      usedBytes: this.bytesUsed,
      usedBlocks: this.blocksUsed,
      freeBytes: this.bytesFree,
      freeBlocks: this.blocksFree,
      largestFree: this.largestFreePayload(),
      capacity: this.capacity,
    };
  }

  /** The largest payload one allocation could get now. */
  private largestFreePayload(): number {
    for (let bin = BIN_COUNT - 1; bin >= 0; bin--) {
      let largest = 0;
      for (let h = this.binHead[bin]; h !== 0; h = this.w[(h + 8) >>> 2]) largest = Math.max(largest, this.w[h >>> 2] & ~FLAGS);
      if (largest > 0) return largest - HEADER;
    }
    return 0;
  }

  /** The header of a free block of at least `size` bytes, or 0. */
  private findFree(size: number): number {
    const w = this.w;
    // Good fit first: the bin of `size` itself may hold a block that is large enough
    // (bounded: the next bins hold blocks that surely fit).
    const own = binOf(size);
    let looked = 0;
    for (let h = this.binHead[own]; h !== 0 && looked < 8; h = w[(h + 8) >>> 2], looked++) {
      if ((w[h >>> 2] & ~FLAGS) >= size) return h;
    }
    const bin = this.firstNonEmpty(own + 1);
    return bin < 0 ? 0 : this.binHead[bin];
  }

  private firstNonEmpty(from: number): number {
    let word = from >>> 5;
    if (word >= this.nonEmpty.length) return -1;
    let bits = this.nonEmpty[word] & (~0 << (from & 31));
    while (bits === 0) {
      if (++word >= this.nonEmpty.length) return -1;
      bits = this.nonEmpty[word];
    }
    return word * 32 + (31 - Math.clz32(bits & -bits));
  }

  /** Makes [h, h + size) a free block (its neighbours are not free) and puts it in its bin. */
  private addFree(h: number, size: number): void {
    const w = this.w;
    w[h >>> 2] = size | FREE; // the block before is in use (or it would have merged)
    w[(h + size - 4) >>> 2] = size;
    w[(h + size) >>> 2] |= PREV_FREE;
    const bin = binOf(size);
    const head = this.binHead[bin];
    w[(h + 8) >>> 2] = head;
    w[(h + 12) >>> 2] = 0;
    if (head !== 0) w[(head + 12) >>> 2] = h;
    this.binHead[bin] = h;
    this.nonEmpty[bin >>> 5] |= 1 << (bin & 31);
    this.bytesFree += size;
    this.blocksFree++;
  }

  /** Takes a free block out of its bin (the caller rewrites its header). */
  private removeFree(h: number, size: number): void {
    const w = this.w;
    const bin = binOf(size);
    const next = w[(h + 8) >>> 2];
    const prev = w[(h + 12) >>> 2];
    if (prev !== 0) w[(prev + 8) >>> 2] = next;
    else this.binHead[bin] = next;
    if (next !== 0) w[(next + 12) >>> 2] = prev;
    if (this.binHead[bin] === 0) this.nonEmpty[bin >>> 5] &= ~(1 << (bin & 31));
    w[(h + size) >>> 2] &= ~PREV_FREE;
    this.bytesFree -= size;
    this.blocksFree--;
  }

  private writeSentinel(at: number, flags: number): void {
    this.w[at >>> 2] = HEADER | flags; // a 16-byte block in use
  }

  /** Moves the sentinel to `newEnd − 16`, freeing the space in between (merged with a free tail). */
  private moveSentinel(newEnd: number): void {
    const w = this.w;
    const sentinel = this.end - HEADER;
    let start = sentinel;
    if (w[sentinel >>> 2] & PREV_FREE) {
      const tail = w[(sentinel - 4) >>> 2];
      start -= tail;
      this.removeFree(start, tail);
    }
    this.writeSentinel(newEnd - HEADER, 0);
    this.addFree(start, newEnd - HEADER - start);
    this.end = newEnd;
  }
}

/** The heap every tensor and kernel shares. */
export const heap = new Heap();
