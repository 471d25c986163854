/**
 * StepLR and CosineAnnealingLR against PyTorch 1.13
 * (test/golden/gen_training_utils.py): get_last_lr() and every group's lr
 * after the constructor and each step, with optimizer steps in between, on
 * both backends; a hand-made lr change mid-way follows PyTorch's recursive
 * form; option errors.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";

interface SchedulerCase {
  kind: "StepLR" | "CosineAnnealingLR";
  optimizer: "SGD" | "Adam";
  lrs: number[];
  args: [number];
  opts: Record<string, number>;
  steps: number;
  halveAt: number | null;
  lastLr: number[][];
  groupLr: number[][];
  lastEpoch: number;
}
const fixture = JSON.parse(readFileSync(new URL("../golden/training_utils.json", import.meta.url), "utf8")) as {
  schedulers: SchedulerCase[];
};

/** float64 arithmetic on both sides; only cos may differ in its last bit between libms. */
const TOL = { rtol: 1e-12, atol: 0 };

function optimizerFor(c: SchedulerCase): nx.optim.Optimizer<{ lr: number }, unknown> {
  const groups = c.lrs.map((lr) => ({ params: [nx.zeros([2]).detach()], lr }));
  groups.forEach((g) => (g.params[0].requiresGrad = true));
  return c.optimizer === "SGD" ? new nx.optim.SGD(groups, { lr: c.lrs[0] }) : new nx.optim.Adam(groups, { lr: c.lrs[0] });
}

function schedulerFor(c: SchedulerCase, opt: nx.optim.Optimizer<{ lr: number }, unknown>): nx.optim.lrScheduler.LRScheduler {
  return c.kind === "StepLR"
    ? new nx.optim.lrScheduler.StepLR(opt, c.args[0], c.opts)
    : new nx.optim.lrScheduler.CosineAnnealingLR(opt, c.args[0], c.opts);
}

describe.each(BACKENDS)("lr schedulers on %s", (backend) => {
  it.each(fixture.schedulers.map((c, i) => [`${c.kind} ${JSON.stringify(c.args)} ${JSON.stringify(c.opts)} (${c.optimizer}, case ${i})`, c] as const))(
    "%s: every rate as PyTorch",
    (_, c) =>
      withBackend(backend, () => {
        const opt = optimizerFor(c);
        const sched = schedulerFor(c, opt);
        const lastLr = [sched.getLastLr()];
        const groupLr = [opt.paramGroups.map((g) => g.lr)];
        for (let s = 0; s < c.steps; s++) {
          for (const g of opt.paramGroups) g.params[0].grad = nx.ones([2]);
          opt.step();
          if (c.halveAt === s) for (const g of opt.paramGroups) g.lr *= 0.5;
          sched.step();
          lastLr.push(sched.getLastLr());
          groupLr.push(opt.paramGroups.map((g) => g.lr));
        }
        expectClose(lastLr.flat(), c.lastLr.flat(), TOL, "getLastLr()");
        expectClose(groupLr.flat(), c.groupLr.flat(), TOL, "paramGroups[i].lr");
        expect(sched.lastEpoch).toBe(c.lastEpoch);
        expect(sched.baseLrs).toEqual(c.lrs);
      }),
  );

  it("the optimizer uses the scheduled rate: SGD steps of lr·grad", () =>
    withBackend(backend, () => {
      const p = nx.zeros([3]).detach();
      p.requiresGrad = true;
      const opt = new nx.optim.SGD([p], { lr: 1 });
      const sched = new nx.optim.lrScheduler.StepLR(opt, 1, { gamma: 0.5 });
      for (let s = 0; s < 3; s++) {
        p.grad = nx.ones([3]);
        opt.step();
        sched.step();
      }
      // 1 + 0.5 + 0.25
      expectClose(p.data, [-1.75, -1.75, -1.75], { rtol: 0, atol: 0 }, "p after three scheduled steps");
    }));
});

describe("lr scheduler errors", () => {
  const opt = () => new nx.optim.SGD([nx.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  it("names the bad argument", () => {
    const { StepLR, CosineAnnealingLR } = nx.optim.lrScheduler;
    expect(() => new StepLR(opt(), 0)).toThrow(new RangeError("StepLR: stepSize must be an integer ≥ 1, got 0"));
    expect(() => new StepLR(opt(), 2.5)).toThrow(RangeError);
    expect(() => new StepLR(opt(), 2, { gamma: "x" as never })).toThrow(/StepLR: gamma must be a finite number/);
    expect(() => new StepLR(opt(), 2, { step_size: 2 } as never)).toThrow(/StepLR: unknown option 'step_size'/);
    expect(() => new CosineAnnealingLR(opt(), -1)).toThrow(/CosineAnnealingLR: tMax must be an integer ≥ 1, got -1/);
    expect(() => new CosineAnnealingLR(opt(), 3, { eta_min: 0 } as never)).toThrow(TypeError);
    expect(() => new CosineAnnealingLR({} as never, 3)).toThrow(/CosineAnnealingLR: optimizer must be an Optimizer/);
    expect(() => new StepLR(opt(), 2, { lastEpoch: 4 })).toThrow(/parameter group 0 has no initialLr/);
  });

  it("resumes with lastEpoch when the groups have initialLr, as PyTorch", () => {
    const o = opt();
    new nx.optim.lrScheduler.StepLR(o, 2, { gamma: 0.5 });
    const resumed = new nx.optim.lrScheduler.StepLR(o, 2, { gamma: 0.5, lastEpoch: 3 });
    // PyTorch: last_epoch 3 → 4 in the constructor's step, 4 % 2 == 0 → lr · γ
    expect(resumed.lastEpoch).toBe(4);
    expect(resumed.getLastLr()).toEqual([0.05]);
  });
});
