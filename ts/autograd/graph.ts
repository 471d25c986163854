/**
 * Reverse-mode autograd: the recorded graph and the backward pass.
 *
 * Each op that sees an input requiring grad records a Node on its output: the
 * inputs and a backward closure that maps the output's gradient to the
 * inputs' gradients (forward and backward of an op sit side by side in
 * ts/ops/*). `runBackward` walks the graph once in reverse topological order.
 *
 * As in PyTorch:
 * - gradients accumulate into `.grad` of leaf tensors that require grad;
 * - the graph is released after backward (saved tensors dropped), and a
 *   second backward through it is an error;
 * - backward runs with grad recording off.
 * Backward runs in its own memory scope (ts/memory/scope.ts): gradients
 * that flow between ops (not into a leaf's `.grad`) are freed as soon as
 * backward ends, so a training step's memory does not wait for the garbage
 * collector; so is a fused loss's saved gradient once used.
 */
import type { Tensor } from "../tensor";
import { describe } from "../errors";
import { closeScope, inCurrentScope, openScope, track, untracked } from "../memory/scope";

export type BackwardFn = (grad: Tensor) => (Tensor | null)[];

export interface Node {
  /** The op's name, for printing ("mul", "CrossEntropyLoss", …). */
  readonly op: string;
  inputs: Tensor[];
  /** null once released by a backward pass. */
  backward: BackwardFn | null;
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording the graph (PyTorch's `torch.no_grad()`).
 * Only the synchronous part of `fn` runs without grad.
 */
export function noGrad<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new TypeError(`noGrad: expected a function, got ${describe(fn)}`);
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/** Whether an op on these inputs must record a node. */
export function needsGrad(...inputs: (Tensor | null | undefined)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t != null && t.requiresGrad) return true;
  return false;
}

/**
 * Hands a tensor made before backward (a fused loss's saved gradient) to
 * the running backward pass, which frees it at the end unless it becomes a
 * leaf's `.grad`.
 */
export function freeAfterBackward(t: Tensor): void {
  track(t);
}

/** Topological order of the tensors reachable from `root` through recorded nodes. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  // Iterative DFS: deep graphs (long unrolled loops) must not overflow the stack.
  const stack: [Tensor, number][] = [[root, 0]];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    const inputs = t.gradFn?.inputs ?? [];
    if (next < inputs.length) {
      top[1]++;
      const input = inputs[next];
      if (input.requiresGrad && !visited.has(input)) {
        visited.add(input);
        stack.push([input, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}

/**
 * Back-propagates `grad` (the gradient of some scalar w.r.t. `root`, same
 * shape as root) through the recorded graph, accumulating into leaves.
 * `accumulate(leaf, g, adoptable)` adds g to leaf.grad and returns whether it
 * took g itself as the new `.grad` instead of copying it. `adoptable` says
 * that g was made during this backward and handed to no other leaf, so
 * nothing else will write to it (each leaf is accumulated once per backward,
 * and pending readers of g only read): the gradient of a fused loss then
 * becomes `.grad` without a copy, as PyTorch steals such buffers too.
 */
export function runBackward(
  root: Tensor,
  grad: Tensor,
  accumulate: (leaf: Tensor, g: Tensor, adoptable: boolean) => boolean,
  add: (a: Tensor, b: Tensor) => Tensor,
): void {
  const order = topologicalOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, grad]]);
  const previousEnabled = gradEnabled;
  const adopted = new Set<Tensor>();
  gradEnabled = false;
  const scope = openScope();
  try {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i];
      const g = grads.get(t);
      if (g === undefined) continue;
      grads.delete(t);
      const node = t.gradFn;
      if (node === null) {
        if (t.requiresGrad) {
          const adoptable = g !== grad && !adopted.has(g) && inCurrentScope(g);
          if (untracked(() => accumulate(t, g, adoptable))) adopted.add(g);
        }
        continue;
      }
      if (node.backward === null) {
        throw new Error(
          `backward: trying to backward through the graph a second time (the graph of '${node.op}' was freed by an earlier backward)`,
        );
      }
      // What backward functions read is made resident before they allocate
      // (a freed one throws, naming what freed it, only if it is read).
      for (const u of [t, g, ...node.inputs]) if (!u.isDisposed) u.prepare();
      const inputGrads = node.backward(g);
      const inputs = node.inputs;
      for (let k = 0; k < inputs.length; k++) {
        const input = inputs[k];
        const gi = inputGrads[k];
        if (gi == null || !input.requiresGrad) continue;
        const existing = grads.get(input);
        grads.set(input, existing === undefined ? gi : add(existing, gi));
      }
    }
  } finally {
    gradEnabled = previousEnabled;
    for (const t of order) {
      const node = t.gradFn;
      if (node !== null) {
        node.backward = null;
        node.inputs = [];
      }
    }
    // Adopted gradients are pinned; the seed is the caller's.
    closeScope(scope, [grad], "the autograd engine");
  }
}
