/**
 * Tensor: float32, row-major, contiguous, stored in the wasm heap.
 *
 * `t.data` is a zero-copy Float32Array view of the tensor's storage, valid
 * until the next call into neurenix that may allocate: read `t.data` again
 * after such calls rather than keeping a view (see ts/memory/storage.ts:
 * storages not used lately may move, and a growing memory detaches views).
 *
 * Memory takes care of itself (ts/memory/): `dispose()` and `nx.tidy()` free
 * at once; otherwise the garbage collector frees dropped tensors between
 * tasks, and inside a synchronous loop the memory manager moves tensors not
 * used lately out of wasm memory. `reshape` and `detach` share storage with
 * their source; disposing the tensor that allocated a storage frees it for
 * every tensor that shares it.
 */
import { checkTensor, describe, setTensorHooks } from "./errors";
import { checkElementCount, checkShape, formatShape, sameShape, sizeOf, type Shape } from "./shape";
import { checkBoolean, checkOptions, pythonNames } from "./options";
import { allocStorage, freedBy, freeStorage, outsideHeap, touch, viewOf, type FreedBy, type Storage } from "./memory/storage";
import { track, untracked } from "./memory/scope";
import { kernelsNow } from "./backend/select";
import { needsGrad, runBackward, type BackwardFn, type Node } from "./autograd/graph";
import * as unary from "./ops/unary";
import * as binary from "./ops/binary";
import * as reduce from "./ops/reduce";
import * as shapeOps from "./ops/shape_ops";
import * as softmaxOps from "./ops/softmax";
import { matmul } from "./ops/matmul";
import * as selectOps from "./ops/select_ops";
import * as indexOps from "./ops/index_ops";
import { norm } from "./ops/norm";

// `using t = …` looks up Symbol.dispose; runtimes without it (older
// browsers) get the registered symbol TypeScript's downlevel helper also
// looks for. Node ≥ 18.18, Deno and current browsers have their own.
(Symbol as { dispose?: symbol }).dispose ??= Symbol.for("Symbol.dispose");

/** Nested arrays of numbers, as accepted by `new Tensor(...)` and returned by `toArray()`. */
export type NestedArray = number | NestedArray[];
export type TensorData = number | NestedArray[] | Float32Array | ArrayLike<number>;
export interface TensorOptions {
  /** The shape; its sizes must multiply to the number of values (default: inferred from nested arrays, or 1-D). */
  shape?: readonly number[];
  /** Record operations on this tensor so that `backward()` fills its `.grad` (default false). */
  requiresGrad?: boolean;
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

/**
 * A float32 tensor, row-major and contiguous, living in WebAssembly memory,
 * with reverse-mode autograd (PyTorch's `torch.Tensor`, float32 only).
 *
 * @example
 * ```ts
 * const x = new nx.Tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();   // 30
 * y.backward();
 * x.grad!.toArray();          // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor {
  /** The tensor's dimensions (row-major). */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  /** @internal The node that made this tensor (null for leaves), for autograd. */
  gradFn: Node | null = null;

  /** @internal The floats (shared by reshapes and detaches). */
  readonly storage: Storage;
  /**
   * @internal Never freed by a scope (nx.tidy, backward's): module
   * parameters, optimizer state, leaf gradients, nx.keep.
   */
  pinned = false;
  /** @internal The memory scope recording this tensor (ts/memory/scope.ts), if any. */
  scope: object | null = null;
  private readonly owner: boolean;
  private gradValue: Tensor | null = null;
  private leafRequiresGrad = false;
  private disposedBy: FreedBy | null = null;
  /** A gradient the library made and user code has not seen through `.grad`: the library may free or replace it. */
  private gradPrivate = false;
  /**
   * zeroGrad dropped a private gradient: `.grad` reads as zeros (made when
   * read), and the next backward takes the new gradient as it is.
   */
  private gradZeroImplied = false;

  constructor(data: TensorData, opts?: TensorOptions);
  constructor(data: TensorData | typeof INTERNAL, opts?: TensorOptions | InternalInit) {
    if (data === INTERNAL) {
      const init = opts as InternalInit;
      this.storage = init.storage;
      this.shape = init.shape;
      this.size = sizeOf(init.shape);
      this.owner = init.owner;
      track(this);
      return;
    }
    if (Array.isArray(opts)) {
      throw new TypeError(`Tensor: the second argument is the options; pass the shape as { shape: ${formatShape(opts)} }`);
    }
    const options = checkOptions(opts, ["shape", "requiresGrad"], "Tensor") as TensorOptions;
    if (options.requiresGrad !== undefined) checkBoolean(options.requiresGrad, "Tensor: requiresGrad");
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      throw new TypeError(`Tensor: data must hold numbers, got ${describe(data)}; convert it, e.g. Float32Array.from(data, Number)`);
    }
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
    values = outsideHeap(values);
    this.storage = allocStorage(this.size);
    track(this);
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

  /** @internal A new uninitialised tensor (every kernel writes all of its output). */
  static empty(shape: readonly number[]): Tensor {
    checkElementCount(shape, "neurenix"); // e.g. a broadcast of [1e5, 1] with [1, 1e5]
    const frozen = Object.isFrozen(shape) ? shape : Object.freeze(shape.slice());
    return new Tensor(INTERNAL as never, { storage: allocStorage(sizeOf(frozen)), shape: frozen, owner: true } as never);
  }

  /** @internal A tensor sharing this one's storage with another shape (same size). */
  withShape(shape: readonly number[]): Tensor {
    this.checkLive();
    return new Tensor(INTERNAL as never, {
      storage: this.storage,
      shape: Object.freeze(shape.slice()),
      owner: false,
    } as never);
  }

  /** Number of dimensions (0 for a scalar). */
  get ndim(): number {
    return this.shape.length;
  }

  /**
   * Zero-copy view of the storage, valid until the next call into neurenix
   * that may allocate (read it again after ops or new tensors).
   */
  get data(): Float32Array {
    if (this.disposedBy !== null || freedBy(this.storage) !== null) this.checkLive();
    return viewOf(this.storage);
  }

  /** @internal Whether this tensor allocated its storage (reshapes and detaches share it). */
  get ownsStorage(): boolean {
    return this.owner;
  }

  /** Whether this tensor (or the tensor it shares storage with) was freed by dispose(), nx.tidy() or `using`. */
  get isDisposed(): boolean {
    return this.disposedBy !== null || freedBy(this.storage) !== null;
  }

  /** Whether gradients flow to (leaf) or through (non-leaf) this tensor. */
  get requiresGrad(): boolean {
    return this.leafRequiresGrad || this.gradFn !== null;
  }

  /** Makes a leaf record operations for autograd (or stop); a RangeError on non-leaves, as in PyTorch. */
  set requiresGrad(value: boolean) {
    if (typeof value !== "boolean") throw new TypeError(`requiresGrad must be a boolean, got ${describe(value)}`);
    if (this.gradFn !== null) {
      throw new RangeError(
        "requiresGrad can only be changed on leaf tensors; use detach() to get a tensor outside the graph",
      );
    }
    this.leafRequiresGrad = value;
  }

  /**
   * Accumulated gradient (leaves only); set to null to clear. A gradient
   * the library made and user code never read is freed at once when it is
   * cleared or replaced (so `x.grad = null` in a loop reuses its memory).
   */
  get grad(): Tensor | null {
    const g = this.peekGrad();
    if (g !== null) g.gradPrivate = false;
    return g;
  }

  /** Replaces or clears (`null`) the gradient; a tensor of another shape is a RangeError. */
  set grad(value: Tensor | null) {
    if (value !== null) {
      checkTensor(value, "grad");
      if (!sameShape(value.shape, this.shape)) {
        throw new RangeError(`grad: shape ${formatShape(value.shape)} does not match the tensor's ${formatShape(this.shape)}`);
      }
    }
    this.replaceGrad(value);
  }

  /** @internal The gradient as library code reads it (does not count as showing it to user code). */
  peekGrad(): Tensor | null {
    if (this.gradZeroImplied) {
      const zero = untracked(() => Tensor.empty(this.shape));
      zero.data.fill(0);
      zero.markPrivateGrad();
      this.gradValue = zero;
      this.gradZeroImplied = false;
    }
    return this.gradValue;
  }

  /** @internal What backward accumulates into: null when there is none, or zeroGrad dropped it. */
  gradToAccumulate(): Tensor | null {
    this.gradZeroImplied = false;
    const g = this.gradValue;
    return g === null || g.isDisposed ? null : g;
  }

  /**
   * @internal zeroGrad: a private gradient is dropped, and reads as zeros
   * until backward writes the next one (so backward takes the new gradient
   * without a pass over zeros); one user code has seen is zeroed in place,
   * as PyTorch does.
   */
  zeroGrad(setToNone: boolean): void {
    const g = this.gradValue;
    if (g === null) return;
    if (setToNone || g.isDisposed) this.replaceGrad(null);
    else if (g.gradPrivate) {
      this.replaceGrad(null);
      this.gradZeroImplied = true;
    } else g.data.fill(0);
  }

  /** @internal Marks a gradient made by the backward pass: pinned, and private until read through `.grad`. */
  markPrivateGrad(): void {
    this.pinned = true;
    this.gradPrivate = true;
  }

  private replaceGrad(value: Tensor | null): void {
    this.gradZeroImplied = false;
    const old = this.gradValue;
    if (old !== null && old !== value && old.gradPrivate) old.free("the autograd engine");
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
      // A scalar loss (the usual case) takes the shared, pinned 1: no allocation.
      if (this.shape.length === 0) seed = shapeOps.scalarOne();
      else {
        seed = Tensor.empty(this.shape);
        seed.data[0] = 1;
      }
    } else {
      checkTensor(grad, "backward: grad");
      if (!sameShape(grad.shape, this.shape)) {
        throw new RangeError(`backward: grad has shape ${formatShape(grad.shape)}, expected ${formatShape(this.shape)}`);
      }
      seed = grad;
    }
    runBackward(this, seed, accumulateGrad, (a, b) => a.add(b));
    if (grad === undefined && this.shape.length !== 0) seed.dispose();
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
   * or any tensor sharing its storage, afterwards throws an error saying so.
   */
  dispose(): void {
    this.free("dispose()");
  }

  /** Same as dispose(), for `using t = …` (TypeScript 5.2+, Node 24, Deno). */
  [Symbol.dispose](): void {
    this.free("Symbol.dispose (using)");
  }

  /** @internal Frees as dispose() does, recording what freed it for later errors. */
  free(by: FreedBy): void {
    if (this.disposedBy !== null) return;
    this.disposedBy = by;
    if (this.owner) freeStorage(this.storage, by);
  }

  // ---- element-wise -------------------------------------------------------
  /** this + other, with NumPy broadcasting. */
  add(other: Tensor | number): Tensor {
    return binary.add(this, other);
  }
  /** this − other, with NumPy broadcasting. */
  sub(other: Tensor | number): Tensor {
    return binary.sub(this, other);
  }
  /** this · other (element-wise), with NumPy broadcasting. */
  mul(other: Tensor | number): Tensor {
    return binary.mul(this, other);
  }
  /** this / other (element-wise), with NumPy broadcasting. */
  div(other: Tensor | number): Tensor {
    return binary.div(this, other);
  }
  /** this ** exponent, element-wise (`x ** 2` in Python is `x.pow(2)`). */
  pow(exponent: number): Tensor {
    return unary.pow(this, exponent);
  }
  /** −this, element-wise. */
  neg(): Tensor {
    return unary.neg(this);
  }
  /** |this|, element-wise (gradient 0 at 0, as PyTorch). */
  abs(): Tensor {
    return unary.abs(this);
  }
  /** e^this, element-wise. */
  exp(): Tensor {
    return unary.exp(this);
  }
  /** Natural logarithm, element-wise. */
  log(): Tensor {
    return unary.log(this);
  }
  /** Square root, element-wise. */
  sqrt(): Tensor {
    return unary.sqrt(this);
  }
  /** max(this, 0), element-wise. */
  relu(): Tensor {
    return unary.relu(this);
  }
  /** 1 / (1 + e^−this), element-wise. */
  sigmoid(): Tensor {
    return unary.sigmoid(this);
  }
  /** Hyperbolic tangent, element-wise. */
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
  /** Matrix product with PyTorch's rules (1-D operands promoted, batch dimensions broadcast). */
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
  /** log(softmax(this, dim)), computed stably (max-shifted). */
  logSoftmax(dim: number): Tensor {
    return softmaxOps.logSoftmax(this, dim);
  }
  /** e^x / Σ e^x along `dim`, computed stably (max-shifted). */
  softmax(dim: number): Tensor {
    return softmaxOps.softmax(this, dim);
  }

  // ---- for custom losses (ts/ops/select_ops.ts, index_ops.ts, norm.ts) ----
  /** min(max(x, min), max); either bound may be null or omitted. */
  clamp(min?: number | null, max?: number | null): Tensor {
    return selectOps.clamp(this, min, max);
  }
  /** Element-wise minimum with broadcasting (torch.minimum); ties share the gradient. */
  minimum(other: Tensor | number): Tensor {
    return selectOps.minimum(this, other);
  }
  /** Element-wise maximum with broadcasting (torch.maximum); ties share the gradient. */
  maximum(other: Tensor | number): Tensor {
    return selectOps.maximum(this, other);
  }
  /** log(1 + e^(βx))/β, linear above `threshold` (PyTorch's softplus). */
  softplus(beta = 1, threshold = 20): Tensor {
    return selectOps.softplus(this, beta, threshold);
  }
  /** log σ(x), stable for any finite x. */
  logSigmoid(): Tensor {
    return selectOps.logSigmoid(this);
  }
  /** The p-norm (2 by default; Infinity allowed) over `dim` or everything. */
  norm(p = 2, dim?: number, keepdim = false): Tensor {
    return norm(this, p, dim, keepdim);
  }
  /** Values picked along `dim` by `index` (torch.gather). */
  gather(dim: number, index: Tensor): Tensor {
    return indexOps.gather(this, dim, index);
  }
  /** Without size-1 dimension `dim` (all of them when omitted). Shares storage. */
  squeeze(dim?: number): Tensor {
    return indexOps.squeeze(this, dim);
  }
  /** With a size-1 dimension inserted at `dim`. Shares storage. */
  unsqueeze(dim: number): Tensor {
    return indexOps.unsqueeze(this, dim);
  }
  /** `length` elements from `start` along `dim` (torch.narrow), copied. */
  narrow(dim: number, start: number, length: number): Tensor {
    return indexOps.narrow(this, dim, start, length);
  }
  /** x[..., start:end] along `dim`, Python's rules for negative and out-of-range bounds; copied. */
  slice(dim: number, start?: number, end?: number): Tensor {
    return indexOps.slice(this, dim, start, end);
  }

  // ---- printing -----------------------------------------------------------
  /** `Tensor(shape=[2, 3], op=mul, requiresGrad=true) [[…]]`: shape, the op that made it, and (a few of) its values. */
  toString(): string {
    if (this.isDisposed) return `Tensor(shape=${formatShape(this.shape)}, freed by ${this.disposedBy ?? freedBy(this.storage)})`;
    const parts = [`shape=${formatShape(this.shape)}`];
    if (this.gradFn !== null) parts.push(`op=${this.gradFn.op}`);
    if (this.requiresGrad) parts.push("requiresGrad=true");
    return `Tensor(${parts.join(", ")}) ${formatValues(this)}`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  /** @internal Throws if freed (naming what freed it); counts a use and makes the floats resident. */
  prepare(what = "Tensor"): void {
    if (this.disposedBy !== null || freedBy(this.storage) !== null) this.checkLive(what);
    touch(this.storage);
  }

  private checkLive(what = "Tensor"): void {
    const own = this.disposedBy;
    const by = own ?? freedBy(this.storage);
    if (by === null) return;
    const shape = formatShape(this.shape);
    const subject = what === "Tensor" ? `Tensor of shape ${shape}` : `${what} (a Tensor of shape ${shape})`;
    const how = own !== null ? `was freed by ${by}` : `shares storage with a tensor freed by ${by}`;
    throw new Error(`${subject} ${how} and cannot be used. ${FREED_HINTS[by]}`);
  }
}

const FREED_HINTS: Record<FreedBy, string> = {
  "dispose()": "Dispose a tensor only once nothing uses it any more.",
  "nx.tidy()": "To use a tensor after nx.tidy(fn), return it from fn or mark it with nx.keep(t).",
  "Symbol.dispose (using)": "A `using` declaration frees its tensor at the end of the enclosing block.",
  "the autograd engine": "It was a temporary of a backward pass or a replaced gradient (a bug if user code reached it: please report it).",
};

setTensorHooks(
  (t) => t instanceof Tensor,
  (t, what) => t.prepare(what),
);

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
 * leaf.grad += g, called by the backward pass. A first gradient takes g
 * itself when the engine says g is adoptable and g owns its storage (a view
 * would share it): `true` is then returned. Otherwise g is added in place,
 * or copied into a new gradient. Gradients made here are pinned (no scope
 * frees them) and private until user code reads `.grad`.
 */
function accumulateGrad(leaf: Tensor, g: Tensor, adoptable: boolean): boolean {
  const existing = leaf.gradToAccumulate();
  if (existing !== null) {
    const [acc, add] = residentViews(existing, g);
    kernelsNow().addInPlace(acc, add);
    return false;
  }
  const adopt = adoptable && g.ownsStorage && sameShape(g.shape, leaf.shape);
  const grad = adopt ? g : untracked(() => Tensor.empty(leaf.shape));
  if (!adopt) residentViews(grad, g)[0].set(g.data);
  grad.markPrivateGrad();
  leaf.grad = grad;
  return adopt;
}

/**
 * Views of several tensors for one kernel call: each is made resident (and
 * counted as used) before any view is taken, since bringing one back may
 * allocate, and an allocation may move or detach views taken before it.
 */
export function residentViews(...tensors: Tensor[]): Float32Array[] {
  for (const t of tensors) t.prepare();
  return tensors.map((t) => t.data);
}

/** Records `op` on `out` when an input requires grad; returns `out`. */
export function record(out: Tensor, op: string, inputs: Tensor[], backward: BackwardFn): Tensor {
  if (needsGrad(...inputs)) out.gradFn = { op, inputs, backward };
  return out;
}

export { Shape };

// `t.requires_grad`, `t.numel()` … say what neurenix calls them.
pythonNames(Tensor.prototype, "t", {
  methods: { numel: "size", dim: "ndim", tolist: "toArray()", log_softmax: "logSoftmax()" },
  properties: { requires_grad: "requiresGrad", grad_fn: "gradFn", is_leaf: "isLeaf" },
});
