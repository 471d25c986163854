/**
 * Memory over a long training run with no dispose() and no forced garbage
 * collection in user code: 10,000 steps of a small classifier (the
 * documentation's loop: zeroGrad, forward, loss, backward, step, over a
 * shuffling DataLoader), yielding to the event loop every 50 steps as a loop
 * that reports progress does (FinalizationRegistry callbacks run between
 * tasks).
 *
 * Two things are checked:
 * - nothing leaks: after steps 1,000 and 10,000 the test collects garbage,
 *   lets the callbacks run, and the live tensors (bytes, blocks) and the JS
 *   heap must not have grown;
 * - the memory is bounded while the engine collects on its own: the wasm
 *   memory stays a small fraction of what the run allocated in all, because
 *   every storage is counted by the engine as external memory (ts/tensor.ts)
 *   and V8 collects once about 64 MB of external memory has piled up (its
 *   soft limit): so the memory may reach 128 MB, never more.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { expect, it } from "vitest";
import * as nx from "../../ts/index";
import { heap } from "../../ts/wasm/memory";

/** global.gc, exposed at run time when node was started without --expose-gc. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing !== undefined) return existing;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Figures {
  bytesLive: number;
  blocksLive: number;
  bytesReserved: number;
  memoryBytes: number;
  jsHeap: number;
}

async function settle(gc: () => void): Promise<Figures> {
  // Finalizers run in tasks after the collection that found their targets.
  for (let i = 0; i < 4; i++) {
    gc();
    await tick();
  }
  const s = heap.stats();
  return { ...s, memoryBytes: heap.memory.buffer.byteLength, jsHeap: process.memoryUsage().heapUsed };
}

it("10,000 training steps keep the wasm memory and the JS heap bounded", { timeout: 300_000 }, async () => {
  const gc = collector();
  nx.manualSeed(0);
  const x = nx.randn([512, 32]);
  const y = new nx.Tensor(Array.from({ length: 512 }, (_, i) => i % 10));
  const loader = new nx.data.DataLoader(new nx.data.TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 1 });
  const model = new nx.Sequential(new nx.Linear(32, 64), new nx.ReLU(), new nx.Linear(64, 10));
  const criterion = new nx.CrossEntropyLoss();
  const optimizer = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });

  const marks = new Map<number, Figures>();
  let step = 0;
  let firstLoss = NaN;
  let lastLoss = NaN;
  const allocatedBefore = heap.stats().bytesAllocatedTotal;
  let memoryAt10000 = 0;
  while (step < 10_000) {
    for (const [inputs, targets] of loader) {
      optimizer.zeroGrad();
      const loss = criterion(model(inputs), targets);
      loss.backward();
      optimizer.step();
      step++;
      if (step === 1) firstLoss = loss.item();
      if (step % 50 === 0) {
        lastLoss = loss.item();
        await tick();
      }
      if (step === 10_000) memoryAt10000 = heap.memory.buffer.byteLength;
      if (step === 1_000 || step === 10_000) marks.set(step, await settle(gc));
      if (step === 10_000) break;
    }
  }
  const early = marks.get(1_000)!;
  const late = marks.get(10_000)!;
  console.log("memory after step 1,000 / 10,000:", JSON.stringify(early), JSON.stringify(late));

  // The run did train (so the steps were real).
  expect(lastLoss).toBeLessThan(firstLoss);
  // No leak: what live tensors hold after a full collection.
  expect(late.bytesLive).toBeLessThanOrEqual(early.bytesLive + 64 * 1024);
  expect(late.blocksLive).toBeLessThanOrEqual(early.blocksLive + 64);
  // Bounded without forced collections: a fraction of all that was allocated.
  const allocated = heap.stats().bytesAllocatedTotal - allocatedBefore;
  console.log(`wasm memory after step 10,000: ${memoryAt10000} bytes; allocated during the run: ${allocated} bytes`);
  expect(allocated).toBeGreaterThan(4 * 128 * 1024 * 1024);
  expect(memoryAt10000).toBeLessThanOrEqual(128 * 1024 * 1024);
  // JS heap after a full collection.
  expect(late.jsHeap).toBeLessThanOrEqual(early.jsHeap + 4 * 1024 * 1024);
});
