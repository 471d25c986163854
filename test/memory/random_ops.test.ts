/**
 * Thousands of random ops under a deliberately tiny memory (1 MiB for
 * tensors, the test-only limit): tensors are kept, dropped (left to the
 * memory manager, as a synchronous loop does), disposed and tidied at
 * random, so storages are moved out and back in all the time. Every op's
 * result and every kept tensor's values are checked against plain-JS
 * shadows, on both backends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { setMemoryLimitForTests } from "../../ts/memory/storage";
import { BACKENDS, withBackend } from "../helpers/backends";
import { mulberry32 } from "../helpers/prng";

const LIMIT = 1 << 20;
const SIZES = [1, 3, 16, 100, 257, 1024, 2000];
const POOL = 40;

beforeAll(() => {
  nx.configureMemory({ warnings: false });
  setMemoryLimitForTests(LIMIT);
});
afterAll(() => setMemoryLimitForTests(null));

interface Kept {
  t: nx.Tensor;
  shadow: Float32Array;
}

function expectValues(t: nx.Tensor, shadow: Float32Array, what: string): void {
  const d = t.data;
  expect(d.length, what).toBe(shadow.length);
  for (let i = 0; i < d.length; i++) {
    if (!Object.is(d[i], shadow[i])) throw new Error(`${what}: element ${i} is ${d[i]}, expected ${shadow[i]}`);
  }
}

describe.each(BACKENDS)("random ops under a 1 MiB memory (%s)", (name) => {
  it("keeps every kept tensor intact and every result right", () =>
    withBackend(name, () => {
      const rng = mulberry32(name === "js" ? 11 : 12);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
      const pool: Kept[] = [];
      const before = nx.memory();
      const fresh = (n: number): Kept => {
        const shadow = new Float32Array(n);
        for (let i = 0; i < n; i++) shadow[i] = Math.round((rng() - 0.5) * 64) / 8;
        return { t: new nx.Tensor(shadow), shadow };
      };
      const sameSize = (k: Kept) => pool.filter((o) => o.shadow.length === k.shadow.length);

      for (let op = 0; op < 4000; op++) {
        const r = rng();
        if (pool.length < 4 || (r < 0.25 && pool.length < POOL)) {
          pool.push(fresh(pick(SIZES)));
        } else if (r < 0.45) {
          // c = a·b + a (element-wise, exact in float32 for these values)
          const a = pick(pool);
          const b = pick(sameSize(a));
          const c = a.t.mul(b.t).add(a.t);
          const shadow = a.shadow.map((v, i) => Math.fround(Math.fround(v * b.shadow[i]) + v));
          expectValues(c, shadow, `op ${op}: a·b + a`);
          if (rng() < 0.5 && pool.length < POOL) pool.push({ t: c, shadow });
        } else if (r < 0.55) {
          // Gradients: d/da Σ(a·b) = b
          const a = pick(pool);
          const b = pick(sameSize(a));
          const leaf = a.t.detach().clone();
          leaf.requiresGrad = true;
          leaf.mul(b.t).sum().backward();
          expectValues(leaf.grad!, b.shadow, `op ${op}: gradient`);
        } else if (r < 0.65) {
          const a = pick(pool);
          const s = a.t.sum().item();
          const exact = a.shadow.reduce((acc, v) => acc + v, 0);
          expect(Math.abs(s - exact), `op ${op}: sum`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(exact)));
        } else if (r < 0.75) {
          // A tidy that makes garbage and returns one tensor.
          const a = pick(pool);
          const out = nx.tidy(() => a.t.add(1).mul(2).sub(2));
          expectValues(out, a.shadow.map((v) => Math.fround(Math.fround(Math.fround(v + 1) * 2) - 2)), `op ${op}: tidy`);
        } else if (r < 0.85) {
          // Drop one (garbage for the memory manager), or dispose it.
          const k = pool.splice(Math.floor(rng() * pool.length), 1)[0];
          if (rng() < 0.5) k.t.dispose();
        } else {
          const k = pick(pool);
          expectValues(k.t, k.shadow, `op ${op}: kept tensor`);
        }
      }
      for (const [i, k] of pool.entries()) expectValues(k.t, k.shadow, `kept tensor ${i} at the end`);
      const after = nx.memory();
      // The memory manager really was at work.
      expect(after.reclaims).toBeGreaterThan(before.reclaims);
      expect(after.storagesMovedOut).toBeGreaterThan(before.storagesMovedOut);
      expect(after.storagesMovedIn).toBeGreaterThan(before.storagesMovedIn);
      expect(after.wasmBytes).toBe(before.wasmBytes);
    }));
});
