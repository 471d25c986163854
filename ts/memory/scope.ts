/**
 * Scopes: the rules for which tensors are freed at once, without waiting
 * for the garbage collector (ts/memory/storage.ts says what happens to the
 * rest).
 *
 * A scope records every tensor created while it is the innermost one, and
 * frees them when it closes, except:
 *   - what survives it: the tensors `nx.tidy`'s function returns (alone, or
 *     in arrays and plain objects), which move to the enclosing scope;
 *   - pinned tensors, which no scope ever frees: module parameters,
 *     optimizer state, gradients written into a leaf's `.grad`, and what
 *     `nx.keep` marks;
 *   - tensors sharing storage with one of those (a returned reshape keeps
 *     its source's storage alive).
 * Two kinds of scope use these rules: `nx.tidy(fn)`, and the autograd
 * engine's own scope around each backward pass, which frees every
 * temporary gradient it made (a fused loss's saved gradient joins it once
 * backward has used it).
 */
import type { Tensor } from "../tensor";
import type { FreedBy } from "./storage";
import { describe, isTensor } from "../errors";

/** The tensors recorded in a scope; each tensor also points to its scope (`t.scope`) for O(1) membership. */
interface Scope {
  readonly tensors: Tensor[];
}

const stack: Scope[] = [];
/** > 0 while tensors are made that no scope may own (pinned state, cached constants). */
let paused = 0;

/** Records `t` in the innermost scope (new tensors, and temporaries handed to backward's scope). */
export function track(t: Tensor): void {
  if (stack.length > 0 && paused === 0) enroll(stack[stack.length - 1], t);
}

function enroll(scope: Scope, t: Tensor): void {
  if (t.scope === scope) return;
  t.scope = scope;
  scope.tensors.push(t);
}

/** Whether `t` is recorded in the innermost scope. */
export function inCurrentScope(t: Tensor): boolean {
  return stack.length > 0 && t.scope === stack[stack.length - 1];
}

/** Runs `fn` with recording paused: what it makes belongs to no scope. */
export function untracked<T>(fn: () => T): T {
  paused++;
  try {
    return fn();
  } finally {
    paused--;
  }
}

export function openScope(): Scope {
  const scope: Scope = { tensors: [] };
  stack.push(scope);
  return scope;
}

/**
 * Closes the innermost scope (`scope`): frees what it recorded except the
 * survivors, pinned tensors and tensors sharing storage with either;
 * survivors move to the enclosing scope.
 */
export function closeScope(scope: Scope, survivors: readonly Tensor[], by: FreedBy): void {
  if (stack[stack.length - 1] !== scope) throw new Error("neurenix internal: scopes closed out of order");
  stack.pop();
  const spared = new Set(survivors.map((t) => t.storage));
  for (const t of scope.tensors) if (t.pinned && t.scope === scope) spared.add(t.storage);
  const parent = stack.length > 0 ? stack[stack.length - 1] : null;
  for (const t of scope.tensors) {
    if (t.scope !== scope) continue; // recorded again by an inner scope since
    t.scope = null;
    if (t.pinned) continue;
    if (spared.has(t.storage)) {
      if (parent !== null && paused === 0) enroll(parent, t);
      continue;
    }
    t.free(by);
  }
}

/**
 * Runs `fn` and frees every tensor created inside it, except what it returns
 * (a tensor, or arrays and plain objects holding tensors), what `nx.keep`
 * marks, module parameters, optimizer state and gradients written into
 * leaves (`.grad` survives). Nested tidies pass their results outwards. The
 * same as TensorFlow.js's `tf.tidy`; PyTorch needs no equivalent because it
 * counts references. `fn` must be synchronous: everything it creates is freed
 * when it returns.
 *
 * @example
 *   for (const [x, y] of loader) nx.tidy(() => {
 *     optimizer.zeroGrad();
 *     criterion(model(x), y).backward();
 *     optimizer.step();
 *   });
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`nx.tidy: expected a function, got ${describe(fn)}`);
  const scope = openScope();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    closeScope(scope, [], "nx.tidy()");
    throw e;
  }
  if (result instanceof Promise) {
    closeScope(scope, [], "nx.tidy()");
    throw new TypeError(
      "nx.tidy: the function returned a Promise; tidy frees what the function made as soon as it returns, " +
        "so it cannot wait for an async function: tidy each synchronous step instead",
    );
  }
  closeScope(scope, tensorsIn(result), "nx.tidy()");
  return result;
}

/** Marks `t` so that no `nx.tidy` frees it (it is still freed by dispose() or the collector); returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  if (!isTensor(t)) throw new TypeError(`nx.keep: expected a Tensor, got ${describe(t)}`);
  t.pinned = true;
  return t;
}

/** The tensors in `value`: itself, or inside arrays, plain objects, Maps and Sets (any depth). */
function tensorsIn(value: unknown): Tensor[] {
  const found: Tensor[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown) => {
    if (v === null || typeof v !== "object" || seen.has(v)) return;
    seen.add(v);
    if (isTensor(v)) found.push(v as Tensor);
    else if (Array.isArray(v) || v instanceof Set) for (const x of v) walk(x);
    else if (v instanceof Map) for (const x of v.values()) walk(x);
    else {
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null) for (const x of Object.values(v)) walk(x);
    }
  };
  walk(value);
  return found;
}
