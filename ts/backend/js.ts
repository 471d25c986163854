/**
 * The pure-JS backend ("js"): every kernel of backend.ts as plain loops over
 * the Float32Array views. It is the baseline the benchmarks compare against
 * and the fallback where WebAssembly SIMD128 is missing, so it favours
 * clarity: one loop per case, the op switch outside the loop, no allocation
 * per element.
 *
 * Arithmetic happens in float64 (JS numbers) and is rounded to float32 on
 * store; sums and loss totals are accumulated in float64. Scalars that the
 * wasm backend receives as f32 are rounded with Math.fround here too, so that
 * +, −, ·, ÷ give the same bits on both backends.
 *
 * NaN behaves as in PyTorch: it propagates through arithmetic, max and relu;
 * sign(NaN) is 0 (torch.sign), so the abs and L1 gradients are 0 there.
 * Stable forms (see backend.ts for the formulas):
 *   logsumexp   = max + log Σ exp(x − max), and −log p_c = (max − x_c) + log Σ exp(x − max);
 *   softplus(z) = max(z, 0) + log1p(exp(−|z|)), finite for every finite z;
 *   sigmoid(x)  = 1 / (1 + exp(−x)), which saturates to 0 or 1 without NaN;
 *   BCE         clamps each log at −100 and its gradient's denominator at 1e-12.
 */
import { BinaryOp, UnaryOp, type Backend, type F32 } from "./backend";
import { sigmoid, sign } from "./js_math";
import { ctcFwdBwdJs } from "./js_ctc";
import { tripletGeneralP, tripletGrads, tripletRow } from "./js_triplet";

/** The (loss, ∂a, ∂second) of one element, reused by every elementwiseLossFwdBwd call. */
const elementOut = new Float64Array(3);

/**
 * PyTorch's x ** p: Math.pow, except p = ±0.5 as sqrt / 1 / sqrt (torch's
 * sqrt and rsqrt: √−∞ is NaN, √−0 is −0) and |x| = 1 with p = ±∞ giving 1
 * (C pow). Same as pow_f32 in crates/kernels/src/math.rs.
 */
function powTorch(x: number, p: number): number {
  if (p === 0.5) return Math.sqrt(x);
  if (p === -0.5) return 1 / Math.sqrt(x);
  if (Math.abs(x) === 1 && Math.abs(p) === Infinity) return 1;
  return Math.pow(x, p);
}

/** out[oOff + j] = a[aOff + j·aStep] op b[bOff + j·bStep] for j < len: one row of binaryBroadcast. */
function binaryRow(
  op: BinaryOp,
  a: F32, aOff: number, aStep: number,
  b: F32, bOff: number, bStep: number,
  out: F32, oOff: number, len: number,
): void {
  let ai = aOff;
  let bi = bOff;
  const end = oOff + len;
  switch (op) {
    case BinaryOp.add:
      for (let o = oOff; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] + b[bi];
      break;
    case BinaryOp.sub:
      for (let o = oOff; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] - b[bi];
      break;
    case BinaryOp.mul:
      for (let o = oOff; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] * b[bi];
      break;
    case BinaryOp.div:
      for (let o = oOff; o < end; o++, ai += aStep, bi += bStep) out[o] = a[ai] / b[bi];
      break;
  }
}

export const jsBackend: Backend = {
  name: "js",

  // ---- element-wise -------------------------------------------------------

  unary(op, x, out) {
    const n = x.length;
    switch (op) {
      case UnaryOp.neg:
        for (let i = 0; i < n; i++) out[i] = -x[i];
        break;
      case UnaryOp.abs:
        for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]);
        break;
      case UnaryOp.exp:
        for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
        break;
      case UnaryOp.log:
        for (let i = 0; i < n; i++) out[i] = Math.log(x[i]);
        break;
      case UnaryOp.sqrt:
        for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]);
        break;
      case UnaryOp.relu:
        // `v < 0 ? 0 : v` keeps NaN (and −0), as torch.relu does.
        for (let i = 0; i < n; i++) {
          const v = x[i];
          out[i] = v < 0 ? 0 : v;
        }
        break;
      case UnaryOp.sigmoid:
        for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]);
        break;
      case UnaryOp.tanh:
        for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
        break;
    }
  },

  unaryBackward(op, x, y, gy, gx) {
    const n = gy.length;
    switch (op) {
      case UnaryOp.neg:
        for (let i = 0; i < n; i++) gx[i] = -gy[i];
        break;
      case UnaryOp.abs:
        for (let i = 0; i < n; i++) gx[i] = gy[i] * sign(x[i]);
        break;
      case UnaryOp.exp:
        for (let i = 0; i < n; i++) gx[i] = gy[i] * y[i];
        break;
      case UnaryOp.log:
        for (let i = 0; i < n; i++) gx[i] = gy[i] / x[i];
        break;
      case UnaryOp.sqrt:
        for (let i = 0; i < n; i++) gx[i] = gy[i] / (2 * y[i]);
        break;
      case UnaryOp.relu:
        // NaN passes the gradient, as torch's threshold_backward (x ≤ 0 → 0).
        for (let i = 0; i < n; i++) gx[i] = x[i] <= 0 ? 0 : gy[i];
        break;
      case UnaryOp.sigmoid:
        for (let i = 0; i < n; i++) {
          const s = y[i];
          gx[i] = gy[i] * s * (1 - s);
        }
        break;
      case UnaryOp.tanh:
        for (let i = 0; i < n; i++) {
          const t = y[i];
          gx[i] = gy[i] * (1 - t * t);
        }
        break;
    }
  },

  powScalar(x, p, out) {
    const e = Math.fround(p);
    const n = x.length;
    for (let i = 0; i < n; i++) out[i] = powTorch(x[i], e);
  },

  powScalarBackward(x, p, gy, gx) {
    const e = Math.fround(p);
    const n = gy.length;
    if (e === 0) {
      gx.fill(0, 0, n);
      return;
    }
    const e1 = e - 1;
    for (let i = 0; i < n; i++) gx[i] = gy[i] * e * powTorch(x[i], e1);
  },

  binary(op, a, b, out) {
    binaryRow(op, a, 0, 1, b, 0, 1, out, 0, out.length);
  },

  addInPlace(acc, x) {
    const n = acc.length;
    for (let i = 0; i < n; i++) acc[i] += x[i];
  },

  binaryScalar(op, a, s, out) {
    const b = Math.fround(s);
    const n = out.length;
    switch (op) {
      case BinaryOp.add:
        for (let i = 0; i < n; i++) out[i] = a[i] + b;
        break;
      case BinaryOp.sub:
        for (let i = 0; i < n; i++) out[i] = a[i] - b;
        break;
      case BinaryOp.mul:
        for (let i = 0; i < n; i++) out[i] = a[i] * b;
        break;
      case BinaryOp.div:
        for (let i = 0; i < n; i++) out[i] = a[i] / b;
        break;
    }
  },

  binaryBroadcast(op, a, aStrides, b, bStrides, out, outShape) {
    const ndim = outShape.length;
    const total = out.length;
    if (total === 0) return;
    if (ndim === 0) {
      binaryRow(op, a, 0, 1, b, 0, 1, out, 0, 1);
      return;
    }
    // Walk the outer dimensions with an odometer; each innermost row is one
    // strided loop (steps 1/1, 1/0, 0/1 cover a bias row or a column).
    const last = ndim - 1;
    const rowLen = outShape[last];
    const aStep = aStrides[last];
    const bStep = bStrides[last];
    const idx = new Array<number>(last).fill(0);
    let aOff = 0;
    let bOff = 0;
    for (let o = 0; o < total; o += rowLen) {
      binaryRow(op, a, aOff, aStep, b, bOff, bStep, out, o, rowLen);
      for (let d = last - 1; d >= 0; d--) {
        aOff += aStrides[d];
        bOff += bStrides[d];
        if (++idx[d] < outShape[d]) break;
        aOff -= aStrides[d] * outShape[d];
        bOff -= bStrides[d] * outShape[d];
        idx[d] = 0;
      }
    }
  },

  // ---- reductions ---------------------------------------------------------

  sumAxis(x, outer, dim, inner, out) {
    if (inner === 1) {
      for (let o = 0; o < outer; o++) {
        let s = 0;
        const base = o * dim;
        for (let d = 0; d < dim; d++) s += x[base + d];
        out[o] = s;
      }
      return;
    }
    // Accumulate whole rows of `inner` in float64 so that x is read in order.
    const acc = new Float64Array(inner);
    for (let o = 0; o < outer; o++) {
      acc.fill(0);
      let row = o * dim * inner;
      for (let d = 0; d < dim; d++, row += inner) {
        for (let i = 0; i < inner; i++) acc[i] += x[row + i];
      }
      const oBase = o * inner;
      for (let i = 0; i < inner; i++) out[oBase + i] = acc[i];
    }
  },

  maxAxis(x, outer, dim, inner, out) {
    for (let o = 0; o < outer; o++) {
      const oBase = o * inner;
      let row = o * dim * inner;
      for (let i = 0; i < inner; i++) out[oBase + i] = x[row + i];
      row += inner;
      for (let d = 1; d < dim; d++, row += inner) {
        for (let i = 0; i < inner; i++) {
          const v = x[row + i];
          // `m !== m` (m is NaN) keeps the NaN once seen.
          const m = out[oBase + i];
          if (v > m || (v !== v && m === m)) out[oBase + i] = v;
        }
      }
    }
  },

  sum(x) {
    const n = x.length;
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    return s;
  },

  // ---- matmul -------------------------------------------------------------

  matmul(a, b, out, m, k, n, transA, transB, accumulate) {
    // A(i, p) is a[p·m + i] when transposed, else a[i·k + p].
    const aRow = transA ? 1 : k;
    const aCol = transA ? m : 1;
    if (transB) {
      // B(p, j) = b[j·k + p]: rows of b are contiguous over p, so take dot products.
      for (let i = 0; i < m; i++) {
        const aBase = i * aRow;
        const oBase = i * n;
        for (let j = 0; j < n; j++) {
          const bBase = j * k;
          let s = 0;
          for (let p = 0; p < k; p++) s += a[aBase + p * aCol] * b[bBase + p];
          out[oBase + j] = accumulate ? out[oBase + j] + s : s;
        }
      }
      return;
    }
    // i-k-j order: the inner loop runs along contiguous rows of b and out;
    // the row is accumulated in float64 and stored once.
    const acc = new Float64Array(n);
    for (let i = 0; i < m; i++) {
      const oBase = i * n;
      if (accumulate) for (let j = 0; j < n; j++) acc[j] = out[oBase + j];
      else acc.fill(0);
      const aBase = i * aRow;
      for (let p = 0; p < k; p++) {
        const aip = a[aBase + p * aCol];
        const bBase = p * n;
        for (let j = 0; j < n; j++) acc[j] += aip * b[bBase + j];
      }
      for (let j = 0; j < n; j++) out[oBase + j] = acc[j];
    }
  },

  // ---- softmax ------------------------------------------------------------

  logSoftmax(x, outer, dim, inner, out) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        const end = base + dim * inner;
        const max = maxStrided(x, base, end, inner);
        let s = 0;
        for (let j = base; j < end; j += inner) s += Math.exp(x[j] - max);
        const logS = Math.log(s);
        for (let j = base; j < end; j += inner) out[j] = x[j] - max - logS;
      }
    }
  },

  logSoftmaxBackward(y, gy, outer, dim, inner, gx) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        const end = base + dim * inner;
        let g = 0;
        for (let j = base; j < end; j += inner) g += gy[j];
        for (let j = base; j < end; j += inner) gx[j] = gy[j] - Math.exp(y[j]) * g;
      }
    }
  },

  softmax(x, outer, dim, inner, out) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        const end = base + dim * inner;
        const max = maxStrided(x, base, end, inner);
        let s = 0;
        for (let j = base; j < end; j += inner) s += Math.exp(x[j] - max);
        const r = 1 / s;
        for (let j = base; j < end; j += inner) out[j] = Math.exp(x[j] - max) * r;
      }
    }
  },

  softmaxBackward(y, gy, outer, dim, inner, gx) {
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const base = o * dim * inner + i;
        const end = base + dim * inner;
        let g = 0;
        for (let j = base; j < end; j += inner) g += gy[j] * y[j];
        for (let j = base; j < end; j += inner) gx[j] = y[j] * (gy[j] - g);
      }
    }
  },

  // ---- losses: fused forward + gradient -----------------------------------

  elementwiseLossFwdBwd(kind, a, b, c, d, params, lossOut, gradOut, grad2Out, gradScale) {
    if (kind.plain !== undefined && c === null && d === null && lossOut === null) return kind.plain(a, b, gradOut, gradScale);
    const n = a.length;
    const p = params.map(Math.fround); // the wasm kernel gets them as f32
    const out = elementOut;
    const f = kind.js;
    let total = 0;
    let k = 0; // i mod d.length, without a division per element
    for (let i = 0; i < n; i++) {
      f(a[i], b[i], c === null ? 1 : c[i], d === null ? 1 : d[k], p, out);
      if (d !== null && ++k === d.length) k = 0;
      total += out[0];
      if (lossOut !== null) lossOut[i] = out[0];
      if (gradOut !== null) {
        gradOut[i] = gradScale * out[1];
        if (grad2Out !== null) grad2Out[i] = gradScale * out[2];
      }
    }
    return total;
  },

  nllFwdBwd(input, target, weight, n, classes, inner, ignore, lossOut, gradOut, gradScale) {
    if (gradOut !== null) gradOut.fill(0);
    let total = 0;
    for (let b = 0; b < n; b++) {
      for (let j = 0; j < inner; j++) {
        const s = b * inner + j;
        const t = target[s];
        let loss = 0;
        if (Number.isInteger(t) && t >= 0 && t < classes && t !== ignore) {
          const w = weight === null ? 1 : weight[t];
          const at = (b * classes + t) * inner + j;
          loss = -w * input[at];
          if (gradOut !== null) gradOut[at] = -w * gradScale;
        }
        if (lossOut !== null) lossOut[s] = loss;
        total += loss;
      }
    }
    return total;
  },

  crossEntropyFwdBwd(
    logits, target, weight, n, classes, inner, ignoreIndex, labelSmoothing, probTargets, lossOut, gradOut, gradScale,
  ) {
    const eps = labelSmoothing;
    const epsPerClass = eps / classes;
    const keep = 1 - eps;
    let weightSum = classes; // W = Σ_c w_c
    if (weight !== null) {
      weightSum = 0;
      for (let c = 0; c < classes; c++) weightSum += weight[c];
    }
    let total = 0;
    for (let b = 0; b < n; b++) {
      for (let i = 0; i < inner; i++) {
        // Sample s = (b, i); its classes are logits[base + c·inner].
        const s = b * inner + i;
        const base = b * classes * inner + i;
        const end = base + classes * inner;

        if (!probTargets && target[s] === ignoreIndex) {
          if (lossOut !== null) lossOut[s] = 0;
          if (gradOut !== null) for (let j = base; j < end; j += inner) gradOut[j] = 0;
          continue;
        }

        const max = maxStrided(logits, base, end, inner);
        let sumExp = 0;
        for (let j = base; j < end; j += inner) sumExp += Math.exp(logits[j] - max);
        const logS = Math.log(sumExp);
        let loss = 0;

        if (probTargets) {
          // ℓ = Σ_c w_c q_c (−log p_c); ∂ℓ/∂x_c = p_c · Σ_j w_j q_j − w_c q_c.
          let wq = 0;
          for (let c = 0, j = base; j < end; c++, j += inner) {
            const q = keep * target[j] + epsPerClass;
            const w = weight === null ? 1 : weight[c];
            loss += w * q * (max - logits[j] + logS);
            wq += w * q;
          }
          if (gradOut !== null) {
            for (let c = 0, j = base; j < end; c++, j += inner) {
              const q = keep * target[j] + epsPerClass;
              const w = weight === null ? 1 : weight[c];
              const p = Math.exp(logits[j] - max - logS);
              gradOut[j] = gradScale * (p * wq - w * q);
            }
          }
        } else {
          const t = target[s];
          const wt = weight === null ? 1 : weight[t];
          const jt = base + t * inner;
          loss = keep * wt * (max - logits[jt] + logS);
          if (eps !== 0) {
            // Label smoothing: (ε / C) · Σ_c w_c (−log p_c); skipped at ε = 0
            // so that a −∞ logit elsewhere does not turn 0 · ∞ into NaN.
            let smooth = 0;
            for (let c = 0, j = base; j < end; c++, j += inner) {
              smooth += (weight === null ? 1 : weight[c]) * (max - logits[j] + logS);
            }
            loss += epsPerClass * smooth;
          }
          if (gradOut !== null) {
            const kw = keep * wt;
            for (let c = 0, j = base; j < end; c++, j += inner) {
              const p = Math.exp(logits[j] - max - logS);
              let g = kw * (j === jt ? p - 1 : p);
              if (eps !== 0) g += epsPerClass * (weightSum * p - (weight === null ? 1 : weight[c]));
              // gradScale ∞ (a zero "mean" denominator): NaN, as PyTorch's 0/0.
              gradOut[j] = gradScale === Infinity ? NaN : gradScale * g;
            }
          }
        }
        if (lossOut !== null) lossOut[s] = loss;
        total += loss;
      }
    }
    return total;
  },

  // ---- optimizers (in place) ----------------------------------------------

  multiMarginFwdBwd(input, target, weight, n, classes, p, margin, lossOut, gradOut, gradScale) {
    const m = Math.fround(margin);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const base = r * classes;
      const y = target[r];
      const k = (weight === null ? 1 : weight[y]) / classes;
      const xy = input[base + y];
      let loss = 0;
      let gy = 0;
      for (let c = 0; c < classes; c++) {
        if (c === y) continue;
        // (m − x_y) + x_c rounded to float32 as PyTorch's kernel, so ties (z = 0: no gradient) decide alike.
        const z = Math.fround(Math.fround(m - xy) + input[base + c]);
        const active = z > 0;
        loss += active ? (p === 2 ? z * z : z) : 0;
        const d = active ? k * gradScale * (p === 2 ? 2 * z : 1) : 0;
        if (gradOut !== null) gradOut[base + c] = d;
        gy -= d;
      }
      if (gradOut !== null) gradOut[base + y] = gy;
      if (lossOut !== null) lossOut[r] = k * loss;
      total += k * loss;
    }
    return total;
  },

  multilabelMarginFwdBwd(input, target, n, classes, lossOut, gradOut, workspace, gradScale) {
    // PyTorch's loops: targets' scores replaced by −inf in the workspace, so
    // their pairs are never > 0 (the Rust kernel's layout).
    const k = gradScale / classes;
    let total = 0;
    for (let r = 0; r < n; r++) {
      const base = r * classes;
      let len = 0;
      while (len < classes && target[base + len] >= 0) len++;
      for (let i = 0; i < classes; i++) workspace[i] = input[base + i];
      for (let l = 0; l < len; l++) workspace[target[base + l]] = -Infinity;
      if (gradOut !== null) gradOut.fill(0, base, base + classes);
      let sum = 0;
      for (let l = 0; l < len; l++) {
        const j = target[base + l];
        // z = (1 − x_j) + x_i rounded to float32 as in PyTorch, so ties decide alike.
        const shift = Math.fround(1 - input[base + j]);
        let count = 0;
        for (let i = 0; i < classes; i++) {
          const z = Math.fround(shift + workspace[i]);
          if (!(z > 0)) continue;
          sum += z;
          count++;
          if (gradOut !== null) gradOut[base + i] += k;
        }
        if (gradOut !== null) gradOut[base + j] -= count * k;
      }
      const loss = sum / classes;
      if (lossOut !== null) lossOut[r] = loss;
      total += loss;
    }
    return total;
  },

  cosineEmbeddingFwdBwd(x1, x2, y, n, d, margin, lossOut, gradOut, grad2Out, gradScale) {
    const m = Math.fround(margin);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const o = r * d;
      let ab = 0;
      let aa = 0;
      let bb = 0;
      for (let k = 0; k < d; k++) {
        ab += x1[o + k] * x2[o + k];
        aa += x1[o + k] * x1[o + k];
        bb += x2[o + k] * x2[o + k];
      }
      const m1 = aa + 1e-12;
      const m2 = bb + 1e-12;
      const den = Math.sqrt(m1 * m2);
      const cos = ab / den;
      const label = y[r];
      const z = cos - m;
      const loss = label === 1 ? 1 - cos : label === -1 ? Math.max(z, 0) : 0;
      const dcos = label === 1 ? -1 : label === -1 && z >= 0 ? 1 : 0;
      if (lossOut !== null) lossOut[r] = loss;
      total += loss;
      const k1 = dcos * gradScale;
      for (let k = 0; k < d; k++) {
        if (gradOut !== null) gradOut[o + k] = k1 * (x2[o + k] / den - (cos * x1[o + k]) / m1);
        if (grad2Out !== null) grad2Out[o + k] = k1 * (x1[o + k] / den - (cos * x2[o + k]) / m2);
      }
    }
    return total;
  },

  tripletMarginFwdBwd(a, q, r, n, d, p, margin, eps, swap, lossOut, gradOut, grad2Out, grad3Out, gradScale) {
    if (p !== 1 && p !== 2) return tripletGeneralP(a, q, r, n, d, p, margin, eps, swap, lossOut, gradOut, grad2Out, grad3Out, gradScale);
    const [m, e] = [Math.fround(margin), Math.fround(eps)];
    const norm = (s: number) => (p === 2 ? Math.sqrt(s) : s);
    const dnorm = (v: number, nrm: number) => (nrm === 0 ? 0 : p === 2 ? v / nrm : sign(v));
    let total = 0;
    for (let row = 0; row < n; row++) {
      const o = row * d;
      let [sp, san, sqn] = [0, 0, 0];
      for (let k = 0; k < d; k++) {
        const [u, v, w] = [a[o + k] - q[o + k] + e, a[o + k] - r[o + k] + e, q[o + k] - r[o + k] + e];
        sp += p === 2 ? u * u : Math.abs(u);
        san += p === 2 ? v * v : Math.abs(v);
        sqn += p === 2 ? w * w : Math.abs(w);
      }
      const [dp, dan, dqn] = [norm(sp), norm(san), norm(sqn)];
      const { z, loss, wan, wqn } = tripletRow(dp, dan, dqn, m, swap);
      if (lossOut !== null) lossOut[row] = loss;
      total += loss;
      if (gradOut === null && grad2Out === null && grad3Out === null) continue;
      const k = z >= 0 ? gradScale : 0;
      for (let i = 0; i < d; i++) {
        const [u, v, w] = [a[o + i] - q[o + i] + e, a[o + i] - r[o + i] + e, q[o + i] - r[o + i] + e];
        tripletGrads(gradOut, grad2Out, grad3Out, o + i, k * dnorm(u, dp), k * wan * dnorm(v, dan), k * wqn * dnorm(w, dqn));
      }
    }
    return total;
  },

  ctcFwdBwd: ctcFwdBwdJs,

  sgdStep(param, grad, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep) {
    const n = param.length;
    if (momentumBuf === null) {
      for (let i = 0; i < n; i++) param[i] -= lr * (grad[i] + weightDecay * param[i]);
      return;
    }
    const damp = 1 - dampening;
    for (let i = 0; i < n; i++) {
      const g = grad[i] + weightDecay * param[i];
      const buf = firstStep ? g : momentum * momentumBuf[i] + damp * g;
      momentumBuf[i] = buf;
      param[i] -= lr * (nesterov ? g + momentum * buf : buf);
    }
  },

  adamStep(param, grad, m, v, vMax, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt) {
    const n = param.length;
    const c1 = 1 - beta1;
    const c2 = 1 - beta2;
    for (let i = 0; i < n; i++) {
      const g = grad[i] + weightDecay * param[i];
      const mi = beta1 * m[i] + c1 * g;
      let vi = beta2 * v[i] + c2 * g * g;
      m[i] = mi;
      v[i] = vi;
      if (vMax !== null) {
        vi = Math.max(vMax[i], vi);
        vMax[i] = vi;
      }
      param[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
    }
  },
};

/** max of x[j] for j = start, start + step, … < end (NaN wins); −∞ if empty. */
function maxStrided(x: F32, start: number, end: number, step: number): number {
  let max = -Infinity;
  for (let j = start; j < end; j += step) {
    const v = x[j];
    if (v > max || v !== v) {
      max = v;
      if (v !== v) break;
    }
  }
  return max;
}
