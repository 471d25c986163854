/**
 * sgdStep and adamStep on both backends, several steps in a row, against a
 * straightforward float64 re-implementation of PyTorch 1.13's algorithms
 * (torch/optim/sgd.py and adam.py, single-tensor path), with new random
 * gradients each step.
 *
 * Tolerances: the kernels keep parameters and state in float32, so each step
 * rounds them once more than the float64 reference: parameters rtol 2e-6
 * after 6 steps. The wasm backend receives β1, β2 as float32, and
 * 1 − f32(0.999) differs from 0.001 by 1.3e-5 relative (PyTorch rounds β2
 * and 1 − β2 separately): so the state (momentum buffer, m, v) gets rtol 3e-5
 * (atol 1e-12 for v near 0), and Adam's parameters an extra atol of
 * 1e-5 · lr per step taken (each update is about lr in size).
 */
import { afterEach, describe, expect, test } from "vitest";
import { backends } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";
import { expectGuardsIntact, freeHeapArrays, guardedF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform } from "../helpers/prng";

afterEach(freeHeapArrays);

const STEPS = 6;
const N = 37; // a SIMD body and a tail
const PARAM_TOL = { rtol: 2e-6, atol: 1e-7 };
const STATE_TOL = { rtol: 3e-5, atol: 1e-12 };

interface SgdOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
}

const SGD_CASES: [string, SgdOptions][] = [
  ["plain", { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false }],
  ["weight decay", { lr: 0.05, momentum: 0, dampening: 0, weightDecay: 0.01, nesterov: false }],
  ["momentum", { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false }],
  ["momentum with dampening and weight decay", { lr: 0.1, momentum: 0.8, dampening: 0.3, weightDecay: 0.02, nesterov: false }],
  ["nesterov", { lr: 0.03, momentum: 0.9, dampening: 0, weightDecay: 0.001, nesterov: true }],
];

const ADAM_CASES: [string, AdamOptions][] = [
  ["defaults", { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false }],
  ["weight decay, large lr", { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, amsgrad: false }],
  ["other betas, large eps", { lr: 0.01, beta1: 0.5, beta2: 0.9, eps: 0.1, weightDecay: 0, amsgrad: false }],
  ["amsgrad", { lr: 0.01, beta1: 0.9, beta2: 0.6, eps: 1e-8, weightDecay: 0.01, amsgrad: true }],
];

describe.each(backends())("optimizer kernels on $name", (K) => {
  test.each(SGD_CASES)("SGD, %s", (_name, o) => {
    const rng = mulberry32(21);
    const p0 = uniform(rng, N, -2, 2);
    const param = guardedF32(p0);
    const buf = o.momentum === 0 ? null : guardedF32(N);
    const refP = p0.map(Math.fround);
    const refBuf = new Array<number>(N).fill(0);
    for (let t = 1; t <= STEPS; t++) {
      const grad = guardedF32(uniform(rng, N));
      K.sgdStep(param, grad, buf, o.lr, o.momentum, o.dampening, o.weightDecay, o.nesterov, t === 1);
      for (let i = 0; i < N; i++) {
        let g = grad[i] + o.weightDecay * refP[i];
        if (o.momentum !== 0) {
          refBuf[i] = t === 1 ? g : o.momentum * refBuf[i] + (1 - o.dampening) * g;
          g = o.nesterov ? g + o.momentum * refBuf[i] : refBuf[i];
        }
        refP[i] -= o.lr * g;
      }
      expectClose(param, refP, PARAM_TOL, `${K.name} SGD param after step ${t}`);
      if (buf !== null) expectClose(buf, refBuf, STATE_TOL, `${K.name} SGD momentum buffer after step ${t}`);
    }
    expectGuardsIntact(param, "sgdStep param");
    if (buf !== null) expectGuardsIntact(buf, "sgdStep momentum buffer");
  });

  test.each(ADAM_CASES)("Adam, %s", (_name, o) => {
    const rng = mulberry32(22);
    const p0 = uniform(rng, N, -2, 2);
    const param = guardedF32(p0);
    const m = guardedF32(N);
    const v = guardedF32(N);
    const vMax = o.amsgrad ? guardedF32(N) : null;
    const refP = p0.map(Math.fround);
    const refM = new Array<number>(N).fill(0);
    const refV = new Array<number>(N).fill(0);
    const refVMax = new Array<number>(N).fill(0);
    for (let t = 1; t <= STEPS; t++) {
      // Later steps get smaller gradients, so v decays and amsgrad's max matters.
      const grad = guardedF32(uniform(rng, N, -1 / t, 1 / t));
      const stepSize = o.lr / (1 - o.beta1 ** t);
      const bc2Sqrt = Math.sqrt(1 - o.beta2 ** t);
      K.adamStep(param, grad, m, v, vMax, o.beta1, o.beta2, o.eps, o.weightDecay, stepSize, bc2Sqrt);
      for (let i = 0; i < N; i++) {
        const g = grad[i] + o.weightDecay * refP[i];
        refM[i] = o.beta1 * refM[i] + (1 - o.beta1) * g;
        refV[i] = o.beta2 * refV[i] + (1 - o.beta2) * g * g;
        refVMax[i] = Math.max(refVMax[i], refV[i]);
        const denom = Math.sqrt(o.amsgrad ? refVMax[i] : refV[i]) / bc2Sqrt + o.eps;
        refP[i] -= (stepSize * refM[i]) / denom;
      }
      const paramTol = { rtol: PARAM_TOL.rtol, atol: PARAM_TOL.atol + 1e-5 * o.lr * t };
      expectClose(param, refP, paramTol, `${K.name} Adam param after step ${t}`);
      expectClose(m, refM, STATE_TOL, `${K.name} Adam m after step ${t}`);
      expectClose(v, refV, STATE_TOL, `${K.name} Adam v after step ${t}`);
      if (vMax !== null) expectClose(vMax, refVMax, STATE_TOL, `${K.name} Adam vMax after step ${t}`);
    }
    for (const x of [param, m, v, ...(vMax === null ? [] : [vMax])]) expectGuardsIntact(x, "adamStep");
    // The case must make amsgrad matter: v has fallen below its maximum somewhere.
    if (o.amsgrad) expect(refV.some((vi, i) => vi < 0.5 * refVMax[i])).toBe(true);
  });
});
