/**
 * Issue 10, defects 5 and 6 on both backends:
 *  5. copying another tensor's data (weights, posWeight, `new Tensor(t.data)`)
 *     when that very copy grows the wasm memory (which detaches every view)
 *     used to crash; the heap is filled first so that the copy must grow it.
 *  6. one NaN sample in a 16→32→4 classifier makes every one of the 676
 *     parameters' gradients NaN, as in PyTorch (ReLU backward passes NaN).
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { heap } from "../../ts/wasm/memory";
import { BACKENDS, withBackend } from "../helpers/backends";

/** Fills every free block of the heap, so that the next allocation has to grow the memory. */
function fillHeap(): nx.Tensor[] {
  const fillers: nx.Tensor[] = [];
  for (let i = 0, free = nx.memory().largestFreeBlock; free >= 4 && i < 100; i++, free = nx.memory().largestFreeBlock) {
    fillers.push(nx.zeros([Math.max(1, Math.floor(free / 4) - 4)]));
  }
  return fillers;
}

/**
 * Runs `copy` with a full heap until the memory grew during it (the memory
 * manager may make room by moving idle tensors out instead; a few tries
 * suffice); returns its last result and whether it grew.
 */
function whileGrowing<T>(copy: () => T): { value: T; grew: boolean } {
  for (let attempt = 0; ; attempt++) {
    const fillers = fillHeap();
    const before = heap.memory.buffer;
    const value = copy();
    const grew = heap.memory.buffer !== before;
    for (const f of fillers) f.dispose();
    if (grew || attempt === 5) return { value, grew };
  }
}

describe.each(BACKENDS)("copies through views survive the heap growing (%s)", (backend) => {
  test("new Tensor(t.data)", () =>
    withBackend(backend, () => {
      const t = new nx.Tensor([1, 2, 3, 4, 5]);
      const { value, grew } = whileGrowing(() => new nx.Tensor(t.data, { shape: [5] }));
      expect(grew).toBe(true);
      expect(Array.from(value.data)).toEqual([1, 2, 3, 4, 5]);
    }));

  test("CrossEntropyLoss weight and BCEWithLogitsLoss posWeight from a tensor", () =>
    withBackend(backend, () => {
      const w = new nx.Tensor([0.5, 1, 2]);
      const { value: ce, grew } = whileGrowing(() => new nx.CrossEntropyLoss({ weight: w }));
      expect(grew).toBe(true);
      expect(Array.from(ce.weight!.data)).toEqual([0.5, 1, 2]);
      const p = new nx.Tensor([3, 0.25]);
      const { value: bce, grew: grew2 } = whileGrowing(() => new nx.BCEWithLogitsLoss({ posWeight: p }));
      expect(grew2).toBe(true);
      expect(Array.from(bce.posWeight!.data)).toEqual([3, 0.25]);
      // The copies work as weights: class 0 of weight 0.5, one sample.
      const x = new nx.Tensor([[1, 2, 3]]);
      expect(ce(x, new nx.Tensor([0])).item()).toBeCloseTo(-Math.log(Math.exp(1) / (Math.exp(1) + Math.exp(2) + Math.exp(3))), 5);
    }));
});

describe.each(BACKENDS)("one NaN sample reaches every parameter, as in PyTorch (%s)", (backend) => {
  test("16→32→4 classifier: all 676 gradients NaN", () =>
    withBackend(backend, () => {
      nx.manualSeed(0);
      const model = new nx.Sequential(new nx.Linear(16, 32), new nx.ReLU(), new nx.Linear(32, 4));
      const x = nx.randn([8, 16], { seed: 1 });
      x.data[3 * 16 + 5] = NaN; // one feature of one sample
      const loss = new nx.CrossEntropyLoss()(model(x), new nx.Tensor([0, 1, 2, 3, 0, 1, 2, 3]));
      loss.backward();
      const grads = model.parameters().flatMap((p) => Array.from(p.grad!.data));
      expect(grads.length).toBe(676);
      expect(grads.filter(Number.isNaN).length).toBe(676);
    }));
});
