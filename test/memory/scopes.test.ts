/**
 * What frees a tensor at once: dispose(), `using`, nx.tidy (with nx.keep and
 * what it never frees), the autograd engine's own temporaries and replaced
 * private gradients; and the error a freed tensor gives.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";

const live = () => nx.memory().numTensors;

describe.each(BACKENDS)("memory scopes (%s)", (name) => {
  it("tidy frees what fn made, except what it returns (alone or in arrays and objects)", () =>
    withBackend(name, () => {
      const x = new nx.Tensor([1, 2, 3]);
      const before = live();
      let inner: nx.Tensor | null = null;
      const result = nx.tidy(() => {
        inner = x.mul(2);
        const y = inner.add(1);
        return { y, list: [y.sum(), 7], label: "kept" };
      });
      expect(live()).toBe(before + 2);
      expect(Array.from(result.y.data)).toEqual([3, 5, 7]);
      expect(result.list[0]).toBeInstanceOf(nx.Tensor);
      expect((result.list[0] as nx.Tensor).item()).toBe(15);
      expect(() => inner!.data).toThrow(/freed by nx\.tidy\(\).*return it from fn or mark it with nx\.keep/);
      expect(Array.from(x.data)).toEqual([1, 2, 3]);
    }));

  it("keep() spares a tensor; nested tidies pass results outwards", () =>
    withBackend(name, () => {
      const before = live();
      let kept: nx.Tensor | null = null;
      let innerResult: nx.Tensor | null = null;
      const outer = nx.tidy(() => {
        innerResult = nx.tidy(() => {
          kept = nx.keep(nx.ones([2]));
          return nx.full([2], 3);
        });
        expect(innerResult.isDisposed).toBe(false);
        return innerResult.mul(2);
      });
      expect(innerResult!.isDisposed).toBe(true); // freed by the outer tidy
      expect(kept!.isDisposed).toBe(false);
      expect(Array.from(outer.data)).toEqual([6, 6]);
      expect(live()).toBe(before + 2);
    }));

  it("a returned reshape keeps its source's storage alive", () =>
    withBackend(name, () => {
      const r = nx.tidy(() => nx.arange(6).reshape(2, 3));
      expect(r.toArray()).toEqual([
        [0, 1, 2],
        [3, 4, 5],
      ]);
    }));

  it("a training step inside tidy keeps parameters, gradients and optimizer state", () =>
    withBackend(name, () => {
      nx.manualSeed(1);
      const model = nx.tidy(() => new nx.Sequential(new nx.Linear(4, 8), new nx.ReLU(), new nx.Linear(8, 3)));
      const opt = new nx.optim.Adam(model.parameters(), { lr: 0.01 });
      const crit = new nx.CrossEntropyLoss();
      const x = nx.randn([5, 4]);
      const y = new nx.Tensor([0, 1, 2, 1, 0]);
      const step = () =>
        nx.tidy(() => {
          opt.zeroGrad();
          const loss = crit(model(x), y);
          loss.backward();
          opt.step();
          return loss.item();
        });
      const first = step();
      const after = live();
      let last = first;
      for (let i = 0; i < 50; i++) last = step();
      expect(live()).toBe(after); // nothing piles up
      expect(last).toBeLessThan(first);
      for (const p of model.parameters()) {
        expect(p.isDisposed).toBe(false);
        expect(p.grad).not.toBeNull();
        expect(p.grad!.isDisposed).toBe(false);
      }
    }));

  it("frees everything when fn throws, and rejects async functions", () =>
    withBackend(name, () => {
      const before = live();
      expect(() =>
        nx.tidy(() => {
          nx.ones([3]);
          throw new Error("boom");
        }),
      ).toThrow("boom");
      expect(live()).toBe(before);
      expect(() => nx.tidy((async () => nx.ones([1])) as unknown as () => nx.Tensor)).toThrow(TypeError);
      expect(() => nx.tidy(42 as unknown as () => void)).toThrow(/expected a function, got number 42/);
      expect(() => nx.keep([1] as unknown as nx.Tensor)).toThrow(TypeError);
    }));

  it("dispose() and `using` free at once, and the error names what freed the tensor", () =>
    withBackend(name, () => {
      const before = live();
      const t = nx.ones([4]);
      t.dispose();
      t.dispose(); // twice is fine
      expect(live()).toBe(before);
      expect(() => t.sum()).toThrow(/sum \(a Tensor of shape \[4\]\) was freed by dispose\(\)/);
      const view = nx.ones([2, 2]);
      const flat = view.reshape(4);
      view.dispose();
      expect(() => flat.data).toThrow(/shares storage with a tensor freed by dispose\(\)/);
      {
        using u = nx.zeros([3]);
        expect(u.size).toBe(3);
        expect(live()).toBe(before + 1);
      }
      expect(live()).toBe(before);
      expect(String(t)).toBe("Tensor(shape=[4], freed by dispose())");
    }));

  it("backward frees its temporaries, and `x.grad = null` frees a gradient user code never read", () =>
    withBackend(name, () => {
      const x = new nx.Tensor([1, 2, 3, 4], { requiresGrad: true });
      const y = new nx.Tensor([0, 1, 0, 1]);
      const crit = new nx.MSELoss({ reduction: "sum" });
      const step = () => {
        x.grad = null;
        const h = x.mul(2);
        const loss = crit(h, y); // backward makes gradients for h and x, and scales by 2
        loss.backward();
        loss.dispose();
        h.dispose();
      };
      step();
      const base = live(); // x, y and x.grad
      for (let i = 0; i < 20; i++) step();
      expect(live()).toBe(base);
      const g = x.grad!;
      expect(Array.from(g.data)).toEqual([8, 12, 24, 28]);
      x.grad = null; // read above: user code may hold it, so it is not freed
      expect(g.isDisposed).toBe(false);
      expect(live()).toBe(base);
    }));

  it("zeroGrad: a gradient never read is dropped and reads as zeros; one read is zeroed in place", () =>
    withBackend(name, () => {
      const p = new nx.Tensor([1, 2], { requiresGrad: true });
      const opt = new nx.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
      p.mul(p).sum().backward(); // private gradient [2, 4]
      opt.zeroGrad();
      expect(Array.from(p.grad!.data)).toEqual([0, 0]); // made on read
      const seen = p.grad!;
      p.mul(3).sum().backward();
      expect(p.grad).toBe(seen);
      expect(Array.from(seen.data)).toEqual([3, 3]);
      opt.zeroGrad();
      expect(p.grad).toBe(seen); // zeroed in place, as PyTorch
      expect(Array.from(seen.data)).toEqual([0, 0]);
      // A dropped gradient that backward never refills still steps the momentum, as zeros.
      p.mul(p).sum().backward();
      opt.step(); // p = [1, 2] − 0.1·[2, 4]
      expect(Array.from(p.data)).toEqual([Math.fround(0.8), Math.fround(1.6)]);
      opt.zeroGrad();
      opt.step(); // grad reads as zeros: momentum 0.9·[2, 4] still moves p
      expect(Array.from(p.data)).toEqual([Math.fround(Math.fround(0.8) - Math.fround(0.1 * Math.fround(0.9 * 2))), Math.fround(Math.fround(1.6) - Math.fround(0.1 * Math.fround(0.9 * 4)))]);
    }));
});

describe("nx.memory()", () => {
  it("counts tensors and bytes, and the wasm memory", () => {
    const before = nx.memory();
    const t = nx.zeros([1000]);
    const view = t.reshape(10, 100);
    const after = nx.memory();
    expect(after.numTensors - before.numTensors).toBe(1); // a reshape shares storage
    expect(after.numBytes - before.numBytes).toBe(4000);
    expect(after.wasmBytes).toBeGreaterThanOrEqual(after.residentBytes);
    view.dispose(); // a view frees nothing
    expect(nx.memory().numTensors).toBe(after.numTensors);
    t.dispose();
    expect(nx.memory().numTensors).toBe(before.numTensors);
  });
});

describe("memory functions check their arguments", () => {
  it("configureMemory, noGrad and loadStateDict's options", () => {
    expect(() => nx.configureMemory({ warning: false } as never)).toThrow(/configureMemory.*warnings/);
    expect(() => nx.configureMemory({ warnings: "no" } as never)).toThrow(TypeError);
    expect(() => nx.noGrad(3 as never)).toThrow(/noGrad: expected a function, got number 3/);
    const m = new nx.Linear(2, 1);
    expect(() => m.loadStateDict(m.stateDict(), { strict: "yes" } as never)).toThrow(TypeError);
    expect(() => m.loadStateDict(m.stateDict(), { strcit: true } as never)).toThrow(/strict/);
  });
});

