/**
 * Optimizer: the base of SGD and Adam, as torch.optim.Optimizer.
 *
 * Holds parameter groups (each a list of parameters with its own options;
 * `opt.paramGroups[0].lr = …` changes the learning rate, as in PyTorch) and
 * per-parameter state (momentum buffers, Adam moments) as heap tensors made
 * once, on a parameter's first step. `step()` updates in place only the
 * parameters that have a gradient.
 *
 * `zeroGrad()` follows PyTorch 1.13's default set_to_none=False: existing
 * gradients are zeroed in place, so a training loop allocates no new gradient
 * tensors after its first step. `zeroGrad({ setToNone: true })` drops them.
 */
import { Tensor } from "../tensor";
import { describe } from "../errors";
import { checkBoolean, checkNumber, checkOptions, pythonNames } from "../options";
import { untracked } from "../memory/scope";

/** A group of parameters with its own options (any option left out takes the optimizer's). */
export type ParamGroupInput<O> = {
  /** The group's parameters. */
  params: Iterable<Tensor>;
} & Partial<O>;
/** A parameter group as the optimizer holds it: its parameters and every option. */
export type ParamGroup<O> = {
  /** The group's parameters. */
  params: Tensor[];
} & O;
/** Parameters, or parameter groups with options of their own. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/**
 * The base of the optimizers (`torch.optim.Optimizer`): parameter groups,
 * per-parameter state, zeroGrad and step.
 */
export abstract class Optimizer<O extends object, S> {
  /** The parameter groups; change `paramGroups[i].lr` to schedule the learning rate, as in PyTorch. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** @internal Per-parameter state, made on a parameter's first step. */
  protected readonly state = new Map<Tensor, S>();

  /**
   * `defaults` names the allowed options and fills in any that a group leaves
   * out; `check` validates one group's options.
   */
  protected constructor(params: Params<O>, opts: unknown, defaults: O, check: (o: O, what: string) => void) {
    const name = new.target.name;
    const given = checkOptions(opts, Object.keys(defaults), name) as Partial<O>;
    const base = { ...defaults, ...given } as O;
    if (params == null || typeof (params as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(`${name}: params must be an iterable of Tensors or of parameter groups, got ${describe(params)}`);
    }
    const items = [...(params as Iterable<unknown>)];
    if (items.length === 0) throw new RangeError(`${name}: got an empty parameter list`);
    const groups = items[0] instanceof Tensor ? [{ params: items }] : items;
    const seen = new Set<Tensor>();
    groups.forEach((g, gi) => {
      if (g === null || typeof g !== "object" || g instanceof Tensor || !("params" in g)) {
        throw new TypeError(`${name}: parameter group ${gi} must be an object with 'params', got ${describe(g)}`);
      }
      const { params: ps, ...rest } = g as ParamGroupInput<O>;
      const options = { ...base, ...checkOptions(rest, Object.keys(defaults), `${name} (parameter group ${gi})`) } as O;
      check(options, name);
      const list = [...ps];
      list.forEach((p, i) => {
        if (!(p instanceof Tensor)) throw new TypeError(`${name}: parameter ${i} of group ${gi} must be a Tensor, got ${describe(p)}`);
        if (!p.isLeaf) throw new RangeError(`${name}: can't optimize a non-leaf Tensor (parameter ${i} of group ${gi})`);
        if (seen.has(p)) throw new RangeError(`${name}: some parameters appear more than once (parameter ${i} of group ${gi})`);
        seen.add(p);
        p.pinned = true; // an optimizer's parameters outlive any nx.tidy
      });
      this.paramGroups.push({ ...options, params: list });
    });
  }

  /**
   * Zeroes every gradient (PyTorch 1.13's default), or drops them with
   * setToNone. A gradient user code never read through `.grad` is zeroed
   * lazily: the next backward writes into it without adding to zeros.
   */
  zeroGrad(opts?: { setToNone?: boolean }): void {
    const setToNone = checkBoolean(checkOptions(opts, ["setToNone"], "zeroGrad").setToNone ?? false, "zeroGrad: setToNone");
    for (const group of this.paramGroups) {
      for (const p of group.params) p.zeroGrad(setToNone);
    }
  }

  /** One update of every parameter that has a gradient. */
  abstract step(): void;

  /** PyTorch's repr: every group's options. */
  toString(): string {
    const groups = this.paramGroups.map((g, i) => {
      const lines = Object.entries(g)
        .filter(([k]) => k !== "params")
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `    ${k}: ${Array.isArray(v) ? `[${v.join(", ")}]` : String(v)}`);
      return `Parameter Group ${i}\n${lines.join("\n")}`;
    });
    return `${this.constructor.name} (\n${groups.join("\n")}\n)`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/**
 * Makes optimizer state (momentum buffers, moments): tensors no scope owns
 * and no nx.tidy frees, however the first step was called.
 */
export function optimizerState<S>(make: () => S): S {
  const state = untracked(make);
  for (const v of Object.values(state as object)) if (v instanceof Tensor) v.pinned = true;
  if (state instanceof Tensor) state.pinned = true;
  return state;
}

/** TypeError unless a number, RangeError unless ≥ 0 (NaN included), naming the optimizer and option. */
export function checkNonNegative(value: unknown, option: string, what: string): void {
  checkNumber(value, `${what}: ${option}`, { min: 0 });
}

pythonNames(Optimizer.prototype, "opt", {
  methods: { zero_grad: "zeroGrad()" },
  properties: { param_groups: "paramGroups" },
});
