/**
 * Under the test-only memory limit: out-of-memory errors say what is in use
 * and what to do, and free space is reusable whatever the sizes (the
 * allocator merges neighbours; per-size free lists fail here).
 */
import { afterEach, describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { allocBlock, setMemoryLimitForTests } from "../../ts/memory/storage";

const MB = 2 ** 20;
nx.configureMemory({ warnings: false });
afterEach(() => setMemoryLimitForTests(null));

describe("out of memory", () => {
  it("a tensor larger than the memory can hold: RangeError naming what is in use and the fixes", () => {
    setMemoryLimitForTests(8 * MB);
    const before = nx.ones([1000]);
    expect(() => nx.zeros([4 * MB])).toThrow(RangeError);
    expect(() => nx.zeros([4 * MB])).toThrow(
      /out of memory: 16\.0 MB more do not fit: tensors in use hold .* MB of the 8\.0 MB .*t\.dispose\(\), or nx\.tidy/,
    );
    // Tensors made before are intact, and smaller ones still fit.
    expect(before.sum().item()).toBe(1000);
    expect(nx.ones([100_000]).sum().item()).toBe(100_000);
  });

  it("beyond wasm32's 4 GiB", () => {
    expect(() => nx.zeros([2 ** 30 + 1])).toThrow(/has 1\.07e\+9 elements; a tensor holds at most .* \(WebAssembly memory stops at 4 GiB\)/);
    // Below the shape check, the allocator's own limit gives the out-of-memory error.
    expect(() => allocBlock(2 ** 32)).toThrow(/out of memory: 4096\.0 MB more do not fit.*wasm32 stops at 4 GiB/);
  });
});

describe("free space is reusable whatever the sizes", () => {
  it("after 64 MB of 200 KB tensors are freed, 64 MB of 400 KB tensors fit in a 96 MB memory, and back", () => {
    setMemoryLimitForTests(96 * MB);
    // Grow to the limit first, so that nothing below needs to make room.
    nx.zeros([90 * 2 ** 18]).dispose();
    const wasm = nx.memory().wasmBytes;
    const reclaims = nx.memory().reclaims;
    for (const [first, second] of [
      [50_000, 100_000],
      [100_000, 50_000],
      [50_000, 7_001],
      [1_000, 100_000],
    ]) {
      const a = Array.from({ length: Math.floor((64 * MB) / (first * 4)) }, () => nx.zeros([first]));
      for (const t of a) t.dispose();
      const b = Array.from({ length: Math.floor((64 * MB) / (second * 4)) }, () => nx.zeros([second]));
      expect(b.every((t) => t.data[0] === 0)).toBe(true);
      for (const t of b) t.dispose();
    }
    // No reclaim was needed: every allocation found a free block.
    expect(nx.memory().reclaims).toBe(reclaims);
    expect(nx.memory().wasmBytes).toBe(wasm);
  });
});

describe("copies into tensors moved out of wasm memory", () => {
  it("loadStateDict from another model's tensors and from their data views", () => {
    setMemoryLimitForTests(8 * MB);
    nx.manualSeed(3);
    const a = new nx.Linear(200, 100);
    const b = new nx.Linear(200, 100);
    const c = new nx.Linear(200, 100);
    const movedOut = nx.memory().storagesMovedOut;
    for (let i = 0; i < 200; i++) nx.zeros([50_000]); // garbage: b's and c's parameters are moved out
    expect(nx.memory().storagesMovedOut).toBeGreaterThan(movedOut + 4);
    b.loadStateDict({ weight: a.weight, bias: a.bias! });
    c.loadStateDict({ weight: a.weight.data, bias: a.bias!.data });
    for (const m of [b, c]) {
      expect(Array.from(m.weight.data)).toEqual(Array.from(a.weight.data));
      expect(Array.from(m.bias!.data)).toEqual(Array.from(a.bias!.data));
    }
  });
});
