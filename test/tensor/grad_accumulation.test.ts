/**
 * Gradient accumulation into leaves: a first gradient made during backward
 * may become `.grad` without a copy (ts/autograd/graph.ts), but never one
 * that another leaf also received, nor the caller's own `grad` argument.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";

describe.each(BACKENDS)("gradient accumulation (%s)", (name) => {
  it("two leaves fed the same gradient get separate .grad tensors", () =>
    withBackend(name, () => {
      const a = new nx.Tensor([1, 2, 3], { requiresGrad: true });
      const b = new nx.Tensor([4, 5, 6], { requiresGrad: true });
      a.add(b).sum().backward();
      expect(a.grad).not.toBe(b.grad);
      a.grad!.data[0] = 42;
      expect(Array.from(b.grad!.data)).toEqual([1, 1, 1]);
      // A second backward adds in place to each, independently.
      a.add(b).mul(2).sum().backward();
      expect(Array.from(a.grad!.data)).toEqual([44, 3, 3]);
      expect(Array.from(b.grad!.data)).toEqual([3, 3, 3]);
    }));

  it("a fused loss's gradient becomes .grad and later backwards accumulate into it", () =>
    withBackend(name, () => {
      const x = new nx.Tensor([1, 2, 3, 4], { requiresGrad: true });
      const y = new nx.Tensor([0, 0, 0, 0]);
      const mse = new nx.MSELoss({ reduction: "sum" });
      mse(x, y).backward();
      expect(Array.from(x.grad!.data)).toEqual([2, 4, 6, 8]);
      const first = x.grad!;
      mse(x, y).backward();
      expect(x.grad).toBe(first);
      expect(Array.from(x.grad!.data)).toEqual([4, 8, 12, 16]);
    }));

  it("the caller's grad argument is never adopted or freed", () =>
    withBackend(name, () => {
      const x = new nx.Tensor([1, 2], { requiresGrad: true });
      const seed = new nx.Tensor([3, 5]);
      x.backward(seed);
      expect(x.grad).not.toBe(seed);
      expect(seed.isDisposed).toBe(false);
      x.grad!.data[0] = 0;
      expect(Array.from(seed.data)).toEqual([3, 5]);
    }));

  it("a gradient reaching a leaf and a non-leaf is not shared with the leaf", () =>
    withBackend(name, () => {
      const a = new nx.Tensor([1, 2], { requiresGrad: true });
      const b = new nx.Tensor([3, 4], { requiresGrad: true });
      const h = b.mul(1); // non-leaf fed the same gradient as a below
      a.add(h).sum().backward();
      expect(Array.from(a.grad!.data)).toEqual([1, 1]);
      expect(Array.from(b.grad!.data)).toEqual([1, 1]);
      expect(a.grad).not.toBe(b.grad);
    }));
});
