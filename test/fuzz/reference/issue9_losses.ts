/**
 * The element-wise losses of issue 9 (PyTorch 1.13 formulas, float64), for
 * the differential fuzzer: HuberLoss, SmoothL1Loss, SoftMarginLoss,
 * KLDivLoss (with "batchmean"), PoissonNLLLoss, HingeEmbeddingLoss and
 * torchvision's sigmoid focal loss. Scales stay where float32 PyTorch is
 * itself accurate to 1e-5 (|x| ≤ 30 for the exp-based losses).
 */
import { elementwiseReference } from "./elementwise";
import { chance, normals, pick, uniforms, f32 } from "../generate";

const labels = (rng: () => number, n: number) => Array.from({ length: n }, () => (rng() < 0.5 ? -1 : 1));
const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const softplus = (z: number) => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));

export const huberLoss = elementwiseReference({
  name: "HuberLoss",
  options: (rng) => (chance(rng, 0.5) ? {} : { delta: f32(pick(rng, [0.1, 0.5, 2, 10])) }),
  inputs: (rng, n, s) => [normals(rng, n, s), normals(rng, n, s)],
  scales: [1e-3, 0.1, 1, 3, 30, 1e3],
  targetGrad: true,
  f(x, y, o) {
    const delta = (o.delta as number | undefined) ?? 1;
    const d = x - y;
    const a = Math.abs(d);
    const loss = a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
    const g = Math.min(Math.max(d, -delta), delta);
    return [loss, loss + delta * delta, g, Math.abs(g) + Math.abs(x - y) * 1e-7, -g, Math.abs(g)];
  },
});

export const smoothL1Loss = elementwiseReference({
  name: "SmoothL1Loss",
  options: (rng) => (chance(rng, 0.5) ? {} : { beta: f32(pick(rng, [0, 0.1, 0.5, 2])) }),
  inputs: (rng, n, s) => [normals(rng, n, s), normals(rng, n, s)],
  scales: [1e-3, 0.1, 1, 3, 30, 1e3],
  targetGrad: true,
  f(x, y, o) {
    const beta = (o.beta as number | undefined) ?? 1;
    const d = x - y;
    const a = Math.abs(d);
    const loss = a < beta ? (0.5 * d * d) / beta : a - 0.5 * beta;
    const h = (v: number) => (v <= -beta ? -1 : v >= beta ? 1 : v / beta);
    return [loss, loss + beta, h(d), Math.abs(h(d)), h(-d), Math.abs(h(-d))];
  },
});

export const softMarginLoss = elementwiseReference({
  name: "SoftMarginLoss",
  options: () => ({}),
  inputs: (rng, n, s) => [normals(rng, n, s), labels(rng, n)],
  scales: [1e-3, 0.1, 1, 3, 10],
  targetGrad: false,
  f(x, y) {
    const z = -y * x;
    const loss = softplus(z);
    const g = -y * sigmoid(z);
    return [loss, loss, g, Math.abs(g), null, 0];
  },
});

export const hingeEmbeddingLoss = elementwiseReference({
  name: "HingeEmbeddingLoss",
  options: (rng) => (chance(rng, 0.5) ? {} : { margin: f32(pick(rng, [0, 0.5, 2])) }),
  inputs: (rng, n, s) => [uniforms(rng, n, 0, 2 * s), labels(rng, n)],
  scales: [0.1, 1, 3, 30],
  targetGrad: false,
  f(x, y, o) {
    const m = (o.margin as number | undefined) ?? 1;
    const notPos = y === 1 ? 0 : 1;
    const notNeg = y === -1 ? 0 : 1;
    const loss = notPos * Math.max(m - x, 0) + notNeg * x;
    const g = notNeg - notPos * (m - x >= 0 ? 1 : 0);
    return [loss, Math.abs(loss) + Math.abs(x) + Math.abs(m), g, 1, null, 0];
  },
});

export const klDivLoss = elementwiseReference({
  name: "KLDivLoss",
  options: (rng) => (chance(rng, 0.5) ? {} : { logTarget: true }),
  // Log-probabilities in [−8, 0) and target probabilities in (0, 1] (some 0 without logTarget).
  inputs: (rng, n) => [uniforms(rng, n, -8, 0), uniforms(rng, n, 0, 1).map((v, i) => (i % 9 === 4 ? 0 : v))],
  scales: [1],
  targetGrad: true,
  reductions: ["none", "mean", "sum", "batchmean"],
  denominator: (c) => (c.options.reduction === "batchmean" ? (c.input.shape.length === 0 ? 1 : c.input.shape[0]) : c.input.data.length),
  f(x, t, o) {
    if (o.logTarget === true) {
      // t holds a probability here: use its log as the target value the case carries.
      const et = Math.exp(t);
      return [et * (t - x), et * (Math.abs(t) + Math.abs(x)), -et, et, et * (t - x + 1), et * (Math.abs(t) + Math.abs(x) + 1)];
    }
    if (t === 0) return [0, 0, -0, 0, 0, 0];
    const lt = Math.log(t);
    return [t * (lt - x), t * (Math.abs(lt) + Math.abs(x)), -t, t, lt + 1 - x, Math.abs(lt) + 1 + Math.abs(x)];
  },
});

export const poissonNllLoss = elementwiseReference({
  name: "PoissonNLLLoss",
  options: (rng) => pick(rng, [{}, { full: true }, { logInput: false }, { logInput: false, full: true, eps: f32(0.1) }]),
  inputs: (rng, n, s) => [normals(rng, n, s), uniforms(rng, n, 0, 8).map(Math.floor)],
  scales: [1e-3, 0.1, 1, 3],
  targetGrad: false,
  f(x, y, o) {
    const logInput = o.logInput !== false;
    const eps = (o.eps as number | undefined) ?? 1e-8;
    let loss: number;
    let mag: number;
    let g: number;
    let gm: number;
    if (logInput) {
      const e = Math.exp(x);
      [loss, mag, g, gm] = [e - y * x, e + Math.abs(y * x), e - y, e + y];
    } else {
      const l = Math.log(x + eps);
      [loss, mag, g, gm] = [x - y * l, Math.abs(x) + Math.abs(y * l), 1 - y / (x + eps), 1 + Math.abs(y / (x + eps))];
    }
    if (o.full === true && y > 1) {
      const st = y * Math.log(y) - y + 0.5 * Math.log(2 * Math.PI * y);
      loss += st;
      mag += Math.abs(st) + y;
    }
    return [loss, mag, g, gm, null, 0];
  },
});

export const sigmoidFocalLoss = elementwiseReference({
  name: "SigmoidFocalLoss",
  options: (rng) => pick(rng, [{}, { alpha: f32(0.5), gamma: 0 }, { alpha: -1, gamma: 1 }, { gamma: f32(1.5) }]),
  inputs: (rng, n, s) => [normals(rng, n, s), uniforms(rng, n, 0, 1).map((v) => (v < 0.5 ? 0 : 1))],
  scales: [1e-3, 0.1, 1, 3, 10],
  targetGrad: false,
  f(x, t, o) {
    const alpha = (o.alpha as number | undefined) ?? 0.25;
    const gamma = (o.gamma as number | undefined) ?? 2;
    const p = sigmoid(x);
    const p1 = sigmoid(-x);
    const ce = Math.max(x, 0) - x * t + Math.log1p(Math.exp(-Math.abs(x)));
    const q = p * (1 - t) + p1 * t;
    const at = alpha >= 0 ? alpha * t + (1 - alpha) * (1 - t) : 1;
    const qg = gamma === 0 ? 1 : q ** gamma;
    const term = gamma === 0 ? 0 : ce * gamma * q ** (gamma - 1) * p * p1 * (1 - 2 * t);
    // p − t as p(1 − t) − (1 − p)t: at t = 1, p ≈ 1 the difference cancels even in float64.
    const pt = p * (1 - t) - p1 * t;
    const g = at * (pt * qg + term);
    return [at * ce * qg, at * ce * qg, g, Math.abs(at * pt * qg) + Math.abs(at * term), null, 0];
  },
});

