/**
 * The Tensor ops for custom losses beyond their golden values
 * (ops_golden.test.ts): errors that name what is wrong, views that share
 * storage, and the documentation's kind of custom loss written with them
 * (a hinge-squared loss from clamp, and cross entropy from gather) matching
 * the built-in losses, values and gradients, on both backends.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";

describe("errors", () => {
  const x = () => nx.randn([3, 4], { seed: 1 });
  test("gather: index out of range, wrong rank, not integral", () => {
    expect(() => x().gather(1, new nx.Tensor([[0], [4], [1]]))).toThrow(/index 4 at flat index 1 is out of range for dimension 1 of size 4/);
    expect(() => x().gather(1, new nx.Tensor([0, 1, 2]))).toThrow(RangeError);
    expect(() => x().gather(1, new nx.Tensor([[0.5], [1], [1]]))).toThrow(RangeError);
  });
  test("narrow, slice, cat, stack, clamp, norm", () => {
    expect(() => x().narrow(1, 3, 2)).toThrow(/start 3 and length 2 are out of range for dimension 1 of size 4/);
    expect(x().slice(1, -1).shape).toEqual([3, 1]);
    expect(x().slice(1, 5).shape).toEqual([3, 0]);
    expect(() => nx.cat([x(), nx.zeros([2, 3])], 0)).toThrow(/tensors\[1\] has shape \[2, 3\]/);
    expect(() => nx.stack([x(), nx.zeros([3, 5])])).toThrow(RangeError);
    expect(() => nx.cat([])).toThrow(TypeError);
    expect(() => x().clamp()).toThrow(/at least one of min and max/);
    expect(() => x().norm(0)).toThrow(/p must be a positive number/);
    expect(() => x().unsqueeze(3)).toThrow(RangeError);
  });
  test("squeeze and unsqueeze share storage", () => {
    const t = nx.zeros([1, 3]);
    const s = t.squeeze(0);
    s.data[1] = 5;
    expect(t.data[1]).toBe(5);
    expect(t.unsqueeze(0).shape).toEqual([1, 1, 3]);
  });
});

describe.each(BACKENDS)("custom losses from these ops match the built-in ones on %s", (backend) => {
  test("cross entropy as −gather(logSoftmax) equals CrossEntropyLoss, with gradients", () =>
    withBackend(backend, () => {
      const a = nx.randn([5, 7], { seed: 3 });
      const b = a.detach().clone().detach();
      a.requiresGrad = true;
      b.requiresGrad = true;
      const t = new nx.Tensor([0, 6, 2, 2, 5]);
      const custom = a.logSoftmax(1).gather(1, t.unsqueeze(1)).neg().mean();
      const builtIn = new nx.CrossEntropyLoss()(b, t);
      expectClose(custom.item(), builtIn.item(), { rtol: 1e-6, atol: 1e-7 }, `${backend} value`);
      custom.backward();
      builtIn.backward();
      expectClose(a.grad!.data, b.grad!.data, { rtol: 1e-5, atol: 1e-7 }, `${backend} gradient`);
    }));

  test("Huber from where/abs/clamp equals HuberLoss, with gradients", () =>
    withBackend(backend, () => {
      const a = nx.randn([40], { seed: 4 }).mul(2);
      const y = nx.randn([40], { seed: 5 });
      const b = a.detach().clone().detach();
      a.requiresGrad = true;
      b.requiresGrad = true;
      const d = a.sub(y);
      const small = d.abs().clamp(null, 1);
      // ½ min(|d|, 1)² + (|d| − min(|d|, 1)): Huber with δ = 1.
      const custom = small.pow(2).mul(0.5).add(d.abs().sub(small)).mean();
      const builtIn = new nx.HuberLoss()(b, y);
      expectClose(custom.item(), builtIn.item(), { rtol: 1e-6, atol: 1e-7 }, `${backend} value`);
      custom.backward();
      builtIn.backward();
      expectClose(a.grad!.data, b.grad!.data, { rtol: 1e-5, atol: 1e-7 }, `${backend} gradient`);
    }));
});
