/**
 * Tensor: float32, row-major, contiguous, stored in the wasm heap.
 *
 * `t.data` is a zero-copy Float32Array view of the tensor's storage. Views
 * detach when the wasm memory grows, so the getter re-takes the view when the
 * heap's generation changed: always read `t.data` again rather than keeping
 * an old view across tensor operations.
 *
 * Storage is freed by `dispose()` at once, or by a FinalizationRegistry once
 * no tensor refers to it (FinalizationRegistry callbacks run between
 * event-loop tasks: a long synchronous loop holds its garbage until it yields).
 * `reshape` and `detach` share storage with their source; disposing the
 * tensor that allocated a storage frees it for every tensor that shares it.
 */
import { checkTensor, describe, setTensorCheck } from "./errors";
import { formatShape, sameShape, sizeOf, type Shape } from "./shape";
import { heap } from "./wasm/memory";
import { kernelsNow } from "./backend/select";
import { needsGrad, runBackward, trackScratch, type BackwardFn, type Node } from "./autograd/graph";
import * as unary from "./ops/unary";
import * as binary from "./ops/binary";
import * as reduce from "./ops/reduce";
import * as shapeOps from "./ops/shape_ops";
import * as softmaxOps from "./ops/softmax";
import { matmul } from "./ops/matmul";

/** Nested arrays of numbers, as accepted by `new Tensor(...)` and returned by `toArray()`. */
export type NestedArray = number | NestedArray[];
export type TensorData = number | NestedArray[] | Float32Array | ArrayLike<number>;
export interface TensorOptions {
  shape?: readonly number[];
  requiresGrad?: boolean;
}

/**
 * The wasm heap is invisible to the JS garbage collector: by itself it would
 * let dropped tensors pile up for hundreds of megabytes before a collection
 * notices their small JS objects. So a storage of BALLAST_MIN_BYTES or more
 * carries an ArrayBuffer that is never written, as large as the storage up to
 * BALLAST_CAP_BYTES: the engine counts it as external memory and collects
 * sooner. Creating an ArrayBuffer costs ~3 µs (and zeroing grows with its
 * size), hence the floor, which spares small tensors (scalars, 64×10
 * logits), and the cap.
 */
const BALLAST_MIN_BYTES = 4096;
const BALLAST_CAP_BYTES = 65536;

/** A block of the wasm heap; shared by a tensor and its reshapes/detaches. */
class Storage {
  freed = false;
  ballast: ArrayBuffer | null;
  constructor(
    readonly ptr: number,
    readonly length: number,
  ) {
    this.ballast = length * 4 >= BALLAST_MIN_BYTES ? new ArrayBuffer(Math.min(length * 4, BALLAST_CAP_BYTES)) : null;
  }
}

const registry = new FinalizationRegistry<number>((ptr) => heap.free(ptr));

function allocStorage(length: number): Storage {
  const storage = new Storage(heap.alloc(length * 4), length);
  registry.register(storage, storage.ptr, storage);
  return storage;
}

const INTERNAL = Symbol("internal");
interface InternalInit {
  storage: Storage;
  shape: readonly number[];
  owner: boolean;
}

/** Infers the shape of nested arrays and flattens them; RangeError when ragged. */
function flattenNested(data: NestedArray[]): { shape: number[]; flat: number[] } {
  const shape: number[] = [];
  for (let level: unknown = data; Array.isArray(level); level = level[0]) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const flat: number[] = [];
  const walk = (node: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof node !== "number") {
        throw new TypeError(`Tensor: element ${path} must be a number, got ${describe(node)}`);
      }
      flat.push(node);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(
        `Tensor: nested arrays are ragged: element ${path} should be an array of length ${shape[depth]}, got ${
          Array.isArray(node) ? `length ${node.length}` : describe(node)
        }`,
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(data, 0, "");
  return { shape, flat };
}

function checkShape(shape: unknown, what: string): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${what}: shape must be an array of integers, got ${describe(shape)}`);
  for (const d of shape) {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new RangeError(`${what}: shape ${formatShape(shape)} must hold non-negative integers`);
    }
  }
  return shape.slice();
}

export class Tensor {
  /** The tensor's dimensions (row-major). */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** The node that made this tensor (null for leaves), for autograd. */
  gradFn: Node | null = null;

  private storage: Storage;
  private readonly owner: boolean;
  private view: Float32Array | null = null;
  private viewGeneration = -1;
  private gradValue: Tensor | null = null;
  private leafRequiresGrad = false;
  private disposed = false;

  constructor(data: TensorData, opts?: TensorOptions);
  constructor(data: TensorData | typeof INTERNAL, opts?: TensorOptions | InternalInit) {
    if (data === INTERNAL) {
      const init = opts as InternalInit;
      this.storage = init.storage;
      this.shape = init.shape;
      this.size = sizeOf(init.shape);
      this.owner = init.owner;
      trackScratch(this);
      return;
    }
    const options = (opts ?? {}) as TensorOptions;
    if (typeof options !== "object") throw new TypeError(`Tensor: options must be an object, got ${describe(opts)}`);
    let values: ArrayLike<number>;
    let shape: number[];
    if (typeof data === "number") {
      values = [data];
      shape = [];
    } else if (Array.isArray(data)) {
      const nested = flattenNested(data as NestedArray[]);
      values = nested.flat;
      shape = nested.shape;
    } else if (data instanceof Float32Array || (data != null && typeof (data as ArrayLike<number>).length === "number")) {
      values = data as ArrayLike<number>;
      shape = [values.length];
    } else {
      throw new TypeError(`Tensor: data must be a number, nested number arrays or a typed array, got ${describe(data)}`);
    }
    if (options.shape !== undefined) {
      const given = checkShape(options.shape, "Tensor");
      if (sizeOf(given) !== values.length) {
        throw new RangeError(
          `Tensor: shape ${formatShape(given)} holds ${sizeOf(given)} elements but the data has ${values.length}`,
        );
      }
      shape = given;
    }
    this.shape = Object.freeze(shape);
    this.size = values.length;
    this.owner = true;
    this.storage = allocStorage(this.size);
    const view = this.data;
    if (ArrayBuffer.isView(values)) {
      view.set(values); // typed arrays hold numbers only: one bulk copy
    } else {
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (typeof v !== "number") throw new TypeError(`Tensor: element ${i} must be a number, got ${describe(v)}`);
        view[i] = v;
      }
    }
    if (options.requiresGrad) this.requiresGrad = true;
  }

  /** A new uninitialised tensor (internal: every kernel writes all of its output). */
  static empty(shape: readonly number[]): Tensor {
    const frozen = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    return new Tensor(INTERNAL as never, { storage: allocStorage(sizeOf(frozen)), shape: frozen, owner: true } as never);
  }

  /** A tensor sharing this one's storage with another shape (same size). */
  withShape(shape: readonly number[]): Tensor {
    this.checkLive();
    return new Tensor(INTERNAL as never, {
      storage: this.storage,
      shape: Object.freeze(shape.slice()),
      owner: false,
    } as never);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Zero-copy view of the storage; re-taken after the wasm memory grew. */
  get data(): Float32Array {
    if (this.disposed || this.storage.freed) this.checkLive();
    if (this.viewGeneration !== heap.generation || this.view === null) {
      this.view = heap.f32(this.storage.ptr, this.size);
      this.viewGeneration = heap.generation;
    }
    return this.view;
  }

  /** Whether this tensor allocated its storage (reshapes and detaches share it). */
  get ownsStorage(): boolean {
    return this.owner;
  }

  get isDisposed(): boolean {
    return this.disposed || this.storage.freed;
  }

  /** Whether gradients flow to (leaf) or through (non-leaf) this tensor. */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }

  set requiresGrad(value: boolean) {
    if (typeof value !== "boolean") throw new TypeError(`requiresGrad must be a boolean, got ${describe(value)}`);
    if (this.gradFn !== null) {
      throw new RangeError(
        "requiresGrad can only be changed on leaf tensors; use detach() to get a tensor outside the graph",
      );
    }
    this.leafRequiresGrad = value;
  }

  /** Accumulated gradient (leaves only); set to null to clear. */
  get grad(): Tensor | null {
    return this.gradValue;
  }

  set grad(value: Tensor | null) {
    if (value !== null) {
      checkTensor(value, "grad");
      if (!sameShape(value.shape, this.shape)) {
        throw new RangeError(`grad: shape ${formatShape(value.shape)} does not match the tensor's ${formatShape(this.shape)}`);
      }
    }
    this.gradValue = value;
  }

  /** Whether this tensor was made by the user rather than recorded by an op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) {
      throw new RangeError(
        `item: only one-element tensors can be converted to a number; this one has shape ${formatShape(this.shape)}`,
      );
    }
    return this.data[0];
  }

  /** A number (0-d tensors) or nested arrays of numbers, copied out of the heap. */
  toArray(): NestedArray {
    const data = this.data;
    if (this.shape.length === 0) return data[0];
    const build = (dim: number, offset: number): NestedArray[] => {
      const n = this.shape[dim];
      const out = new Array<NestedArray>(n);
      if (dim === this.shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = data[offset + i];
      } else {
        const stride = sizeOf(this.shape.slice(dim + 1));
        for (let i = 0; i < n; i++) out[i] = build(dim + 1, offset + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /**
   * Back-propagates from this tensor: fills `.grad` of every leaf that
   * requires grad. `grad` defaults to 1 for a one-element tensor.
   */
  backward(grad?: Tensor): void {
    this.checkLive();
    if (!this.requiresGrad) {
      throw new RangeError("backward: this tensor does not require grad and has no recorded graph (did an input have requiresGrad: true?)");
    }
    let seed: Tensor;
    if (grad === undefined) {
      if (this.size !== 1) {
        throw new RangeError(
          `backward: a gradient can be implied only for one-element outputs; this one has shape ${formatShape(this.shape)}: pass grad`,
        );
      }
      seed = Tensor.empty(this.shape);
      seed.data[0] = 1;
    } else {
      checkTensor(grad, "backward: grad");
      if (!sameShape(grad.shape, this.shape)) {
        throw new RangeError(`backward: grad has shape ${formatShape(grad.shape)}, expected ${formatShape(this.shape)}`);
      }
      seed = grad;
    }
    runBackward(this, seed, accumulateGrad, (a, b) => a.add(b));
    if (grad === undefined) seed.dispose();
  }

  /** A tensor sharing this one's storage, cut from the graph (requiresGrad false). */
  detach(): Tensor {
    return this.withShape(this.shape);
  }

  /** A copy in new storage, recorded in the graph (gradient flows back unchanged). */
  clone(): Tensor {
    return shapeOps.clone(this);
  }

  /**
   * Frees the storage at once (if this tensor allocated it). Using the tensor,
   * or any tensor sharing its storage, afterwards throws.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.view = null;
    if (this.owner && !this.storage.freed) {
      this.storage.freed = true;
      this.storage.ballast = null;
      registry.unregister(this.storage);
      heap.free(this.storage.ptr);
    }
  }

  // ---- element-wise -------------------------------------------------------
  add(other: Tensor | number): Tensor {
    return binary.add(this, other);
  }
  sub(other: Tensor | number): Tensor {
    return binary.sub(this, other);
  }
  mul(other: Tensor | number): Tensor {
    return binary.mul(this, other);
  }
  div(other: Tensor | number): Tensor {
    return binary.div(this, other);
  }
  pow(exponent: number): Tensor {
    return unary.pow(this, exponent);
  }
  neg(): Tensor {
    return unary.neg(this);
  }
  abs(): Tensor {
    return unary.abs(this);
  }
  exp(): Tensor {
    return unary.exp(this);
  }
  log(): Tensor {
    return unary.log(this);
  }
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  relu(): Tensor {
    return unary.relu(this);
  }
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  tanh(): Tensor {
    return unary.tanh(this);
  }

  // ---- reductions ---------------------------------------------------------
  /** Sum over `dim` (all elements when omitted). */
  sum(dim?: number, keepdim = false): Tensor {
    return reduce.sum(this, dim, keepdim);
  }
  /** Mean over `dim` (all elements when omitted). */
  mean(dim?: number, keepdim = false): Tensor {
    return reduce.mean(this, dim, keepdim);
  }
  /**
   * Maximum over `dim` (all elements when omitted). Returns the values only
   * (PyTorch's `max(dim)` also returns indices: use `argmax`). The gradient
   * is shared evenly among tied maxima (PyTorch's `amax` rule).
   */
  max(dim?: number, keepdim = false): Tensor {
    return reduce.max(this, dim, keepdim);
  }
  /** Indices of the maxima along `dim` (first one on ties), as float values; not differentiable. */
  argmax(dim?: number, keepdim = false): Tensor {
    return reduce.argmax(this, dim, keepdim);
  }

  // ---- linear algebra, shapes, softmax ------------------------------------
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }
  /** Same elements, new shape; one dimension may be -1. Shares storage. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    const dims = (Array.isArray(shape[0]) ? shape[0] : shape) as number[];
    return shapeOps.reshape(this, dims);
  }
  /** Swaps two dimensions (the last two by default), copying. */
  transpose(dim0 = -2, dim1 = -1): Tensor {
    return shapeOps.transpose(this, dim0, dim1);
  }
  logSoftmax(dim: number): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }
  softmax(dim: number): Tensor {
    return softmaxOps.softmax(this, dim);
  }

  // ---- printing -----------------------------------------------------------
  toString(): string {
    if (this.isDisposed) return `Tensor(shape=${formatShape(this.shape)}, disposed)`;
    const parts = [`shape=${formatShape(this.shape)}`];
    if (this.gradFn !== null) parts.push(`op=${this.gradFn.op}`);
    if (this.requiresGrad) parts.push("requiresGrad=true");
    return `Tensor(${parts.join(", ")}) ${formatValues(this)}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  private checkLive(): void {
    if (this.disposed || this.storage.freed) {
      throw new RangeError(`Tensor of shape ${formatShape(this.shape)} was disposed and cannot be used`);
    }
  }
}

setTensorCheck((t) => t instanceof Tensor);

function formatValues(t: Tensor): string {
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(4).replace(/\.?0+(e|$)/, "$1"));
  if (t.size > 64) {
    const d = t.data;
    const head = Array.from(d.subarray(0, 3), fmt).join(", ");
    const tail = Array.from(d.subarray(t.size - 3), fmt).join(", ");
    return `[${head}, …, ${tail}]`;
  }
  const walk = (v: NestedArray): string => (Array.isArray(v) ? `[${v.map(walk).join(", ")}]` : fmt(v));
  return walk(t.toArray());
}

/**
 * leaf.grad += g. A first gradient is copied, unless the engine says g is
 * adoptable and g owns its storage (a view would share it): then g itself
 * becomes `.grad` and `true` is returned.
 */
function accumulateGrad(leaf: Tensor, g: Tensor, adoptable: boolean): boolean {
  const existing = leaf.grad;
  if (existing !== null && !existing.isDisposed) {
    kernelsNow().addInPlace(existing.data, g.data);
    return false;
  }
  if (adoptable && g.ownsStorage && sameShape(g.shape, leaf.shape)) {
    leaf.grad = g;
    return true;
  }
  const copy = Tensor.empty(leaf.shape);
  copy.data.set(g.data);
  leaf.grad = copy;
  return false;
}

/** Records `op` on `out` when an input requires grad; returns `out`. */
export function record(out: Tensor, op: string, inputs: Tensor[], backward: BackwardFn): Tensor {
  if (needsGrad(...inputs)) out.gradFn = { op, inputs, backward };
  return out;
}

export { Shape };
