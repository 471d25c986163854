/**
 * The one-time warning: the first time neurenix has to move dropped tensors
 * out inside one synchronous job, one console.warn says what it costs and
 * the two fixes; never again in the process, and never when silenced.
 */
import { afterAll, expect, it, vi } from "vitest";
import * as nx from "../../ts/index";
import { setMemoryLimitForTests } from "../../ts/memory/storage";

afterAll(() => setMemoryLimitForTests(null));

/** A synchronous loop dropping 100 KB tensors: 64 MB of garbage in a 4 MB memory. */
function dropTensors(): void {
  for (let i = 0; i < 640; i++) nx.zeros([25_000]).add(1);
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

it("warns once per process, naming the cost and the fixes; not for loops that yield, nor when silenced", async () => {
  setMemoryLimitForTests(4 * 2 ** 20);
  const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

  // A loop that yields between steps: its reclaims are in separate tasks.
  const before = nx.memory().reclaims;
  for (let i = 0; i < 60; i++) {
    for (let j = 0; j < 2; j++) nx.zeros([100_000]).add(1);
    await tick();
  }
  expect(nx.memory().reclaims).toBeGreaterThan(before + 5);
  expect(warn).not.toHaveBeenCalled();

  nx.configureMemory({ warnings: false });
  dropTensors();
  expect(warn).not.toHaveBeenCalled();
  await tick();

  nx.configureMemory({ warnings: true });
  dropTensors();
  expect(warn).toHaveBeenCalledTimes(1);
  const message = String(warn.mock.calls[0][0]);
  expect(message).toMatch(/synchronous loop/);
  expect(message).toMatch(/a copy per dropped tensor/);
  expect(message).toMatch(/nx\.tidy\(\(\) => \{ … \}\)/);
  expect(message).toMatch(/await between steps/);
  expect(message).toMatch(/nx\.configureMemory\(\{ warnings: false \}\)/);
  await tick();
  dropTensors();
  expect(warn).toHaveBeenCalledTimes(1);
  warn.mockRestore();
});
