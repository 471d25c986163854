/**
 * Issue 9's workloads: every new loss forward + gradient through the public
 * API (`loss(x, y).backward()`) on wasm-simd and js, against the 1× of the
 * loops a JavaScript developer writes by hand (one pass over Float32Arrays,
 * the gradient written in the same pass, a float64 accumulator, "mean").
 *   element-wise, 1e5 elements: Huber, SmoothL1, KLDiv (1000 × 100,
 *     batchmean), PoissonNLL, GaussianNLL, SoftMargin, HingeEmbedding,
 *     MarginRanking, sigmoid focal (targets: the issue asks ≥ 6× for Huber,
 *     SmoothL1, KLDiv, SoftMargin and focal), MultiLabelSoftMargin (1000 ×
 *     100 logits, 0/1 targets, a class weight);
 *   NLL (4096 × 100 log-probabilities), target ≥ 4×;
 *   the margin losses: MultiMargin and MultiLabelMargin (1024 × 100, 4
 *     labels a row), CosineEmbedding and TripletMargin (1024 × 128; p = 2,
 *     p = 3, and TripletMarginWithDistance's default distance), target ≥ 4×.
 * Each case checks that the contenders agree on the loss (relative error).
 */
import * as nx from "../../ts/index";
import type { BackendName } from "../../ts/backend/backend";
import { Rng } from "../lib/random";
import type { Timed } from "../lib/harness";
import { disposingStep } from "../contenders/neurenix";

export interface MoreLossCase {
  id: string;
  /** The speed target (× the JS loop), if any. */
  target: number | null;
  /** One hand-written loop call (fwd + grad), returning the mean loss. */
  loop: () => number;
  /** The public API with grad on `backend`, returning the loss. */
  api: (backend: BackendName) => Timed & { dispose(): void };
}

const N = 100_000;

/** x.requiresGrad, the loss through the API, backward, everything freed per call. */
function apiRunner(backend: BackendName, inputs: nx.Tensor[], call: (...xs: nx.Tensor[]) => nx.Tensor): Timed & { dispose(): void } {
  const x = inputs[0];
  x.requiresGrad = true;
  return {
    before: () => nx.setBackend(backend),
    run: () => disposingStep(x, () => call(...inputs)),
    dispose: () => inputs.forEach((t) => t.dispose()),
  };
}

/** An element-wise case: one formula for the loop, given as (x, y, c) → [loss, ∂x]. */
function elementwise(
  id: string,
  target: number | null,
  data: { x: Float32Array; y: Float32Array; c?: Float32Array },
  shape: number[],
  loopBody: (x: Float32Array, y: Float32Array, c: Float32Array | undefined, grad: Float32Array, scale: number) => number,
  call: (...xs: nx.Tensor[]) => nx.Tensor,
  denominator = data.x.length,
): MoreLossCase {
  const grad = new Float32Array(data.x.length);
  return {
    id,
    target,
    loop: () => loopBody(data.x, data.y, data.c, grad, 1 / denominator) / denominator,
    api: (backend) => {
      const ts = [data.x, data.y, ...(data.c ? [data.c] : [])].map((d) => new nx.Tensor(d, { shape }));
      return apiRunner(backend, ts, call);
    },
  };
}

export function moreLossCases(): MoreLossCase[] {
  const rng = new Rng(9);
  const x = rng.normals(N, 2);
  const y = rng.normals(N);
  const labels = rng.ints(N, 2).map((v) => 2 * v - 1);
  const bits = rng.ints(N, 2);
  const counts = rng.ints(N, 6);
  const variance = rng.normals(N).map((v) => 0.1 + Math.abs(v));
  // KLDiv: log-softmax rows and softmax target rows of 100 classes.
  const rows = 1000;
  const classes = 100;
  const logq = new Float32Array(N);
  const p = new Float32Array(N);
  for (let r = 0; r < rows; r++) {
    let sq = 0;
    let sp = 0;
    for (let c = 0; c < classes; c++) {
      sq += Math.exp(x[r * classes + c]);
      sp += Math.exp(y[r * classes + c]);
    }
    for (let c = 0; c < classes; c++) {
      logq[r * classes + c] = x[r * classes + c] - Math.log(sq);
      p[r * classes + c] = Math.exp(y[r * classes + c]) / sp;
    }
  }
  const huber = new nx.HuberLoss();
  const smooth = new nx.SmoothL1Loss();
  const kl = new nx.KLDivLoss({ reduction: "batchmean" });
  const poisson = new nx.PoissonNLLLoss();
  const gaussian = new nx.GaussianNLLLoss();
  const softMargin = new nx.SoftMarginLoss();
  const hinge = new nx.HingeEmbeddingLoss();
  const ranking = new nx.MarginRankingLoss();
  const focal = new nx.SigmoidFocalLoss();
  const classWeight = Float32Array.from({ length: classes }, (_, c) => 0.5 + (c % 7) / 7);
  const multiLabel = new nx.MultiLabelSoftMarginLoss({ weight: classWeight });

  const cases: MoreLossCase[] = [
    elementwise("huber n=100k fwdBwd", 6, { x, y }, [N], (x, y, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i] - y[i];
        const a = Math.abs(d);
        sum += a < 1 ? 0.5 * d * d : a - 0.5;
        g[i] = s * (d < -1 ? -1 : d > 1 ? 1 : d);
      }
      return sum;
    }, (a, b) => huber(a, b)),
    elementwise("smoothL1 n=100k fwdBwd", 6, { x, y }, [N], (x, y, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const d = x[i] - y[i];
        const a = Math.abs(d);
        sum += a < 1 ? 0.5 * d * d : a - 0.5;
        g[i] = s * (d <= -1 ? -1 : d >= 1 ? 1 : d);
      }
      return sum;
    }, (a, b) => smooth(a, b)),
    elementwise("klDiv batchmean 1000x100 fwdBwd", 6, { x: logq, y: p }, [rows, classes], (x, t, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const ti = t[i];
        sum += ti > 0 ? ti * (Math.log(ti) - x[i]) : 0;
        g[i] = -s * ti;
      }
      return sum;
    }, (a, b) => kl(a, b), rows),
    elementwise("poissonNll n=100k fwdBwd", null, { x, y: counts }, [N], (x, y, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const e = Math.exp(x[i]);
        sum += e - y[i] * x[i];
        g[i] = s * (e - y[i]);
      }
      return sum;
    }, (a, b) => poisson(a, b)),
    elementwise("gaussianNll n=100k fwdBwd", null, { x, y, c: variance }, [N], (x, y, v, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const vi = Math.max(v![i], 1e-6);
        const d = x[i] - y[i];
        sum += 0.5 * (Math.log(vi) + (d * d) / vi);
        g[i] = (s * d) / vi;
      }
      return sum;
    }, (a, b, c) => gaussian(a, b, c)),
    elementwise("softMargin n=100k fwdBwd", 6, { x, y: labels }, [N], (x, y, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const z = -y[i] * x[i];
        sum += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        g[i] = (-s * y[i]) / (1 + Math.exp(-z));
      }
      return sum;
    }, (a, b) => softMargin(a, b)),
    elementwise("hingeEmbedding n=100k fwdBwd", null, { x, y: labels }, [N], (x, y, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const z = 1 - x[i];
        if (y[i] === 1) {
          sum += x[i];
          g[i] = s;
        } else {
          sum += z > 0 ? z : 0;
          g[i] = z >= 0 ? -s : 0;
        }
      }
      return sum;
    }, (a, b) => hinge(a, b)),
    elementwise("marginRanking n=100k fwdBwd", null, { x, y, c: labels }, [N], (x1, x2, t, g, s) => {
      let sum = 0;
      for (let i = 0; i < x1.length; i++) {
        const z = -t![i] * (x1[i] - x2[i]);
        sum += z > 0 ? z : 0;
        g[i] = z >= 0 ? -s * t![i] : 0;
      }
      return sum;
    }, (a, b, c) => ranking(a, b, c)),
    elementwise("sigmoidFocal n=100k fwdBwd", 6, { x, y: bits }, [N], (x, t, _c, g, s) => {
      let sum = 0;
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        const ti = t[i];
        const e = Math.exp(-Math.abs(xi));
        const p = xi >= 0 ? 1 / (1 + e) : e / (1 + e);
        const ce = Math.max(xi, 0) - xi * ti + Math.log1p(e);
        const q = p * (1 - ti) + (1 - p) * ti;
        const at = 0.25 * ti + 0.75 * (1 - ti);
        sum += at * ce * q * q;
        g[i] = s * at * ((p - ti) * q * q + ce * 2 * q * p * (1 - p) * (1 - 2 * ti));
      }
      return sum;
    }, (a, b) => focal(a, b)),
    // "mean" over N·C; per element w_c·(max(x, 0) − x·y + log1p(e^−|x|)), ∂x = w_c·(σ(x) − y).
    elementwise("multiLabelSoftMargin 1000x100 fwdBwd", null, { x, y: bits }, [rows, classes], (x, y, _c, g, s) => {
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < classes; c++) {
          const i = r * classes + c;
          const xi = x[i];
          const w = classWeight[c];
          const e = Math.exp(-Math.abs(xi));
          sum += w * (Math.max(xi, 0) - xi * y[i] + Math.log1p(e));
          g[i] = s * w * ((xi >= 0 ? 1 : e) / (1 + e) - y[i]);
        }
      }
      return sum;
    }, (a, b) => multiLabel(a, b)),
  ];

  // NLL: 4096 rows of 100 log-probabilities, "mean" over the rows.
  const n = 4096;
  const logp = rng.normals(n * classes).map((v) => -Math.abs(v) - 1);
  const t = rng.ints(n, classes);
  const nll = new nx.NLLLoss();
  const grad = new Float32Array(n * classes);
  cases.push({
    id: "nll 4096x100 fwdBwd",
    target: 4,
    loop: () => {
      let sum = 0;
      const s = 1 / n;
      for (let r = 0; r < n; r++) {
        const ti = t[r];
        for (let c = 0; c < classes; c++) grad[r * classes + c] = c === ti ? -s : 0;
        sum -= logp[r * classes + ti];
      }
      return sum / n;
    },
    api: (backend) => apiRunner(backend, [new nx.Tensor(logp, { shape: [n, classes] }), new nx.Tensor(t)], (a, b) => nll(a, b)),
  });

  // Margin losses: rows of scores or embeddings.
  const rowsM = 1024;
  const cm = 100;
  const scores = rng.normals(rowsM * cm);
  const classIdx = rng.ints(rowsM, cm);
  const multiMargin = new nx.MultiMarginLoss();
  const gScores = new Float32Array(rowsM * cm);
  cases.push({
    id: "multiMargin 1024x100 fwdBwd",
    target: 4,
    loop: () => {
      let sum = 0;
      const s = 1 / (rowsM * cm);
      for (let r = 0; r < rowsM; r++) {
        const base = r * cm;
        const y = classIdx[r];
        const xy = scores[base + y];
        let gy = 0;
        for (let c = 0; c < cm; c++) {
          const z = 1 - xy + scores[base + c];
          if (c !== y && z > 0) {
            sum += z;
            gScores[base + c] = s;
            gy -= s;
          } else gScores[base + c] = 0;
        }
        gScores[base + y] = gy;
      }
      return sum / (rowsM * cm);
    },
    api: (backend) =>
      apiRunner(backend, [new nx.Tensor(scores, { shape: [rowsM, cm] }), new nx.Tensor(classIdx)], (a, b) => multiMargin(a, b)),
  });

  // MultiLabelMargin: 4 labels per row (distinct), the rest of the row −1.
  const perRow = 4;
  const lists = new Float32Array(rowsM * cm).fill(-1);
  for (let r = 0; r < rowsM; r++) {
    for (let k = 0; k < perRow; k++) lists[r * cm + k] = (classIdx[r] + 17 * k) % cm;
  }
  const multiLabelMargin = new nx.MultiLabelMarginLoss();
  const isTarget = new Uint8Array(cm);
  cases.push({
    id: "multilabelMargin 1024x100 fwdBwd",
    target: 4,
    loop: () => {
      let sum = 0;
      const s = 1 / (rowsM * cm);
      gScores.fill(0);
      for (let r = 0; r < rowsM; r++) {
        const base = r * cm;
        isTarget.fill(0);
        let len = 0;
        while (len < cm && lists[base + len] >= 0) isTarget[lists[base + len++]] = 1;
        for (let k = 0; k < len; k++) {
          const j = lists[base + k];
          const shift = 1 - scores[base + j];
          for (let i = 0; i < cm; i++) {
            const z = shift + scores[base + i];
            if (isTarget[i] === 0 && z > 0) {
              sum += z;
              gScores[base + i] += s;
              gScores[base + j] -= s;
            }
          }
        }
      }
      return sum / (rowsM * cm);
    },
    api: (backend) =>
      apiRunner(backend, [new nx.Tensor(scores, { shape: [rowsM, cm] }), new nx.Tensor(lists, { shape: [rowsM, cm] })], (a, b) =>
        multiLabelMargin(a, b),
      ),
  });

  const dim = 128;
  const e1 = rng.normals(rowsM * dim);
  const e2 = rng.normals(rowsM * dim);
  const e3 = rng.normals(rowsM * dim);
  const pairLabels = rng.ints(rowsM, 2).map((v) => 2 * v - 1);
  const cosine = new nx.CosineEmbeddingLoss();
  const g1 = new Float32Array(rowsM * dim);
  cases.push({
    id: "cosineEmbedding 1024x128 fwdBwd",
    target: 4,
    loop: () => {
      let sum = 0;
      for (let r = 0; r < rowsM; r++) {
        const o = r * dim;
        let ab = 0;
        let aa = 1e-12;
        let bb = 1e-12;
        for (let k = 0; k < dim; k++) {
          ab += e1[o + k] * e2[o + k];
          aa += e1[o + k] * e1[o + k];
          bb += e2[o + k] * e2[o + k];
        }
        const den = Math.sqrt(aa * bb);
        const cos = ab / den;
        const pos = pairLabels[r] === 1;
        const active = pos || cos >= 0;
        sum += pos ? 1 - cos : Math.max(cos, 0);
        // ∂cos/∂a = b/den − cos·a/aa; ∂ℓ/∂cos = −1 (y = 1) or 1 (y = −1, active).
        const dl = (pos ? -1 : active ? 1 : 0) / rowsM;
        for (let k = 0; k < dim; k++) g1[o + k] = dl * (e2[o + k] / den - (cos * e1[o + k]) / aa);
      }
      return sum / rowsM;
    },
    api: (backend) =>
      apiRunner(
        backend,
        [new nx.Tensor(e1, { shape: [rowsM, dim] }), new nx.Tensor(e2, { shape: [rowsM, dim] }), new nx.Tensor(pairLabels)],
        (a, b, c) => cosine(a, b, c),
      ),
  });

  // The hand-written triplet loops (gradient of the anchor): p = 2 (squares and a square root) and
  // p = 3 (cubes and a cube root), each its own monomorphic loop as a user would write it.
  const ga = new Float32Array(rowsM * dim);
  const tripletLoop2 = () => {
    let sum = 0;
    for (let r = 0; r < rowsM; r++) {
      const o = r * dim;
      let dp = 0;
      let dn = 0;
      for (let k = 0; k < dim; k++) {
        const u = e1[o + k] - e2[o + k] + 1e-6;
        const v = e1[o + k] - e3[o + k] + 1e-6;
        dp += u * u;
        dn += v * v;
      }
      dp = Math.sqrt(dp);
      dn = Math.sqrt(dn);
      const z = 1 + dp - dn;
      sum += z > 0 ? z : 0;
      const on = z >= 0 ? 1 / rowsM : 0;
      for (let k = 0; k < dim; k++) {
        ga[o + k] = on * ((e1[o + k] - e2[o + k] + 1e-6) / dp - (e1[o + k] - e3[o + k] + 1e-6) / dn);
      }
    }
    return sum / rowsM;
  };
  const tripletLoop3 = () => {
    let sum = 0;
    for (let r = 0; r < rowsM; r++) {
      const o = r * dim;
      let dp = 0;
      let dn = 0;
      for (let k = 0; k < dim; k++) {
        const u = Math.abs(e1[o + k] - e2[o + k] + 1e-6);
        const v = Math.abs(e1[o + k] - e3[o + k] + 1e-6);
        dp += u * u * u;
        dn += v * v * v;
      }
      dp = Math.cbrt(dp);
      dn = Math.cbrt(dn);
      const z = 1 + dp - dn;
      sum += z > 0 ? z : 0;
      const [sp, sn] = z >= 0 ? [1 / rowsM / (dp * dp), 1 / rowsM / (dn * dn)] : [0, 0];
      for (let k = 0; k < dim; k++) {
        const u = e1[o + k] - e2[o + k] + 1e-6;
        const v = e1[o + k] - e3[o + k] + 1e-6;
        ga[o + k] = sp * u * Math.abs(u) - sn * v * Math.abs(v);
      }
    }
    return sum / rowsM;
  };
  const tripletApi = (loss: (a: nx.Tensor, p: nx.Tensor, n: nx.Tensor) => nx.Tensor) => (backend: BackendName) =>
    apiRunner(backend, [e1, e2, e3].map((e) => new nx.Tensor(e, { shape: [rowsM, dim] })), (a, p, n) => loss(a, p, n));
  const triplet = new nx.TripletMarginLoss();
  const triplet3 = new nx.TripletMarginLoss({ p: 3 });
  const withDistance = new nx.TripletMarginWithDistanceLoss();
  cases.push(
    { id: "tripletMargin 1024x128 fwdBwd", target: 4, loop: tripletLoop2, api: tripletApi((a, p, n) => triplet(a, p, n)) },
    { id: "tripletMargin p=3 1024x128 fwdBwd", target: 4, loop: tripletLoop3, api: tripletApi((a, p, n) => triplet3(a, p, n)) },
    {
      id: "tripletMarginWithDistance 1024x128 fwdBwd",
      target: 4,
      loop: tripletLoop2,
      api: tripletApi((a, p, n) => withDistance(a, p, n)),
    },
  );
  return cases;
}
