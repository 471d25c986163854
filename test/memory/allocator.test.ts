/**
 * The allocator (ts/wasm/memory.ts) on heaps of its own: blocks never
 * overlap, free space is reusable whatever the sizes (splitting and merging
 * neighbours), and growth adds free space at the end. Each block takes a
 * 16-byte header before its payload (`heap.blockSize`).
 */
import { describe, expect, it } from "vitest";
import { Heap, KERNEL_RESERVED_BYTES } from "../../ts/wasm/memory";
import { mulberry32 } from "../helpers/prng";

const MB = 2 ** 20;

/** Checks that the blocks in use are aligned, inside the heap and disjoint, and that used + free = capacity. */
function expectConsistent(heap: Heap, blocks: Map<number, number>): void {
  const sorted = [...blocks].sort((a, b) => a[0] - b[0]);
  let end = KERNEL_RESERVED_BYTES;
  for (const [ptr, bytes] of sorted) {
    expect(ptr % 16).toBe(0);
    expect(ptr - 16).toBeGreaterThanOrEqual(end);
    end = ptr - 16 + heap.blockSize(bytes);
  }
  expect(end).toBeLessThanOrEqual(KERNEL_RESERVED_BYTES + heap.capacity);
  const s = heap.stats();
  expect(s.usedBytes + s.freeBytes).toBe(heap.capacity);
  expect(s.usedBlocks).toBe(blocks.size);
}

describe("allocator", () => {
  it("random allocations and frees never overlap and keep used + free = capacity", () => {
    const heap = new Heap(4 * MB);
    const rng = mulberry32(7);
    const blocks = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      if (blocks.size > 0 && rng() < 0.45) {
        const ptrs = [...blocks.keys()];
        const ptr = ptrs[Math.floor(rng() * ptrs.length)];
        heap.free(ptr);
        blocks.delete(ptr);
      } else {
        const bytes = 1 + Math.floor(rng() ** 3 * 64 * 1024);
        let ptr = heap.tryAlloc(bytes);
        if (ptr < 0) {
          expect(heap.grow(bytes)).toBe(true);
          ptr = heap.tryAlloc(bytes);
        }
        expect(ptr).toBeGreaterThan(0);
        blocks.set(ptr, bytes);
      }
      if (i % 500 === 0) expectConsistent(heap, blocks);
    }
    expectConsistent(heap, blocks);
    for (const ptr of blocks.keys()) heap.free(ptr);
    // Everything merged back into one block.
    expect(heap.stats().freeBlocks).toBe(1);
    expect(heap.stats().largestFree).toBe(heap.capacity - 16);
  });

  it("merges a freed block with both neighbours", () => {
    const heap = new Heap(4 * MB);
    const [a, b, c] = [heap.tryAlloc(1000), heap.tryAlloc(1000), heap.tryAlloc(1000)];
    const guard = heap.tryAlloc(16); // keeps the three apart from the free tail
    expect(b).toBe(a + 1024); // 1000 bytes + a 16-byte header, rounded to 16
    expect(c).toBe(b + 1024);
    heap.free(a);
    heap.free(c);
    expect(heap.tryAlloc(3000)).not.toBe(a); // two holes of 1024: no fit there
    heap.free(b);
    // a, b and c merged into one block of 3072 bytes: a payload of 3056.
    const before = heap.stats().freeBlocks;
    const merged = heap.tryAlloc(3056);
    expect(merged).toBe(a);
    expect(heap.stats().freeBlocks).toBe(before - 1);
    heap.free(guard);
  });

  it("phase changes: many small blocks freed make room for a few large ones, and back, without growing", () => {
    const heap = new Heap(16 * MB);
    const capacity = heap.capacity;
    for (let round = 0; round < 3; round++) {
      const small: number[] = [];
      for (let ptr = heap.tryAlloc(1008); ptr >= 0; ptr = heap.tryAlloc(1008)) small.push(ptr);
      expect(small.length).toBe(Math.floor(capacity / 1024));
      // Free them in a scattered order.
      for (let i = 0; i < small.length; i += 2) heap.free(small[i]);
      for (let i = 1; i < small.length; i += 2) heap.free(small[i]);
      const large: number[] = [];
      for (let ptr = heap.tryAlloc(3 * MB); ptr >= 0; ptr = heap.tryAlloc(3 * MB)) large.push(ptr);
      expect(large.length).toBe(Math.floor(capacity / (3 * MB)));
      for (const ptr of large) heap.free(ptr);
      expect(heap.capacity).toBe(capacity);
      expect(heap.stats().largestFree).toBe(capacity - 16);
    }
  });

  it("splits a large free block and reuses the remainder", () => {
    const heap = new Heap(4 * MB);
    const big = heap.tryAlloc(MB);
    const guard = heap.tryAlloc(16);
    heap.free(big);
    const first = heap.tryAlloc(100_000);
    const second = heap.tryAlloc(100_000);
    expect(first).toBe(big);
    expect(second).toBe(big + heap.blockSize(100_000));
    heap.free(guard);
  });

  it("grows at least twofold within the limit, and stops at the limit", () => {
    const heap = new Heap(4 * MB);
    const capacity = heap.capacity;
    expect(heap.grow(MB)).toBe(true);
    expect(heap.capacity).toBeGreaterThanOrEqual(2 * capacity);
    const grown = heap.capacity;
    const all = heap.tryAlloc(grown - 16); // nothing free at the end now
    expect(all).toBeGreaterThan(0);
    heap.setLimit(grown + MB);
    expect(heap.grow(4 * MB)).toBe(false);
    expect(heap.capacity).toBe(grown);
    expect(heap.grow(MB / 2)).toBe(true);
    expect(heap.capacity).toBeLessThanOrEqual(grown + MB);
    // The new space merged with the free tail: one block can take all of it.
    expect(heap.tryAlloc(heap.stats().largestFree)).toBeGreaterThan(0);
  });

  it("a limit below the memory's size cuts the free tail, and lifting it gives it back", () => {
    const heap = new Heap(8 * MB);
    const ptr = heap.tryAlloc(MB);
    heap.setLimit(2 * MB);
    expect(heap.capacity).toBe(2 * MB);
    expect(heap.tryAlloc(2 * MB)).toBe(-1);
    const rest = heap.tryAlloc(MB - 32); // what is left: 2 MB less the first block
    expect(rest).toBeGreaterThan(0);
    expect(() => heap.setLimit(MB / 2)).toThrow(/in use/);
    heap.setLimit(null);
    expect(heap.capacity).toBe(8 * MB - KERNEL_RESERVED_BYTES - 16);
    heap.free(ptr);
    heap.free(rest);
    expect(heap.stats().largestFree).toBe(heap.capacity - 16);
  });
});
