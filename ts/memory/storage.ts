/**
 * The memory manager: every tensor's floats, where they are, and how room
 * is made for new ones. This is the one owner of tensor memory; the rules
 * for what frees a tensor (dispose, tidy, the autograd engine) live in
 * ts/memory/scope.ts, and the allocator in ts/wasm/memory.ts.
 *
 * A Storage holds a tensor's floats (reshapes and detaches share it). Its
 * floats are either resident in the wasm memory (a heap block the kernels
 * read and write in place) or moved out to an ordinary Float32Array in
 * JavaScript memory. They are freed in one of three ways:
 *   1. explicitly: dispose(), nx.tidy(), or the library itself for what it
 *      never handed to user code (backward's temporaries, replaced
 *      gradients) — at once, at no cost;
 *   2. by the garbage collector between tasks: a FinalizationRegistry frees
 *      the block of a storage found unreachable;
 *   3. by moving out, when an allocation finds no free block. Inside one
 *      synchronous job neither 1 nor 2 happens for what user code dropped
 *      (finalizers wait for the next task, and WeakRefs made in the job keep
 *      their targets alive until it ends), so the heap cannot tell garbage
 *      from a tensor the user still holds. It copies every storage that was
 *      not used since the previous such moment out to a Float32Array owned by
 *      the storage alone, and frees its block. The engine's collector then
 *      frees the copies of dead tensors (it does so inside synchronous
 *      loops), and a living tensor's copy is brought back, transparently,
 *      the next time it is used.
 * So memory stays bounded without help: the wasm memory grows only when
 * what was used lately needs it (after a reclaim it grows when less than a
 * quarter would be free, so reclaims stay rare), and each dropped tensor is
 * copied out at most once.
 *
 * "Used" means its data was read or written: every view handed to a kernel
 * or to user code goes through `viewOf`, which stamps the storage with a
 * use counter. The 64 most recent uses are moved out only when nothing else
 * makes room, and the last 4 never: the operands of the op being computed
 * stay put (ops make their inputs resident before allocating outputs, and
 * take views only after that).
 *
 * A `t.data` view is therefore valid until the next call into neurenix that
 * may allocate (any op, any new tensor): after that, its storage may have
 * moved (or, in a non-shared memory, the memory may have grown and detached
 * it). Read `t.data` again after such calls.
 */
import { heap, MAX_MEMORY_BYTES } from "../wasm/memory";
import { checkBoolean, checkOptions } from "../options";

/** What freed a storage, for the error a later use throws. */
export type FreedBy = "dispose()" | "nx.tidy()" | "Symbol.dispose (using)" | "the autograd engine";

/**
 * A tensor's floats. Tensors sharing them (reshape, detach) hold the same
 * Storage; the FinalizationRegistry watches it. The floats themselves are
 * in its Block, which the resident list holds — so the registry's target is
 * never reachable from the heap's own lists.
 */
export class Storage {
  constructor(readonly block: Block) {}
}

class Block {
  /** The block in the wasm memory, or -1 while moved out (or freed). */
  ptr = -1;
  /** The floats while moved out to JavaScript memory. */
  movedOut: Float32Array | null = null;
  /** Value of `useClock` at the last use. */
  lastUse = 0;
  /** Position in `resident` while resident. */
  index = -1;
  freedBy: FreedBy | null = null;
  /** The resident view and the heap generation it was taken in. */
  view: Float32Array | null = null;
  viewGeneration = -1;

  constructor(readonly length: number) {}
}

const resident: Block[] = [];
let residentBytes = 0;
let movedOutCount = 0;
let movedOutBytes = 0;

/** Increments on every use; a storage's `lastUse` is the value at its last one. */
let useClock = 0;
/** useClock at the previous reclaim: storages not used since are moved out by the next one. */
let lastReclaimMark = 0;
/** counters.bytesMovedIn at the previous reclaim. */
let movedInAtLastReclaim = 0;
/** Uses this recent are never moved out (the operands of the op in progress). */
const RECENT_USES = 64;

const counters = { reclaims: 0, storagesMovedOut: 0, bytesMovedOut: 0, storagesMovedIn: 0, bytesMovedIn: 0 };

/**
 * Frees the block of a resident storage the collector found unreachable
 * (callbacks run between tasks). It holds the block, never a moved-out copy:
 * moving out unregisters the block (the copy must die with the tensor).
 */
const registry = new FinalizationRegistry<Block>((b) => {
  if (b.freedBy === null) release(b, "the autograd engine");
});
/** Counts moved-out storages down once the collector took their copy (the registry watches the copy itself). */
const movedOutRegistry = new FinalizationRegistry<number>((bytes) => {
  movedOutCount--;
  movedOutBytes -= bytes;
});

function addResident(b: Block, ptr: number): void {
  b.ptr = ptr;
  b.index = resident.length;
  resident.push(b);
  residentBytes += b.length * 4;
}

function removeResident(b: Block): void {
  const last = resident.pop()!;
  if (last !== b) {
    resident[b.index] = last;
    last.index = b.index;
  }
  b.index = -1;
  residentBytes -= b.length * 4;
  heap.free(b.ptr);
  b.ptr = -1;
  b.view = null;
}

/** A new storage of `length` floats (contents undefined). */
export function allocStorage(length: number): Storage {
  const b = new Block(length);
  addResident(b, allocBlock(length * 4));
  b.lastUse = ++useClock;
  const storage = new Storage(b);
  registry.register(storage, b, b);
  return storage;
}

/**
 * The floats as a view of the wasm memory, for a kernel or for user code:
 * counts as a use and brings moved-out floats back.
 */
export function viewOf(storage: Storage): Float32Array {
  const b = storage.block;
  b.lastUse = ++useClock;
  if (b.ptr < 0) moveIn(storage);
  if (b.viewGeneration !== heap.generation || b.view === null) {
    b.view = heap.f32(b.ptr, b.length);
    b.viewGeneration = heap.generation;
  }
  return b.view;
}

/**
 * `values` itself, or a copy of it if it is a view of the wasm memory (say,
 * another tensor's `data`): such a view must not be read after an
 * allocation, which may move or detach it.
 */
export function outsideHeap<T extends ArrayLike<number>>(values: T): T {
  if (ArrayBuffer.isView(values) && values.buffer === heap.memory.buffer) return (values as unknown as Float32Array).slice() as unknown as T;
  return values;
}

/** Counts a use and makes the floats resident (an op's inputs, before it allocates its outputs). */
export function touch(storage: Storage): void {
  const b = storage.block;
  b.lastUse = ++useClock;
  if (b.ptr < 0 && b.freedBy === null) moveIn(storage);
}

/** What freed the storage, or null while it is alive. */
export function freedBy(storage: Storage): FreedBy | null {
  return storage.block.freedBy;
}

/** Frees the storage now. Later uses of any tensor sharing it throw, naming `by`. */
export function freeStorage(storage: Storage, by: FreedBy): void {
  const b = storage.block;
  if (b.freedBy !== null) return;
  if (b.ptr >= 0) registry.unregister(b);
  else {
    movedOutRegistry.unregister(b);
    movedOutCount--;
    movedOutBytes -= b.length * 4;
  }
  release(b, by);
}

function release(b: Block, by: FreedBy): void {
  b.freedBy = by;
  if (b.ptr >= 0) removeResident(b);
  b.movedOut = null;
}

function moveIn(storage: Storage): void {
  const b = storage.block;
  const ptr = allocBlock(b.length * 4);
  heap.f32(ptr, b.length).set(b.movedOut!);
  movedOutRegistry.unregister(b);
  b.movedOut = null;
  movedOutCount--;
  movedOutBytes -= b.length * 4;
  addResident(b, ptr);
  registry.register(storage, b, b);
  counters.storagesMovedIn++;
  counters.bytesMovedIn += b.length * 4;
}

/**
 * Moves the floats out to JavaScript memory and frees the block. Only the
 * storage reaches the copy (the registry lets go of the block), so the
 * collector frees it with the tensor.
 */
function moveOut(b: Block): void {
  const copy = heap.f32(b.ptr, b.length).slice();
  b.movedOut = copy;
  registry.unregister(b);
  movedOutRegistry.register(copy, b.length * 4, b);
  removeResident(b);
  movedOutCount++;
  movedOutBytes += b.length * 4;
  counters.storagesMovedOut++;
  counters.bytesMovedOut += b.length * 4;
}

/** Moves out every resident storage last used at or before `mark` and not among the `recent` last uses. */
function moveOutUnusedSince(mark: number, recent = RECENT_USES): number {
  const keepFrom = Math.min(mark, useClock - recent);
  let bytes = 0;
  for (let i = resident.length - 1; i >= 0; i--) {
    const b = resident[i];
    if (b.lastUse <= keepFrom) {
      bytes += b.length * 4;
      moveOut(b);
    }
  }
  return bytes;
}

/**
 * A heap block of `bytes`, making room when no free block fits:
 *   1. move out what was not used since the previous reclaim, then what was
 *      not used in the later half of that window, and so on, until a quarter
 *      of the memory is free or only the most recent uses are left;
 *   2. grow when less than a quarter would still be free (or the block
 *      does not fit): at least doubling, so reclaims stay rare;
 *   3. at the limit: move out everything but the last 64 uses, then 16,
 *      then 4 (an op's operands are among its last few uses);
 *   4. otherwise out of memory: what is in use really does not fit.
 */
export function allocBlock(bytes: number): number {
  let ptr = heap.tryAlloc(bytes);
  if (ptr >= 0) return ptr;
  if (!(bytes >= 0 && bytes <= MAX_MEMORY_BYTES)) throw outOfMemory(bytes);
  const size = heap.blockSize(bytes);

  // Tier 1, then halve the window of what counts as recently used until a
  // quarter of the memory is free: garbage made just before a phase change
  // counts as recent at first. Not when tensors moved out last time came
  // back in since (more than an eighth of the memory): the window is then
  // already shorter than a step of the loop, and the loop needs more memory.
  let cutoff = lastReclaimMark;
  let moved = moveOutUnusedSince(cutoff);
  const tooFull = () => heap.capacity - heap.usedBytes - size < heap.capacity / 4;
  const thrashing = counters.bytesMovedIn - movedInAtLastReclaim > heap.capacity / 8;
  while (!thrashing && tooFull() && useClock - cutoff > RECENT_USES) {
    cutoff += Math.ceil((useClock - cutoff) / 2);
    moved += moveOutUnusedSince(cutoff);
  }
  lastReclaimMark = useClock;
  movedInAtLastReclaim = counters.bytesMovedIn;
  counters.reclaims++;
  if (moved > 0) noteReclaim(moved);

  // Grow when what was used lately still fills more than three quarters.
  if (tooFull()) heap.grow(bytes);
  ptr = heap.tryAlloc(bytes);
  if (ptr >= 0) return ptr;

  if (heap.grow(bytes, false)) {
    ptr = heap.tryAlloc(bytes);
    if (ptr >= 0) return ptr;
  }
  for (const recent of [RECENT_USES, 16, 4]) {
    moveOutUnusedSince(useClock, recent);
    ptr = heap.tryAlloc(bytes);
    if (ptr >= 0) return ptr;
  }
  throw outOfMemory(bytes);
}

function outOfMemory(bytes: number): RangeError {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
  const limit = heap.capacity + heap.growable;
  return new RangeError(
    `neurenix: out of memory: ${Number.isFinite(bytes) ? mb(bytes) : String(bytes)} more do not fit: tensors in use hold ` +
      `${mb(residentBytes)} of the ${mb(limit)} that WebAssembly memory can hold here (wasm32 stops at 4 GiB), ` +
      `and ${mb(movedOutBytes)} more were moved out to JavaScript memory. Free tensors you no longer need ` +
      `(t.dispose(), or nx.tidy(() => …) around each step), or use smaller batches or tensors.`,
  );
}

// ---- the one-time warning -------------------------------------------------

let warnings = true;
let warned = false;
/** true from a reclaim until the next task runs (a timer marks the end of the job). */
let reclaimedInThisJob = false;

/**
 * Warns once per process when two reclaims that moved tensors out happen
 * inside one synchronous job: a loop that never yields, whose dropped
 * tensors are copied out because nothing else can free them.
 */
function noteReclaim(bytes: number): void {
  if (reclaimedInThisJob && warnings && !warned) {
    warned = true;
    console.warn(
      `neurenix: a synchronous loop keeps dropping tensors without freeing them; to keep memory bounded, neurenix ` +
        `moves tensors not used lately out of WebAssembly memory (${(counters.bytesMovedOut / 2 ** 20).toFixed(1)} MB so far, ` +
        `${(bytes / 2 ** 20).toFixed(1)} MB just now), a copy per dropped tensor. To avoid the copies, wrap each step ` +
        `in nx.tidy(() => { … }), or await between steps so the garbage collector can free them ` +
        `(e.g. await new Promise((r) => setTimeout(r))). Silence this with nx.configureMemory({ warnings: false }).`,
    );
  }
  if (!reclaimedInThisJob && typeof setTimeout === "function") {
    reclaimedInThisJob = true;
    setTimeout(() => {
      reclaimedInThisJob = false;
    }, 0);
  }
}

/** Options of `nx.configureMemory`. */
export interface MemoryOptions {
  /** The one-time console warning about reclaiming inside a synchronous loop (default true). */
  warnings?: boolean;
}

/**
 * Sets memory options (see MemoryOptions).
 * @example
 * ```ts
 * nx.configureMemory({ warnings: false }); // no console.warn about synchronous loops
 * ```
 */
export function configureMemory(opts: MemoryOptions): void {
  const o = checkOptions(opts, ["warnings"], "configureMemory");
  if (o.warnings !== undefined) warnings = checkBoolean(o.warnings, "configureMemory: warnings");
}

// ---- figures ----------------------------------------------------------------

/** What `nx.memory()` reports. */
export interface MemoryInfo {
  /** Tensor storages alive (a reshape or detach shares its source's): resident plus moved out. */
  numTensors: number;
  /** Bytes of their floats. */
  numBytes: number;
  /** Size of the WebAssembly memory (it never shrinks). */
  wasmBytes: number;
  /** Storages resident in the wasm memory. */
  residentTensors: number;
  /** Bytes of their floats. */
  residentBytes: number;
  /** Storages moved out to JavaScript memory and not yet collected (counted down between tasks). */
  movedOutTensors: number;
  /** Bytes of their floats. */
  movedOutBytes: number;
  /** Times an allocation found no free block and made room. */
  reclaims: number;
  /** Storages moved out since the start. */
  storagesMovedOut: number;
  /** Bytes moved out since the start. */
  bytesMovedOut: number;
  /** Storages moved back in since the start (used again after being moved out). */
  storagesMovedIn: number;
  /** Bytes moved back in since the start. */
  bytesMovedIn: number;
  /** The allocator: bytes in blocks (headers included). */
  heapUsedBytes: number;
  /** The allocator: free bytes. */
  heapFreeBytes: number;
  /** The largest tensor (in bytes) that fits now without making room. */
  largestFreeBlock: number;
}

/**
 * Figures of the memory manager (PyTorch has no equivalent; TensorFlow.js's `tf.memory()` inspired it).
 * @example
 * ```ts
 * const { numTensors, wasmBytes } = nx.memory();
 * ```
 */
export function memory(): MemoryInfo {
  const h = heap.stats();
  return {
    numTensors: resident.length + movedOutCount,
    numBytes: residentBytes + movedOutBytes,
    wasmBytes: heap.memory.buffer.byteLength,
    residentTensors: resident.length,
    residentBytes,
    movedOutTensors: movedOutCount,
    movedOutBytes,
    ...counters,
    heapUsedBytes: h.usedBytes,
    heapFreeBytes: h.freeBytes,
    largestFreeBlock: h.largestFree,
  };
}

/**
 * Test-only: caps the memory tensors may use at `bytes` (null lifts it), to
 * exercise reclaims and out-of-memory paths without gigabytes.
 */
export function setMemoryLimitForTests(bytes: number | null): void {
  heap.setLimit(bytes);
}
