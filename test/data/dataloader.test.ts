/**
 * TensorDataset and DataLoader: batch sizes and contents, dropLast,
 * shuffling (a permutation, reproducible with a seed, new every epoch),
 * generic datasets, and argument errors.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";

/** 10 samples: inputs row i = [i, 10 + i, 20 + i], target i = 100 + i. */
function dataset(): nx.data.TensorDataset {
  const x = new nx.Tensor(Array.from({ length: 10 }, (_, i) => [i, 10 + i, 20 + i]));
  const y = new nx.Tensor(Array.from({ length: 10 }, (_, i) => 100 + i));
  return new nx.data.TensorDataset(x, y);
}

/** The sample ids of each batch, checking that inputs and targets agree row by row. */
function ids(loader: Iterable<[nx.Tensor, nx.Tensor]>): number[][] {
  const out: number[][] = [];
  for (const [x, y] of loader) {
    const rows = x.toArray() as number[][];
    const targets = y.toArray() as number[];
    expect(x.shape).toEqual([rows.length, 3]);
    expect(y.shape).toEqual([rows.length]);
    rows.forEach((r, k) => {
      expect(r).toEqual([r[0], 10 + r[0], 20 + r[0]]);
      expect(targets[k]).toBe(100 + r[0]);
    });
    out.push(rows.map((r) => r[0]));
  }
  return out;
}

describe("TensorDataset", () => {
  it("has a length and returns row i of each tensor", () => {
    const ds = dataset();
    expect(ds.length).toBe(10);
    const [x, y] = ds.get(3);
    expect(x.toArray()).toEqual([3, 13, 23]);
    expect(y.toArray()).toBe(103);
    expect(() => ds.get(10)).toThrow(/index 10 is out of range for 10 samples/);
    expect(() => ds.get(1.5)).toThrow(RangeError);
  });

  it("rejects tensors with different first dimensions", () => {
    expect(() => new nx.data.TensorDataset(nx.zeros([4, 2]), nx.zeros([5]))).toThrow(
      /size mismatch between tensors: argument 0 has 4 samples \(shape \[4, 2\]\), argument 1 has 5/,
    );
    expect(() => new nx.data.TensorDataset(new nx.Tensor(1))).toThrow(/scalar/);
    expect(() => new nx.data.TensorDataset([1, 2] as never)).toThrow(TypeError);
  });
});

describe("DataLoader", () => {
  it("batches in order, keeping the smaller last batch", () => {
    const loader = new nx.data.DataLoader(dataset(), { batchSize: 4 });
    expect(loader.length).toBe(3);
    expect(ids(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it("drops the last incomplete batch with dropLast", () => {
    const loader = new nx.data.DataLoader(dataset(), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(ids(loader)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(new nx.data.DataLoader(dataset(), { batchSize: 5, dropLast: true }).length).toBe(2);
    expect(new nx.data.DataLoader(dataset()).length).toBe(10);
  });

  it("shuffles into a permutation that is new each epoch and reproducible with a seed", () => {
    const a = new nx.data.DataLoader(dataset(), { batchSize: 3, shuffle: true, seed: 7 });
    const b = new nx.data.DataLoader(dataset(), { batchSize: 3, shuffle: true, seed: 7 });
    const c = new nx.data.DataLoader(dataset(), { batchSize: 3, shuffle: true, seed: 8 });
    const a1 = ids(a);
    const a2 = ids(a);
    expect(a1.map((batch) => batch.length)).toEqual([3, 3, 3, 1]);
    expect(a1.flat().sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a1.flat()).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(a2.flat()).not.toEqual(a1.flat());
    expect(ids(b)).toEqual(a1);
    expect(ids(b)).toEqual(a2);
    expect(ids(c).flat()).not.toEqual(a1.flat());
  });

  it("without a seed shuffles from the global generator (nx.manualSeed)", () => {
    nx.manualSeed(3);
    const first = ids(new nx.data.DataLoader(dataset(), { batchSize: 10, shuffle: true }));
    nx.manualSeed(3);
    const again = ids(new nx.data.DataLoader(dataset(), { batchSize: 10, shuffle: true }));
    expect(again).toEqual(first);
  });

  it("stacks the samples of any dataset with length and get()", () => {
    const squares: nx.data.Dataset<[nx.Tensor, nx.Tensor]> = {
      length: 5,
      get: (i) => [new nx.Tensor([i, i * i]), new nx.Tensor(i % 2)],
    };
    const batches = [...new nx.data.DataLoader(squares, { batchSize: 2 })];
    expect(batches.length).toBe(3);
    expect(batches[1][0].toArray()).toEqual([
      [2, 4],
      [3, 9],
    ]);
    expect(batches[1][1].toArray()).toEqual([0, 1]);
    expect(batches[2][0].shape).toEqual([1, 2]);
    const ragged: nx.data.Dataset<[nx.Tensor]> = { length: 2, get: (i) => [nx.zeros([i + 1])] };
    expect(() => [...new nx.data.DataLoader(ragged, { batchSize: 2 })]).toThrow(/field 0 of sample 1 must be a Tensor of shape \[1\]/);
  });

  it("rejects bad options", () => {
    const ds = dataset();
    expect(() => new nx.data.DataLoader(ds, { batchSize: 0 })).toThrow(/DataLoader: batchSize must be an integer ≥ 1, got 0/);
    expect(() => new nx.data.DataLoader(ds, { batchSize: 2.5 })).toThrow(RangeError);
    expect(() => new nx.data.DataLoader(ds, { shuffle: "yes" as never })).toThrow(/shuffle must be a boolean/);
    expect(() => new nx.data.DataLoader(ds, { seed: NaN })).toThrow(/DataLoader: seed must be finite, got NaN/);
    expect(() => new nx.data.DataLoader(ds, { batch_size: 4 } as never)).toThrow(/unknown option 'batch_size'/);
    expect(() => new nx.data.DataLoader([1, 2] as never)).toThrow(/dataset must have a length and get/);
  });
});
