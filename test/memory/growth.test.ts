/**
 * Copies through views of the wasm memory survive its growth: a view is
 * detached when a non-shared memory grows, so each copy below is made while
 * the memory has no free block left and must grow. (A file of its own: a
 * fresh memory, with nothing else to move out to make room.)
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { heap } from "../../ts/wasm/memory";

nx.configureMemory({ warnings: false });

/** Fills every free block with tensors (each test frees what it made, in a tidy). */
function fillFreeSpace(): void {
  for (let free = nx.memory().largestFreeBlock; free >= 64; free = nx.memory().largestFreeBlock) nx.zeros([free / 4]);
}

/** Runs `copy` with the free space filled and checks that the memory grew during it. */
function whileGrowing<T>(copy: () => T): T {
  fillFreeSpace();
  const generation = heap.generation;
  const result = copy();
  expect(heap.generation, "the memory should have grown during the copy").toBeGreaterThan(generation);
  return result;
}

const values = (n: number) => Float32Array.from({ length: n }, (_, i) => i * 0.5 - 3);

describe("copies through views survive the memory's growth", () => {
  it("new Tensor(t.data) and new Tensor(t.data, { shape })", () =>
    nx.tidy(() => {
      const w = new nx.Tensor(values(6000));
      const copy = whileGrowing(() => new nx.Tensor(w.data));
      expect(Array.from(copy.data)).toEqual(Array.from(values(6000)));
      const shaped = whileGrowing(() => new nx.Tensor(w.data, { shape: [60, 100] }));
      expect(shaped.shape).toEqual([60, 100]);
      expect(Array.from(shaped.data)).toEqual(Array.from(values(6000)));
    }));

  it("class weights and posWeight copied from tensors", () =>
    nx.tidy(() => {
      const w = new nx.Tensor(values(5000).map((v) => Math.abs(v) + 1));
      const ce = whileGrowing(() => new nx.CrossEntropyLoss({ weight: w }));
      const bce = whileGrowing(() => new nx.BCEWithLogitsLoss({ posWeight: w }));
      // Same values as losses built from plain arrays.
      const logits = nx.randn([3, 5000], { seed: 1 });
      const target = new nx.Tensor([0, 4999, 17]);
      const ceRef = new nx.CrossEntropyLoss({ weight: Array.from(w.data) });
      expect(ce(logits, target).item()).toBe(ceRef(logits, target).item());
      const probs = nx.rand([3, 5000], { seed: 2 });
      const bceRef = new nx.BCEWithLogitsLoss({ posWeight: Array.from(w.data) });
      expect(bce(logits, probs).item()).toBe(bceRef(logits, probs).item());
    }));

  it("safetensors load", () =>
    nx.tidy(() => {
      const t = new nx.Tensor(values(8000), { shape: [80, 100] });
      const u = new nx.Tensor(values(3000), { shape: [3000] });
      const bytes = nx.safetensors.save({ t, u });
      const loaded = whileGrowing(() => nx.safetensors.load(bytes));
      expect(Array.from(loaded.t.data)).toEqual(Array.from(t.data));
      expect(Array.from(loaded.u.data)).toEqual(Array.from(u.data));
    }));

  it("DataLoader batches", () =>
    nx.tidy(() => {
      const x = new nx.Tensor(values(64 * 100), { shape: [64, 100] });
      const y = new nx.Tensor(Array.from({ length: 64 }, (_, i) => i));
      const loader = new nx.data.DataLoader(new nx.data.TensorDataset(x, y), { batchSize: 64 });
      const [bx, by] = whileGrowing(() => [...loader][0]);
      expect(Array.from(bx.data)).toEqual(Array.from(x.data));
      expect(Array.from(by.data)).toEqual(Array.from(y.data));
    }));
});
