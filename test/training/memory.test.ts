/**
 * The loops users write, synchronous (no await, so no finalizer ever runs),
 * with no dispose() and no tidy: memory must stay bounded by itself
 * (ts/memory/storage.ts moves tensors not used lately out of wasm memory).
 *
 * - The README's training loop: the documented classifier (784 → 128 → 10,
 *   CrossEntropyLoss, Adam, DataLoader, batch 64) on real MNIST digits,
 *   20,000 steps on wasm-simd and 1,000 on js: wasm memory ≤ 512 MB, RSS
 *   growth ≤ 768 MB, and it trains (held-out accuracy as `npm run example`).
 * - PyTorch users' benchmark loop, `x.grad = null; crit(x, t).backward()`,
 *   20,000 calls of MSELoss on 1e5 elements (also reading x.grad each call,
 *   which makes every gradient user-visible garbage): bounded, and a tensor
 *   made before the loop and not used during it keeps its values.
 * Memory figures are asserted as bounds; speed is measured by `npm run
 * bench`, not here.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { withBackend } from "../helpers/backends";
import { heldOutAccuracy, readmeTraining } from "../../examples/lib/readme_classifier";

const MB = 2 ** 20;
const WASM_LIMIT = 512 * MB;
const RSS_GROWTH_LIMIT = 768 * MB;

nx.configureMemory({ warnings: false });

function readmeTrainingLoop(steps: number): { accuracy: number; maxWasm: number; rssGrowth: number; movedOut: number } {
  const { model, criterion, optimizer, loader, test } = readmeTraining();
  const rss0 = process.memoryUsage().rss;
  const moved0 = nx.memory().bytesMovedOut;
  let maxWasm = 0;
  let maxRss = 0;
  let step = 0;
  while (step < steps) {
    for (const [inputs, targets] of loader) {
      optimizer.zeroGrad();
      const loss = criterion(model(inputs), targets);
      loss.backward();
      optimizer.step();
      if (++step % 500 === 0) {
        maxWasm = Math.max(maxWasm, nx.memory().wasmBytes);
        maxRss = Math.max(maxRss, process.memoryUsage().rss);
      }
      if (step === steps) break;
    }
  }
  return { accuracy: heldOutAccuracy(model, test), maxWasm, rssGrowth: maxRss - rss0, movedOut: nx.memory().bytesMovedOut - moved0 };
}

describe("synchronous loops without dispose stay bounded", () => {
  it("the README training loop, 20,000 steps on wasm-simd", { timeout: 600_000 }, () =>
    withBackend("wasm-simd", () => {
      const r = readmeTrainingLoop(20_000);
      console.log(`wasm-simd README loop: ${JSON.stringify(r)}`);
      expect(r.maxWasm).toBeLessThanOrEqual(WASM_LIMIT);
      expect(r.rssGrowth).toBeLessThanOrEqual(RSS_GROWTH_LIMIT);
      expect(r.movedOut).toBeGreaterThan(1024 * MB); // gigabytes of garbage went through
      expect(r.accuracy).toBeGreaterThanOrEqual(0.92); // npm run example: 93.4% after 1,250 steps
    }));

  it("the README training loop, 1,000 steps on js", { timeout: 600_000 }, () =>
    withBackend("js", () => {
      const r = readmeTrainingLoop(1_000);
      console.log(`js README loop: ${JSON.stringify(r)}`);
      expect(r.maxWasm).toBeLessThanOrEqual(WASM_LIMIT);
      expect(r.rssGrowth).toBeLessThanOrEqual(RSS_GROWTH_LIMIT);
      expect(r.accuracy).toBeGreaterThanOrEqual(0.85);
    }));

  it.each(["wasm-simd", "js"] as const)("x.grad = null; crit(x, t).backward(), 20,000 calls on 1e5 elements (%s)", { timeout: 600_000 }, (name) =>
    withBackend(name, () => {
      const n = 100_000;
      const kept = nx.randn([50_000], { seed: 3 });
      const keptValues = kept.data.slice();
      const x = nx.randn([n], { seed: 1, requiresGrad: true });
      const t = nx.randn([n], { seed: 2 });
      const crit = new nx.MSELoss();
      const rss0 = process.memoryUsage().rss;
      let maxWasm = 0;
      let maxRss = 0;
      let sum = 0;
      const calls = name === "js" ? 4_000 : 20_000;
      for (let i = 0; i < calls; i++) {
        x.grad = null;
        crit(x, t).backward();
        // Every other call reads the gradient: user-visible garbage from then on.
        if (i % 2 === 0) sum += x.grad!.data[i % n];
        if (i % 500 === 0) {
          maxWasm = Math.max(maxWasm, nx.memory().wasmBytes);
          maxRss = Math.max(maxRss, process.memoryUsage().rss);
        }
      }
      console.log(`${name} grad = null loop: wasm ${maxWasm / MB} MB, RSS growth ${((maxRss - rss0) / MB).toFixed(0)} MB`);
      expect(maxWasm).toBeLessThanOrEqual(WASM_LIMIT);
      expect(maxRss - rss0).toBeLessThanOrEqual(RSS_GROWTH_LIMIT);
      expect(Number.isFinite(sum)).toBe(true);
      expect(Array.from(kept.data)).toEqual(Array.from(keptValues));
      // The last gradient is right: 2 (x − t) / n.
      const g = x.grad!.data;
      const xd = x.data.slice();
      const td = t.data;
      for (let i = 0; i < n; i += 997) expect(g[i]).toBeCloseTo((2 * (xd[i] - td[i])) / n, 9);
    }));
});
