/**
 * Finite-difference checks of every differentiable Tensor op in API.md, alone
 * and composed, on both backends (see test/helpers/gradcheck.ts for the
 * method and the default tolerance rtol 1e-2 / atol 1e-3 with h = 1e-3).
 * Inputs stay well away from kinks (abs and relu at 0, ties of max) and from
 * the edges of log, sqrt and negative powers, so that no step of ±h crosses one.
 */
import { describe, test } from "vitest";
import * as nx from "../../ts/index";
import { gradcheck, leaf } from "../helpers/gradcheck";
import { BACKENDS, withBackend } from "../helpers/backends";

let seed = 100;

/** A leaf of uniform values in [lo, hi), a fresh seed each call. */
const uniform = (shape: number[], lo = -2, hi = 2) => leaf(shape, seed++, lo, hi);

/** Magnitudes in [0.5, 2) with alternating signs: away from 0. */
function awayFromZero(shape: number[]): nx.Tensor {
  const t = uniform(shape, 0.5, 2);
  const d = t.data;
  for (let i = 0; i < d.length; i += 2) d[i] = -d[i];
  return t;
}

/** Distinct values 0.1 apart in scrambled order, so max has no near-ties. */
function distinct(shape: number[]): nx.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Array.from({ length: n }, (_, i) => ((i * 7 + 3) % n) * 0.1 - n * 0.05);
  return new nx.Tensor(data, { shape, requiresGrad: true });
}

type Case = [string, (...xs: nx.Tensor[]) => nx.Tensor, () => nx.Tensor[]];

const BROADCAST_SHAPES: [number[], number[]][] = [
  [[3, 4], [3, 4]],
  [[3, 1], [1, 4]],
  [[2, 3, 4], [4]],
  [[4], [2, 3, 4]],
  [[2, 3], []],
];

const CASES: Case[] = [];
for (const op of ["add", "sub", "mul", "div"] as const) {
  for (const [sa, sb] of BROADCAST_SHAPES) {
    CASES.push([`${op} [${sa}] with [${sb}]`, (a, b) => a[op](b), () => [uniform(sa), awayFromZero(sb)]]);
  }
  CASES.push([`${op} number`, (a) => a[op](-1.75), () => [uniform([33])]]);
}
for (const p of [2, 3, 0.5, -1, 1.5, -2.5]) {
  const input = Number.isInteger(p) && p > 0 ? () => [uniform([3, 5])] : () => [uniform([3, 5], 0.5, 2)];
  CASES.push([`pow(${p})`, (a) => a.pow(p), input]);
}
CASES.push(
  ["neg", (a) => a.neg(), () => [uniform([3, 5])]],
  ["abs", (a) => a.abs(), () => [awayFromZero([3, 5])]],
  ["exp", (a) => a.exp(), () => [uniform([33])]],
  ["log", (a) => a.log(), () => [uniform([3, 5], 0.5, 3)]],
  ["sqrt", (a) => a.sqrt(), () => [uniform([3, 5], 0.5, 3)]],
  ["relu", (a) => a.relu(), () => [awayFromZero([33])]],
  ["sigmoid", (a) => a.sigmoid(), () => [uniform([33], -4, 4)]],
  ["tanh", (a) => a.tanh(), () => [uniform([3, 5])]],
);
for (const op of ["sum", "mean", "max"] as const) {
  CASES.push([`${op}()`, (a) => a[op](), () => [distinct([3, 5])]]);
  for (const dim of [0, 1, 2, -1]) {
    for (const keepdim of [false, true]) {
      CASES.push([`${op}(${dim}, ${keepdim})`, (a) => a[op](dim, keepdim), () => [distinct([2, 3, 4])]]);
    }
  }
}
CASES.push(
  ["matmul (3,4)@(4,5)", (a, b) => a.matmul(b), () => [uniform([3, 4]), uniform([4, 5])]],
  ["matmul (1,33)@(33,2)", (a, b) => a.matmul(b), () => [uniform([1, 33], -1, 1), uniform([33, 2], -1, 1)]],
  ["reshape", (a) => a.reshape([4, -1]).mul(a.reshape([4, 6])), () => [uniform([2, 3, 4])]],
  ["transpose", (a) => a.transpose(), () => [uniform([3, 5])]],
);
for (const op of ["logSoftmax", "softmax"] as const) {
  for (const dim of [0, 1, -1]) CASES.push([`${op}(${dim}) (3,5)`, (a) => a[op](dim), () => [uniform([3, 5])]]);
  CASES.push([`${op}(1) (2,3,4)`, (a) => a[op](1), () => [uniform([2, 3, 4])]]);
}
CASES.push(
  [
    "two-layer network: tanh(x W + b) V, sigmoid, mean",
    (x, w, b, v) => x.matmul(w).add(b).tanh().matmul(v).sigmoid().mean(),
    () => [uniform([4, 3]), uniform([3, 5], -1, 1), uniform([5], -1, 1), uniform([5, 2], -1, 1)],
  ],
  [
    "a tensor used several times: (x·x − exp(x)) / y",
    (x, y) => x.mul(x).sub(x.exp()).div(y),
    () => [uniform([3, 4], -1, 1), awayFromZero([4])],
  ],
  [
    "hand-written cross entropy: −mean(Σ q · logSoftmax(x))",
    (x, q) => x.logSoftmax(1).mul(q).sum(1).neg().mean(),
    () => [uniform([4, 5]), uniform([4, 5], 0, 1)],
  ],
  ["log(softmax(x))", (x) => x.softmax(-1).log(), () => [uniform([3, 4])]],
  [
    "broadcast chain: sqrt(Σ_0 (a·b + c)² + 1)",
    (a, b, c) => a.mul(b).add(c).pow(2).sum(0, true).add(1).sqrt(),
    () => [uniform([3, 1]), uniform([1, 4]), uniform([])],
  ],
  [
    "layer norm: (x − mean) / sqrt(var + 1e-2)",
    (x) => {
      const centered = x.sub(x.mean(1, true));
      return centered.div(centered.pow(2).mean(1, true).add(1e-2).sqrt());
    },
    () => [uniform([3, 6])],
  ],
  [
    "reshape, transpose, matmul, then max over distinct columns",
    (x, y) => x.reshape([4, 6]).transpose().matmul(y).max(0),
    () => [distinct([2, 3, 4]), new nx.Tensor([[1, 0], [0, 1], [0, 0], [0, 0]], { requiresGrad: true })],
  ],
);

describe.each(BACKENDS)("finite differences agree with autograd on %s", (backend) => {
  test.each(CASES)("%s", (label, f, inputs) => withBackend(backend, () => gradcheck(f, inputs(), `${backend} ${label}`)));
});
