/**
 * Float32Array views in the wasm heap for kernel tests: every kernel, on
 * either backend, is given views into `heap.memory.buffer`, as the library
 * does. Register `afterEach(freeHeapArrays)` in each test file.
 *
 * Allocating may grow the memory, which detaches every earlier view (its
 * length becomes 0). Rather than letting a test read zeros from such a view,
 * heapF32 fails loudly when it happens while earlier views are still live:
 * allocate the large arrays first, or one block and `subarray` it.
 */
import { heap } from "../../ts/wasm/memory";
import { allocBlock } from "../../ts/memory/storage";

const live: number[] = [];

/** A heap view holding `init` (values) or `init` zeros (a length). */
export function heapF32(init: number | ArrayLike<number>): Float32Array {
  const length = typeof init === "number" ? init : init.length;
  const generation = heap.generation;
  const ptr = allocBlock(Math.max(4 * length, 4));
  if (heap.generation !== generation && live.length > 0) {
    heap.free(ptr);
    throw new Error(
      `heapF32: allocating ${length} floats grew the wasm memory and detached ${live.length} earlier views; ` +
        "allocate the large arrays first",
    );
  }
  live.push(ptr);
  const view = heap.f32(ptr, length);
  if (typeof init === "number") view.fill(0);
  else view.set(init);
  return view;
}

/** Frees every array made by heapF32 since the last call. */
export function freeHeapArrays(): void {
  for (const ptr of live) heap.free(ptr);
  live.length = 0;
}

const GUARD = 3;
const SENTINEL = -7777.25;

/**
 * A heap view with GUARD sentinel floats on each side. GUARD is odd, so the
 * view starts 12 bytes past a 16-byte boundary: SIMD kernels must handle
 * unaligned starts and stop exactly at the end (see expectGuardsIntact).
 */
export function guardedF32(init: number | ArrayLike<number>): Float32Array {
  const length = typeof init === "number" ? init : init.length;
  const block = heapF32(length + 2 * GUARD);
  block.fill(SENTINEL);
  const view = block.subarray(GUARD, GUARD + length);
  if (typeof init === "number") view.fill(0);
  else view.set(init);
  return view;
}

/** Fails if anything was written into the sentinels around a guardedF32 view. */
export function expectGuardsIntact(view: Float32Array, label: string): void {
  const before = new Float32Array(view.buffer, view.byteOffset - 4 * GUARD, GUARD);
  const after = new Float32Array(view.buffer, view.byteOffset + 4 * view.length, GUARD);
  for (let i = 0; i < GUARD; i++) {
    if (!Object.is(before[i], SENTINEL) || !Object.is(after[i], SENTINEL)) {
      throw new Error(
        `${label}: wrote outside its view of ${view.length}: guards before [${Array.from(before)}], after [${Array.from(after)}]`,
      );
    }
  }
}
