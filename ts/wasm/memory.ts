/**
 * The one owner of the WebAssembly memory every tensor lives in.
 *
 * The memory is created here, before any kernel module, and imported by the
 * kernels (`env.memory`), so tensors have the same home whichever backend is
 * active — and even where the SIMD module cannot be compiled at all.
 *
 * Layout: the first KERNEL_RESERVED_BYTES hold the kernel module's stack and
 * static data (the loader checks that its `__heap_base` fits); tensors are
 * carved out above by a small allocator:
 *   - sizes are rounded up to a size class (16-byte granularity for small
 *     blocks, 1/8-power-of-two steps above 4 KiB), and each class keeps a free
 *     list, so a training loop that makes the same shapes every step reuses
 *     the same blocks and the memory stops growing after the first steps;
 *   - new blocks come from a bump pointer; the memory grows (by at least
 *     doubling) when the bump pointer reaches its end.
 *
 * Growing the memory DETACHES every Float32Array view of the old buffer
 * (their length becomes 0). Views must therefore be taken through `f32()`
 * just before use, and kept views re-taken when `generation` changes — the
 * Tensor's `data` getter does exactly that.
 */

export const KERNEL_RESERVED_BYTES = 1 << 20;
const PAGE = 65536;
const ALIGN = 16;
/** wasm32 memories stop at 4 GiB; leave the last page alone. */
const MAX_PAGES = 65535;

function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, (bytes + ALIGN - 1) & ~(ALIGN - 1));
  // Round up to 1/8 of the next power of two: wastes at most 12.5% and lets
  // nearby sizes share blocks.
  const step = 2 ** (Math.ceil(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  /** Bumped whenever the memory grows (and old views are detached). */
  generation = 0;
  private top = KERNEL_RESERVED_BYTES;
  private readonly freeLists = new Map<number, number[]>();
  private readonly liveSizes = new Map<number, number>();
  private bytesLive = 0;
  private bytesAllocated = 0;

  constructor(initialBytes = 16 * 1024 * 1024) {
    const pages = Math.ceil(Math.max(initialBytes, 2 * KERNEL_RESERVED_BYTES) / PAGE);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES });
  }

  /** Allocates `bytes` (16-byte aligned) and returns the address. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const reuse = this.freeLists.get(size);
    let ptr = reuse !== undefined && reuse.length > 0 ? reuse.pop()! : -1;
    if (ptr < 0) {
      ptr = this.top;
      this.ensure(ptr + size);
      this.top = ptr + size;
    }
    this.liveSizes.set(ptr, size);
    this.bytesLive += size;
    this.bytesAllocated += size;
    return ptr;
  }

  /** Returns a block to its free list. Freeing twice is ignored. */
  free(ptr: number): void {
    const size = this.liveSizes.get(ptr);
    if (size === undefined) return;
    this.liveSizes.delete(ptr);
    this.bytesLive -= size;
    let list = this.freeLists.get(size);
    if (list === undefined) this.freeLists.set(size, (list = []));
    list.push(ptr);
  }

  /** A Float32Array view of `length` floats at `ptr`, valid until the memory grows. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length);
  }

  /** An Int32Array view of `length` ints at `ptr`, valid until the memory grows. */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length);
  }

  /** Figures for tests and benchmarks. */
  stats(): { bytesLive: number; blocksLive: number; bytesReserved: number; bytesAllocatedTotal: number; memoryBytes: number } {
    return {
      bytesLive: this.bytesLive,
      /** Every allocation ever made, freed or not. */
      bytesAllocatedTotal: this.bytesAllocated,
      blocksLive: this.liveSizes.size,
      bytesReserved: this.top - KERNEL_RESERVED_BYTES,
      memoryBytes: this.memory.buffer.byteLength,
    };
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const havePages = have / PAGE;
    const needPages = Math.ceil(end / PAGE);
    if (needPages > MAX_PAGES) {
      throw new RangeError(
        `neurenix: out of memory: allocating ${end - this.top} more bytes would take the wasm32 memory past 4 GiB ` +
          `(${this.bytesLive} bytes held by live tensors)`,
      );
    }
    const pages = Math.min(MAX_PAGES, Math.max(needPages, havePages * 2)) - havePages;
    this.memory.grow(pages);
    this.generation++;
  }
}

/** The heap every tensor and kernel shares. */
export const heap = new Heap();
