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
 * The allocator is a two-level segregated fit (TLSF, Masmano et al. 2004):
 * free blocks sit in bins by size class (exact classes of 16 bytes below
 * 256 bytes, then 8 classes per power of two); a bitmap finds the first
 * non-empty bin that is large enough in O(1); a block larger than asked is
 * split, and a freed block merges with free neighbours on both sides, so
 * free space is reusable whatever the sizes (many small blocks freed make
 * room for large ones, and back). All free space, including the part of the
 * memory never used yet, is ordinary free blocks: growing the memory frees
 * the new pages (merged with a free block at the old end).
 *
 * This class only hands out addresses. When nothing fits, `tryAlloc`
 * returns -1 and the caller (ts/memory/storage.ts) decides whether to make
 * room by moving tensors out or to `grow`. It runs on the calling thread
 * only: a threaded build shares the memory with workers but keeps this one
 * owner of its layout.
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

export function roundSize(bytes: number): number {
  return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  /** Bumped whenever the memory grows (and old views of a non-shared memory are detached). */
  generation = 0;
  /** Where blocks may end: the memory's size, or less under the test-only limit. */
  private end: number;
  private limitEnd = MAX_MEMORY_BYTES;

  /** start → size of every free block, and end → start to find a left neighbour. */
  private readonly freeSize = new Map<number, number>();
  private readonly freeByEnd = new Map<number, number>();
  /** Free block starts per bin, and a bitmap of the non-empty bins. */
  private readonly bins: Set<number>[] = Array.from({ length: BIN_COUNT }, () => new Set<number>());
  private readonly nonEmpty = new Uint32Array(Math.ceil(BIN_COUNT / 32));
  /** start → size of every block in use. */
  private readonly used = new Map<number, number>();
  private bytesUsed = 0;
  private bytesFree = 0;

  constructor(initialBytes = 16 * 1024 * 1024) {
    const pages = Math.ceil(Math.max(initialBytes, 2 * KERNEL_RESERVED_BYTES) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES });
    this.end = pages * PAGE;
    this.insertFree(KERNEL_RESERVED_BYTES, this.end - KERNEL_RESERVED_BYTES);
  }

  /** Bytes blocks may occupy now (the memory above the kernels' reserve, within the limit). */
  get capacity(): number {
    return this.end - KERNEL_RESERVED_BYTES;
  }

  /** Bytes the capacity may still grow by. */
  get growable(): number {
    return Math.min(this.limitEnd, MAX_MEMORY_BYTES) - this.end;
  }

  get usedBytes(): number {
    return this.bytesUsed;
  }

  get usedBlocks(): number {
    return this.used.size;
  }

  /** The size `bytes` takes once rounded to the allocator's granularity. */
  blockSize(bytes: number): number {
    return roundSize(bytes);
  }

  /** A 16-byte-aligned block of at least `bytes`, or -1 when no free block fits. */
  tryAlloc(bytes: number): number {
    if (!(bytes <= MAX_MEMORY_BYTES)) return -1; // NaN too
    const size = roundSize(bytes);
    const start = this.findFree(size);
    if (start < 0) return -1;
    const have = this.freeSize.get(start)!;
    this.removeFree(start, have);
    if (have > size) this.insertFree(start + size, have - size);
    this.used.set(start, size);
    this.bytesUsed += size;
    return start;
  }

  /** Returns a block; it merges with free neighbours. Freeing an unknown address is ignored. */
  free(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) return;
    this.used.delete(ptr);
    this.bytesUsed -= size;
    this.insertFree(ptr, size);
  }

  /**
   * Grows the memory so that a block of `bytes` fits at its end (at least
   * doubling, within the limit). Returns false when the limit
   * (4 GiB, or the test-only one) does not allow it.
   */
  grow(bytes: number, atLeastDouble = true): boolean {
    const ceiling = Math.min(this.limitEnd, MAX_MEMORY_BYTES);
    // A free block at the end merges with the new space: count it in.
    const tailStart = this.freeByEnd.get(this.end) ?? this.end;
    const wanted = Math.ceil((tailStart + bytes) / PAGE) * PAGE;
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
    }
    this.insertFree(this.end, target - this.end);
    this.end = target;
    return true;
  }

  /**
   * Test-only: caps the memory blocks may use at `bytes` above the kernels'
   * reserve (null lifts the cap). Fails if a block in use lies beyond it.
   */
  setLimit(bytes: number | null): void {
    const limitEnd = bytes === null ? MAX_MEMORY_BYTES : KERNEL_RESERVED_BYTES + roundSize(bytes);
    if (limitEnd < this.end) {
      for (const [start, size] of this.used) {
        if (start + size > limitEnd) throw new RangeError(`setLimit: a block in use ends at ${start + size}, beyond ${limitEnd}`);
      }
      // Cut the free space beyond the new end.
      for (const [start, size] of [...this.freeSize]) {
        if (start + size <= limitEnd) continue;
        this.removeFree(start, size);
        if (start < limitEnd) this.insertFree(start, limitEnd - start);
      }
      this.end = limitEnd;
    }
    this.limitEnd = limitEnd;
    if (bytes === null && this.end < this.memory.buffer.byteLength) {
      // Give back what the memory already has beyond the old cap.
      const have = this.memory.buffer.byteLength;
      this.insertFree(this.end, have - this.end);
      this.end = have;
    }
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
    let largest = 0;
    for (const size of this.freeSize.values()) if (size > largest) largest = size;
    return {
      usedBytes: this.bytesUsed,
      usedBlocks: this.used.size,
      freeBytes: this.bytesFree,
      freeBlocks: this.freeSize.size,
      largestFree: largest,
      capacity: this.capacity,
    };
  }

  /** The start of a free block of at least `size` bytes, or -1. */
  private findFree(size: number): number {
    // Good fit first: the bin of `size` itself may hold a block that is large enough.
    const own = binOf(size);
    const ownBin = this.bins[own];
    if (ownBin.size > 0) {
      let looked = 0;
      for (const start of ownBin) {
        if (this.freeSize.get(start)! >= size) return start;
        if (++looked === 8) break; // bounded: the next bins hold blocks that surely fit
      }
    }
    // Then any block of the next non-empty bin: every block there fits.
    const bin = this.firstNonEmpty(own + 1);
    if (bin < 0) return -1;
    return this.bins[bin].values().next().value as number;
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

  /** Adds free space [start, start + size), merged with free neighbours. */
  private insertFree(start: number, size: number): void {
    if (size <= 0) return;
    const leftStart = this.freeByEnd.get(start);
    if (leftStart !== undefined) {
      const leftSize = this.freeSize.get(leftStart)!;
      this.removeFree(leftStart, leftSize);
      start = leftStart;
      size += leftSize;
    }
    const rightSize = this.freeSize.get(start + size);
    if (rightSize !== undefined) {
      this.removeFree(start + size, rightSize);
      size += rightSize;
    }
    this.freeSize.set(start, size);
    this.freeByEnd.set(start + size, start);
    const bin = binOf(size);
    this.bins[bin].add(start);
    this.nonEmpty[bin >>> 5] |= 1 << (bin & 31);
    this.bytesFree += size;
  }

  private removeFree(start: number, size: number): void {
    this.freeSize.delete(start);
    this.freeByEnd.delete(start + size);
    const bin = binOf(size);
    const set = this.bins[bin];
    set.delete(start);
    if (set.size === 0) this.nonEmpty[bin >>> 5] &= ~(1 << (bin & 31));
    this.bytesFree -= size;
  }
}

/** The heap every tensor and kernel shares. */
export const heap = new Heap();
