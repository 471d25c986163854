/**
 * Module: the base class of layers and models, as torch.nn.Module.
 *
 * Instances are callable: `model(x)` is `model.forward(x)`.
 *
 * What counts as a parameter. PyTorch registers parameters when they are
 * assigned; here they are found by walking the module's own enumerable
 * fields, in the order they were assigned:
 *   - a field holding a leaf Tensor made by `nn.parameter(...)` (Linear's
 *     weight and bias are), or any other leaf Tensor with requiresGrad: true
 *     (so `this.w = nx.randn([3], { requiresGrad: true })` works). Use
 *     `nn.parameter` for tensors you may freeze later (`p.requiresGrad =
 *     false`): they stay parameters, as in PyTorch;
 *   - the parameters of child modules: fields holding a Module, or an array
 *     of Modules (NOTE: PyTorch needs an nn.ModuleList for the latter).
 * Names join the field names with ".", as PyTorch's state_dict keys do:
 * "fc1.weight", "0.bias" inside a Sequential, "blocks.2.weight" for an array.
 * A tensor or module reachable twice is listed once, under its first name.
 * NOTE: there are no buffers (no module here has running statistics), so
 * stateDict() holds exactly the parameters.
 */
import { Callable } from "../callable";
import { Tensor, residentViews } from "../tensor";
import { outsideHeap } from "../memory/storage";
import { checkBoolean, checkOptions, pythonNames } from "../options";
import { describe } from "../errors";
import { formatShape, sameShape } from "../shape";

const marked = new WeakSet<Tensor>();

/**
 * Marks a tensor as a module parameter (PyTorch's nn.Parameter) and makes it
 * require grad; returns the same tensor. Non-tensor data is copied into a
 * new tensor first.
 */
export function parameter(data: Tensor | ConstructorParameters<typeof Tensor>[0]): Tensor {
  const t = data instanceof Tensor ? data : new Tensor(data);
  if (!t.isLeaf) throw new RangeError("parameter: only leaf tensors can be parameters (detach() it first)");
  t.requiresGrad = true;
  t.pinned = true; // no nx.tidy frees a parameter
  marked.add(t);
  return t;
}

function isParameter(value: unknown): value is Tensor {
  return value instanceof Tensor && value.isLeaf && (marked.has(value) || value.requiresGrad);
}

/** Values accepted by loadStateDict: a Tensor (shape checked) or flat values (size checked). */
export type StateDictValue = Tensor | Float32Array | ArrayLike<number>;

/** What loadStateDict reports (PyTorch's `_IncompatibleKeys`). */
export interface LoadStateDictResult {
  /** Parameters the state dict had no value for. */
  missingKeys: string[];
  /** Keys of the state dict that name no parameter. */
  unexpectedKeys: string[];
}

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Missing and unexpected keys are errors (default true, as PyTorch). */
  strict?: boolean;
}

export interface Module {
  /** Same as `forward(...inputs)`. */
  (...inputs: Tensor[]): Tensor;
}

/**
 * The base class of layers and models (`torch.nn.Module`): subclass it, make
 * layers and parameters fields, write `forward`; instances are callable.
 * See the file header for what counts as a parameter.
 *
 * @example
 * ```ts
 * class Net extends nx.Module {
 *   fc1 = new nx.Linear(784, 128);
 *   relu = new nx.ReLU();
 *   fc2 = new nx.Linear(128, 10);
 *   forward(x: nx.Tensor) {
 *     return this.fc2(this.relu(this.fc1(x)));
 *   }
 * }
 * const logits = new Net()(nx.zeros([64, 784])); // shape [64, 10]
 * ```
 */
export abstract class Module extends Callable {
  /** true after train() (the default), false after eval(). */
  training = true;

  /** The computation; `model(x)` calls it. */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** Direct child modules with their field names (arrays give "name.i"). */
  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value)) {
        value.forEach((v, i) => {
          if (v instanceof Module) out.push([`${key}.${i}`, v]);
        });
      }
    }
    return out;
  }

  /** Direct child modules, in field order. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ("" for this one). */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const walk = (m: Module, prefix: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([prefix, m]);
      for (const [name, child] of m.namedChildren()) walk(child, prefix === "" ? name : `${prefix}.${name}`);
    };
    walk(this, "");
    return out;
  }

  /** Parameters with PyTorch's state_dict names, each tensor once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [prefix, m] of this.namedModules()) {
      for (const [key, value] of Object.entries(m)) {
        if (!isParameter(value) || seen.has(value)) continue;
        seen.add(value);
        out.push([prefix === "" ? key : `${prefix}.${key}`, value]);
      }
    }
    return out;
  }

  /** The tensors an optimizer updates (see the file header for what counts). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Sets training mode here and in every descendant; returns this. */
  train(mode = true): this {
    if (typeof mode !== "boolean") throw new TypeError(`train: mode must be a boolean, got ${describe(mode)}`);
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Same as train(false); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Zeroes the gradients of the parameters in place (see Optimizer.zeroGrad). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad(false);
  }

  /**
   * A copy of every parameter's values, keyed by name, row-major (Linear's
   * weight is (out, in), as in PyTorch).
   * NOTE: PyTorch's state_dict shares storage with the model; these are
   * copies, since views of the wasm heap detach when it grows.
   */
  stateDict(): Record<string, Float32Array> {
    const out: Record<string, Float32Array> = {};
    for (const [name, p] of this.namedParameters()) out[name] = p.data.slice();
    return out;
  }

  /**
   * Copies values into the parameters (which keep their identity, so an
   * optimizer holding them keeps working). A size mismatch — or, for Tensor
   * values, a shape mismatch — is always a RangeError; with strict (the
   * default) so are missing and unexpected keys. Nothing is copied unless
   * every check passes. Returns the keys that were missing or unexpected.
   */
  loadStateDict(
    stateDict: Record<string, StateDictValue>,
    opts: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const what = `loadStateDict (${this.constructor.name})`;
    if (stateDict === null || typeof stateDict !== "object" || Array.isArray(stateDict)) {
      throw new TypeError(`${what}: expected an object of name → values, got ${describe(stateDict)}`);
    }
    const strict = checkBoolean(checkOptions(opts, ["strict"], what).strict ?? true, `${what}: strict`);
    const params = new Map(this.namedParameters());
    const missingKeys = [...params.keys()].filter((k) => !Object.hasOwn(stateDict, k));
    const unexpectedKeys = Object.keys(stateDict).filter((k) => !params.has(k));
    const problems: string[] = [];
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${missingKeys.map((k) => `"${k}"`).join(", ")}`);
    if (strict && unexpectedKeys.length > 0) {
      problems.push(`unexpected keys: ${unexpectedKeys.map((k) => `"${k}"`).join(", ")}`);
    }
    const copies: [Tensor, Tensor | ArrayLike<number>][] = [];
    for (const [name, p] of params) {
      if (!Object.hasOwn(stateDict, name)) continue;
      const value = stateDict[name];
      if (value instanceof Tensor) {
        if (!sameShape(value.shape, p.shape)) {
          problems.push(`size mismatch for "${name}": got shape ${formatShape(value.shape)}, the parameter has ${formatShape(p.shape)}`);
        } else copies.push([p, value]);
      } else if (value === null || typeof value !== "object" || typeof value.length !== "number") {
        throw new TypeError(`${what}: "${name}" must be a Tensor or an array of numbers, got ${describe(value)}`);
      } else if (value.length !== p.size) {
        problems.push(
          `size mismatch for "${name}": got ${value.length} values, the parameter has shape ${formatShape(p.shape)} (${p.size} values)`,
        );
      } else copies.push([p, outsideHeap(value)]);
    }
    if (problems.length > 0) throw new RangeError(`${what}: ${problems.join("; ")}`);
    for (const [p, values] of copies) {
      if (values instanceof Tensor) {
        const [dst, src] = residentViews(p, values);
        dst.set(src);
      } else p.data.set(values);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** The settings shown inside the parentheses (PyTorch's extra_repr). */
  extraRepr(): string {
    return "";
  }

  /** PyTorch-style: `Net(\n  (fc1): Linear(inFeatures=784, …)\n  (relu): ReLU()\n)`. */
  override toString(): string {
    const lines: string[] = [];
    const extra = this.extraRepr();
    if (extra !== "") lines.push(...extra.split("\n"));
    for (const [name, child] of this.namedChildren()) {
      lines.push(`(${name}): ${String(child).split("\n").join("\n  ")}`);
    }
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (lines.length === 1 && extra !== "") return `${name}(${extra})`;
    return `${name}(\n  ${lines.join("\n  ")}\n)`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

pythonNames(Module.prototype, "model", {
  methods: {
    zero_grad: "zeroGrad()",
    state_dict: "stateDict()",
    load_state_dict: "loadStateDict(sd)",
    named_parameters: "namedParameters()",
  },
});
