/**
 * SGD and Adam: several steps on both backends against a float64
 * re-implementation of PyTorch 1.13's update rules (every option), plus
 * zeroGrad, parameter groups, skipped parameters and option errors.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";
import { Generator } from "../../ts/random";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";

/** float32 parameters against a float64 reference after a few steps. */
const TOL = { rtol: 2e-6, atol: 2e-6 };

const N = 37; // odd: exercises the SIMD tails
const STEPS = 6;

/** Deterministic parameter start and gradient sequence, as float32 values. */
function problem(seed: number): { start: number[]; grads: number[][] } {
  const g = new Generator(seed);
  const f32 = (v: number) => Math.fround(v);
  const start = Array.from({ length: N }, () => f32(g.normal()));
  const grads = Array.from({ length: STEPS }, () => Array.from({ length: N }, () => f32(g.normal() * 0.5)));
  return { start, grads };
}

/** PyTorch's SGD (torch/optim/sgd.py, _single_tensor_sgd) in float64. */
function sgdReference(
  o: { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean },
  start: number[],
  grads: number[][],
): number[] {
  const { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false } = o;
  const p = start.slice();
  let buf: number[] | null = null;
  for (const grad of grads) {
    const d = grad.map((g, i) => g + weightDecay * p[i]);
    let step = d;
    if (momentum !== 0) {
      buf = buf === null ? d.slice() : buf.map((b, i) => momentum * b + (1 - dampening) * d[i]);
      step = nesterov ? d.map((v, i) => v + momentum * buf![i]) : buf;
    }
    for (let i = 0; i < N; i++) p[i] -= lr * step[i];
  }
  return p;
}

/** PyTorch's Adam (torch/optim/adam.py, _single_tensor_adam) in float64. */
function adamReference(
  o: { lr?: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean },
  start: number[],
  grads: number[][],
): number[] {
  const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = 0, amsgrad = false } = o;
  const [b1, b2] = betas;
  const p = start.slice();
  const m = new Array<number>(N).fill(0);
  const v = new Array<number>(N).fill(0);
  const vMax = new Array<number>(N).fill(0);
  grads.forEach((grad, t0) => {
    const t = t0 + 1;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    for (let i = 0; i < N; i++) {
      const g = grad[i] + weightDecay * p[i];
      m[i] = b1 * m[i] + (1 - b1) * g;
      v[i] = b2 * v[i] + (1 - b2) * g * g;
      vMax[i] = Math.max(vMax[i], v[i]);
      const denom = Math.sqrt(amsgrad ? vMax[i] : v[i]) / bc2Sqrt + eps;
      p[i] -= (stepSize * m[i]) / denom;
    }
  });
  return p;
}

/** Adam's problem: two small late gradients make v fall, so amsgrad's max matters. */
function adamProblem(): { start: number[]; grads: number[][] } {
  const { start, grads } = problem(2);
  for (const t of [3, 4]) grads[t] = grads[t].map((g) => Math.fround(-0.01 * g));
  return { start, grads };
}

/** Runs the optimizer over the gradient sequence, setting p.grad in place as backward would. */
function run(make: (params: nx.Tensor[]) => nx.optim.Optimizer<object, unknown>, start: number[], grads: number[][]): number[] {
  const p = new nx.Tensor(start, { requiresGrad: true });
  const opt = make([p]);
  for (const g of grads) {
    if (p.grad === null) p.grad = new nx.Tensor(g);
    else p.grad.data.set(g);
    opt.step();
  }
  return Array.from(p.data);
}

const sgdCases = [
  { lr: 0.1 },
  { lr: 0.05, momentum: 0.9 },
  { lr: 0.05, momentum: 0.9, dampening: 0.3 },
  { lr: 0.05, momentum: 0.8, nesterov: true },
  { lr: 0.1, weightDecay: 0.01 },
  { lr: 0.02, momentum: 0.5, dampening: 0.1, weightDecay: 0.05 },
  { lr: 0.02, momentum: 0.9, weightDecay: 0.1, nesterov: true },
];

const adamCases = [
  {},
  { lr: 0.01 },
  { lr: 0.01, betas: [0.8, 0.9] as [number, number], eps: 1e-6 },
  { lr: 0.01, weightDecay: 0.1 },
  { lr: 0.01, amsgrad: true },
  { lr: 0.01, betas: [0.9, 0.5] as [number, number], amsgrad: true },
  { lr: 0.005, betas: [0.5, 0.99] as [number, number], weightDecay: 0.02, amsgrad: true },
];

describe.each(BACKENDS)("optimizers on %s", (backend) => {
  it.each(sgdCases)("SGD %o matches PyTorch's rule over 6 steps", (o) => {
    const { start, grads } = problem(1);
    const ours = withBackend(backend, () => run((ps) => new nx.optim.SGD(ps, o), start, grads));
    expectClose(ours, sgdReference(o, start, grads), TOL, "SGD parameters");
    // The update is not the identity.
    expect(Math.abs(ours[0] - start[0])).toBeGreaterThan(1e-3);
  });

  it.each(adamCases)("Adam %o matches PyTorch's rule over 6 steps", (o) => {
    const { start, grads } = adamProblem();
    const ours = withBackend(backend, () => run((ps) => new nx.optim.Adam(ps, o), start, grads));
    expectClose(ours, adamReference(o, start, grads), TOL, "Adam parameters");
    expect(Math.abs(ours[0] - start[0])).toBeGreaterThan(1e-4);
  });
});

describe("Optimizer behaviour", () => {
  it("amsgrad changes the result when v falls (so the reference's max really is exercised)", () => {
    const { start, grads } = adamProblem();
    const betas: [number, number] = [0.9, 0.5];
    const plain = adamReference({ lr: 0.01, betas }, start, grads);
    const ams = adamReference({ lr: 0.01, betas, amsgrad: true }, start, grads);
    expect(Math.max(...plain.map((v, i) => Math.abs(v - ams[i])))).toBeGreaterThan(1e-4);
  });

  it("zeroGrad zeroes existing gradients in place; setToNone drops them", () => {
    const a = new nx.Tensor([1, 2, 3], { requiresGrad: true });
    const b = new nx.Tensor([4], { requiresGrad: true });
    const opt = new nx.optim.SGD([a, b], { lr: 0.1 });
    a.mul(a).sum().backward();
    const g = a.grad!;
    expect(Array.from(g.data)).toEqual([2, 4, 6]);
    opt.zeroGrad();
    expect(a.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([0, 0, 0]);
    expect(b.grad).toBeNull();
    a.mul(3).sum().backward();
    expect(a.grad).toBe(g);
    expect(Array.from(g.data)).toEqual([3, 3, 3]);
    opt.zeroGrad({ setToNone: true });
    expect(a.grad).toBeNull();
  });

  it("skips parameters without a gradient (no state, no weight decay)", () => {
    const a = new nx.Tensor([1, 1], { requiresGrad: true });
    const b = new nx.Tensor([1, 1], { requiresGrad: true });
    const opt = new nx.optim.Adam([a, b], { lr: 0.1, weightDecay: 0.5 });
    a.grad = new nx.Tensor([1, -1]);
    opt.step();
    expect(Array.from(b.data)).toEqual([1, 1]);
    // Adam's first step moves by lr·sign(g) (here g = 1 + 0.5·1 and −1 + 0.5·1).
    expectClose(a.data, [0.9, 1.1], { rtol: 1e-6, atol: 0 }, "a after one step");
  });

  it("parameter groups take their own options and fall back on the optimizer's", () => {
    const a = new nx.Tensor([1], { requiresGrad: true });
    const b = new nx.Tensor([1], { requiresGrad: true });
    const opt = new nx.optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1, momentum: 0.9 });
    expect(opt.paramGroups.map((g) => [g.lr, g.momentum])).toEqual([
      [0.1, 0.9],
      [0.5, 0.9],
    ]);
    a.grad = new nx.Tensor([1]);
    b.grad = new nx.Tensor([1]);
    opt.step();
    expectClose([a.data[0], b.data[0]], [0.9, 0.5], { rtol: 1e-7, atol: 0 }, "a and b");
    // The learning rate can be changed between steps, as in PyTorch.
    opt.paramGroups[0].lr = 0;
    opt.step();
    expect(a.data[0]).toBeCloseTo(0.9, 6);
    expect(String(opt)).toContain("Parameter Group 1\n    dampening: 0\n    lr: 0.5");
  });

  it("model.parameters() with a loss decreases the loss", () => {
    nx.manualSeed(0);
    const model = new nx.Sequential(new nx.Linear(3, 8), new nx.ReLU(), new nx.Linear(8, 1));
    const x = nx.randn([16, 3]);
    const y = x.sum(1, true);
    const opt = new nx.optim.Adam(model.parameters(), { lr: 0.01 });
    const criterion = new nx.MSELoss();
    const losses: number[] = [];
    for (let i = 0; i < 100; i++) {
      opt.zeroGrad();
      const loss = criterion(model(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item());
    }
    expect(losses[99]).toBeLessThan(0.1 * losses[0]);
  });

  it("rejects bad options with errors naming the option", () => {
    const p = [new nx.Tensor([1], { requiresGrad: true })];
    expect(() => new nx.optim.SGD(p, { lr: -0.1 })).toThrow(/SGD: lr must be ≥ 0, got -0.1/);
    expect(() => new nx.optim.SGD(p, {} as never)).toThrow(/SGD: lr is required/);
    expect(() => new nx.optim.SGD(p, { lr: 0.1, momentum: -1 })).toThrow(/SGD: momentum must be ≥ 0, got -1/);
    expect(() => new nx.optim.SGD(p, { lr: 0.1, weightDecay: -1 })).toThrow(/SGD: weightDecay must be ≥ 0/);
    expect(() => new nx.optim.SGD(p, { lr: 0.1, nesterov: true })).toThrow(/nesterov requires momentum > 0 and dampening 0/);
    expect(() => new nx.optim.SGD(p, { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(RangeError);
    expect(() => new nx.optim.SGD(p, { lr: 0.1, weight_decay: 0.1 } as never)).toThrow(/unknown option 'weight_decay'/);
    expect(() => new nx.optim.SGD(p, { lr: "0.1" } as never)).toThrow(TypeError);
    expect(() => new nx.optim.Adam(p, { lr: NaN })).toThrow(/Adam: lr must be ≥ 0, got NaN/);
    expect(() => new nx.optim.Adam(p, { eps: -1e-8 })).toThrow(/Adam: eps must be ≥ 0/);
    expect(() => new nx.optim.Adam(p, { betas: [0.9, 1] })).toThrow(/Adam: betas\[1\] must be in \[0, 1\), got 1/);
    expect(() => new nx.optim.Adam(p, { betas: [-0.1, 0.9] })).toThrow(/Adam: betas\[0\] must be in \[0, 1\)/);
    expect(() => new nx.optim.Adam(p, { betas: [0.9] as never })).toThrow(TypeError);
    expect(() => new nx.optim.Adam(p, { amsgrad: 1 as never })).toThrow(/amsgrad must be a boolean/);
    expect(() => new nx.optim.Adam([], {})).toThrow(/Adam: got an empty parameter list/);
    expect(() => new nx.optim.Adam([p[0], p[0]])).toThrow(/appear more than once/);
    expect(() => new nx.optim.Adam([p[0].mul(2)])).toThrow(/can't optimize a non-leaf Tensor/);
    expect(() => new nx.optim.Adam([1, 2] as never)).toThrow(TypeError);
    expect(() => new nx.optim.Adam(5 as never)).toThrow(TypeError);
  });
});
