/**
 * The gallery examples step for step with PyTorch 1.13: for each example
 * (examples/{binary,multilabel,reconstruction,segmentation}.ts) the same
 * data, model, runs and first-epoch batch order as its PyTorch twin, initial
 * weights both languages compute from the shared LCG, and the loss of each
 * of the first 50 steps of every run within 1e-3 relative of
 * test/golden/gallery_parity.json (test/golden/gen_gallery_parity.py), on
 * both backends.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { permutation, randomInts, randomUniform } from "../../examples/lib/shuffle";
import { trainSteps, type Run } from "../../examples/lib/train";
import { epochBatches, type Samples } from "../../examples/lib/batches";
import * as binary from "../../examples/binary";
import * as multilabel from "../../examples/multilabel";
import * as reconstruction from "../../examples/reconstruction";
import * as segmentation from "../../examples/segmentation";

interface Example {
  TASK: { seed: number; batchSize: number };
  taskData(): { train: Samples };
  makeModel(): nx.Module;
  makeRuns(init: Record<string, nx.nn.StateDictValue>): Run[];
}
const EXAMPLES: Record<string, Example> = { binary, multilabel, reconstruction, segmentation };

const fixture = JSON.parse(readFileSync(new URL("../golden/gallery_parity.json", import.meta.url), "utf8")) as {
  steps: number;
  tasks: Record<string, { runs: { name: string; losses: number[] }[] }>;
  lcg: { permutation: number[]; randomInts: number[]; randomUniform: number[] };
};

/** The bound: each loss within 1e-3 relative of PyTorch's. */
const PARITY = { rtol: 1e-3, atol: 0 };

/** gen_gallery_parity.py's parity_weights: by sorted name, U(−b, b), b = 1/√in for weights, 0.05 for biases. */
function parityWeights(model: nx.Module, seed: number): Record<string, Float32Array> {
  const named = model.namedParameters().sort(([a], [b]) => (a < b ? -1 : 1));
  return Object.fromEntries(
    named.map(([name, p], k) => {
      const bound = p.ndim === 2 ? 1 / Math.sqrt(p.shape[1]) : 0.05;
      return [name, Float32Array.from(randomUniform(p.size, 100 * seed + k), (u) => (2 * u - 1) * bound)];
    }),
  );
}

const data = new Map<string, Samples>();

it("batch orders, canvas shifts and parity weights come from the same numbers as in Python (examples/lib/twin.py)", () => {
  expect(permutation(50, 1001)).toEqual(fixture.lcg.permutation);
  expect(randomInts(20, 9, 40)).toEqual(fixture.lcg.randomInts);
  expect(randomUniform(5, 100)).toEqual(fixture.lcg.randomUniform);
});

describe.each(BACKENDS)("gallery examples match PyTorch on %s", (backend) => {
  it.each(Object.keys(EXAMPLES))("%s: the first 50 losses of every run within 1e-3", { timeout: 180_000 }, (name) =>
    withBackend(backend, () => {
      const ex = EXAMPLES[name];
      if (!data.has(name)) data.set(name, ex.taskData().train);
      const train = data.get(name)!;
      const runs = ex.makeRuns(parityWeights(ex.makeModel(), ex.TASK.seed));
      const expected = fixture.tasks[name].runs;
      expect(runs.map((r) => r.name)).toEqual(expected.map((r) => r.name));
      runs.forEach((run, i) => {
        const want = expected[i].losses;
        expect(want).toHaveLength(fixture.steps);
        expect(want[fixture.steps - 1]).toBeLessThan(0.8 * want[0]); // the runs really learn
        const losses = trainSteps(run, epochBatches(train, ex.TASK, 0), fixture.steps);
        expectClose(losses, want, PARITY, `${name} / ${run.name} losses on ${backend}`);
      });
    }),
  );
});
