/**
 * The kernel interface both backends implement ("wasm-simd" and "js").
 *
 * Every array argument is a Float32Array (or Int32Array) VIEW INTO THE WASM
 * HEAP (see ts/wasm/memory.ts): the wasm backend turns `view.byteOffset` into
 * a pointer, the js backend loops over the view. Callers allocate every
 * output before the call; kernels never allocate, never throw and never read
 * or write outside the views they are given. All validation (shapes, class
 * indices, ranges) happens in TypeScript before a kernel is called.
 *
 * Kernel names are the same in every layer: `crossEntropyFwdBwd` here and in
 * both backends, `cross_entropy_fwd_bwd` in Rust (crates/kernels) and as the
 * wasm export (crates/wasm/src/exports.rs).
 *
 * Sums returned as `number` are accumulated in float64 (or in float32 blocks
 * folded into float64), so that the mean of 4e6 elements stays within 1e-6
 * relative of an exact reference.
 */

export type F32 = Float32Array;

/** Element-wise unary ops. Values are shared with Rust (`UnaryOp` in elementwise.rs). */
export const UnaryOp = {
  neg: 0,
  abs: 1,
  exp: 2,
  log: 3,
  sqrt: 4,
  relu: 5,
  sigmoid: 6,
  tanh: 7,
} as const;
export type UnaryOp = (typeof UnaryOp)[keyof typeof UnaryOp];

/** Element-wise binary ops. Values are shared with Rust (`BinaryOp` in elementwise.rs). */
export const BinaryOp = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
} as const;
export type BinaryOp = (typeof BinaryOp)[keyof typeof BinaryOp];

/** The kernels in use: WebAssembly SIMD128 (Rust), or plain JavaScript (the fallback and baseline). */
export type BackendName = "wasm-simd" | "js";

/**
 * Floats of CTC workspace (Backend.ctcFwdBwd) for `steps` frames, targets of
 * at most `maxTarget` labels: crates/kernels/src/losses/ctc_loss.rs's
 * workspace_len (the labels, then the scaled path's f64 rows, which need
 * more than the log-space path's).
 */
export function ctcWorkspaceLength(steps: number, maxTarget: number, classes: number): number {
  const len = 2 * maxTarget + 1;
  const [w, blocks] = [len + 4, Math.floor(len / 8) + 1];
  return w + w + classes + 1 + 2 * (2 * steps * w + steps * blocks + 4 * w + 6 * blocks);
}

/**
 * One element-wise loss as both backends run it: `code` selects its formula
 * in crates/kernels/src/losses/elementwise.rs (the wasm backend), `js` is the
 * same formula for the js backend. Each loss file (ts/losses/*.ts) defines
 * its kind next to its documentation.
 */
export interface ElementwiseKind {
  readonly name: string;
  readonly code: number;
  /**
   * One element: writes loss, ∂loss/∂a and ∂loss/∂(second differentiable
   * input, 0 if none) into out[0], out[1], out[2]. `p`: the parameters.
   */
  js(a: number, b: number, c: number, d: number, p: readonly number[], out: Float64Array): void;
  /**
   * Optional, for the hot losses: the js backend's whole loop for the common
   * case (no c, no d, no per-element losses, no second gradient): Σ loss,
   * and gradScale·∂loss/∂a into `gradOut` if given. A loop of its own per
   * kind because V8 shares one loop's call site between every kind and
   * stops inlining the formula there (MSE 1e5 ran 3× slower).
   */
  plain?(a: F32, b: F32, gradOut: F32 | null, gradScale: number): number;
}

export interface Backend {
  readonly name: BackendName;

  // ---- element-wise -------------------------------------------------------

  /** out[i] = op(x[i]). Outputs never alias inputs (except the in-place kernels). */
  unary(op: UnaryOp, x: F32, out: F32): void;

  /**
   * gx[i] = gy[i] * op'(x[i]), where y = op(x) is given too (cheaper for
   * exp/sqrt/sigmoid/tanh): neg → -gy, abs → gy·sign(x) (0 at 0, as PyTorch),
   * exp → gy·y, log → gy/x, sqrt → gy/(2y), relu → gy·[x>0],
   * sigmoid → gy·y·(1−y), tanh → gy·(1−y²).
   */
  unaryBackward(op: UnaryOp, x: F32, y: F32, gy: F32, gx: F32): void;

  /** out[i] = x[i] ** p as PyTorch (Math.pow, but p = ±0.5 as sqrt / 1/sqrt, 1 for |x| = 1, p = ±∞). */
  powScalar(x: F32, p: number, out: F32): void;

  /** gx[i] = gy[i] · p · x[i] ** (p − 1); p == 0 gives 0. */
  powScalarBackward(x: F32, p: number, gy: F32, gx: F32): void;

  /** out[i] = a[i] op b[i]; all the same length. */
  binary(op: BinaryOp, a: F32, b: F32, out: F32): void;

  /** acc[i] += x[i] (gradient accumulation). */
  addInPlace(acc: F32, x: F32): void;

  /** out[i] = a[i] op s. */
  binaryScalar(op: BinaryOp, a: F32, s: number, out: F32): void;

  /**
   * NumPy broadcasting in its general, strided form:
   * out[idx] = a[Σ idx_d · aStrides[d]] op b[Σ idx_d · bStrides[d]]
   * for every index idx of `outShape` (row-major, contiguous out).
   * Strides are in elements; 0 on a broadcast dimension. outShape.length ≤ 8,
   * the three arrays have the same length. Implementations should special-case
   * the innermost dimension (strides 1/1, 1/0, 0/1) — e.g. a bias row — with a
   * vector loop.
   */
  binaryBroadcast(
    op: BinaryOp,
    a: F32,
    aStrides: ArrayLike<number>,
    b: F32,
    bStrides: ArrayLike<number>,
    out: F32,
    outShape: ArrayLike<number>,
  ): void;

  // ---- reductions ---------------------------------------------------------

  /**
   * x viewed as (outer, dim, inner): out[o·inner + i] = Σ_d x[(o·dim + d)·inner + i],
   * accumulated accurately (float64). `sumAll` is sumAxis(x, 1, n, 1, out1).
   */
  sumAxis(x: F32, outer: number, dim: number, inner: number, out: F32): void;

  /** As sumAxis, but the maximum (NaN propagates; dim ≥ 1). */
  maxAxis(x: F32, outer: number, dim: number, inner: number, out: F32): void;

  /** Σ x[i], accumulated accurately (float64). */
  sum(x: F32): number;

  // ---- matmul -------------------------------------------------------------

  /**
   * out(m, n) = A(m, k) · B(k, n), all row-major. With transA, `a` holds Aᵀ
   * as a (k, m) array; with transB, `b` holds Bᵀ as an (n, k) array. With
   * accumulate, out += A·B instead of out = A·B. k == 0 gives zeros.
   * Forward of Linear: transB (weights are (out, in)); its backward products
   * use transA / no transpose.
   */
  matmul(
    a: F32,
    b: F32,
    out: F32,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    accumulate: boolean,
  ): void;

  // ---- softmax ------------------------------------------------------------

  /** x viewed as (outer, dim, inner), log-softmax along dim, max-shifted. */
  logSoftmax(x: F32, outer: number, dim: number, inner: number, out: F32): void;
  /** gx = gy − exp(y) · Σ_dim gy, with y = logSoftmax(x). */
  logSoftmaxBackward(y: F32, gy: F32, outer: number, dim: number, inner: number, gx: F32): void;
  /** x viewed as (outer, dim, inner), softmax along dim, max-shifted. */
  softmax(x: F32, outer: number, dim: number, inner: number, out: F32): void;
  /** gx = y · (gy − Σ_dim gy·y), with y = softmax(x). */
  softmaxBackward(y: F32, gy: F32, outer: number, dim: number, inner: number, gx: F32): void;

  // ---- losses: fused forward + gradient -----------------------------------
  // Each returns Σ of the per-element (per-sample for cross entropy) losses,
  // accumulated in float64. If `lossOut` is given it receives those per-element
  // losses (reduction "none"). If `gradOut` is given it receives
  // gradScale · ∂(Σ loss)/∂input, the gradient the backward pass will need
  // (gradScale is 1/denominator for "mean", 1 otherwise). Reductions and
  // denominators are decided in TypeScript (ts/losses/reduction.ts).

  /**
   * Every element-wise loss, by `kind` (one coded kernel; the formulas are
   * crates/kernels/src/losses/elementwise.rs and each kind's `js`). `a`, `b`
   * have the input's length; `c` is null (read as 1) or of that length; `d`
   * is null (read as 1) or cycled (element i uses d[i mod d.length]).
   * `params` are the loss's parameters (rounded to f32 on both backends).
   * `grad2Out` receives gradScale · ∂loss/∂(the kind's second
   * differentiable input), and is written only when `gradOut` is given.
   */
  elementwiseLossFwdBwd(
    kind: ElementwiseKind,
    a: F32,
    b: F32,
    c: F32 | null,
    d: F32 | null,
    params: readonly number[],
    lossOut: F32 | null,
    gradOut: F32 | null,
    grad2Out: F32 | null,
    gradScale: number,
  ): number;

  /**
   * NLL over log-probabilities viewed as (n, classes, inner): loss_s = −w_t·x_t,
   * ∂loss_s/∂x_c = −w_t·[c = t]. Targets are class indices in [0, classes)
   * or the caller's ignoreIndex (validated): a target outside [0, classes), or
   * equal to `ignore` (an ignored class index, or −1), contributes 0.
   */
  nllFwdBwd(
    input: F32,
    target: F32,
    weight: F32 | null,
    n: number,
    classes: number,
    inner: number,
    ignore: number,
    lossOut: F32 | null,
    gradOut: F32 | null,
    gradScale: number,
  ): number;

  /**
   * Cross entropy over logits viewed as (n, classes, inner) — classes is
   * dim 1, `inner` the product of d1…dk (1 for (N, C) and (C) input). With
   * lse = log Σ_c exp(x_c) computed max-shifted, −log p_c = (max − x_c) + log Σ exp(x − max).
   *
   * Class-index targets (`probTargets` false): `target` holds n·inner
   * integral values in [0, classes) or equal to `ignoreIndex` (validated by the
   * caller; any integer, compared exactly with the stored targets).
   * With labelSmoothing 0, weights of classes other than the target take no
   * part (a NaN weight elsewhere leaves the sample finite, as in PyTorch). For a sample s with class t and ε = labelSmoothing:
   *   loss_s = (1 − ε) · w_t · (−log p_t) + (ε / C) · Σ_c w_c · (−log p_c), 0 if ignored;
   *   ∂loss_s/∂x_c = w-weighted: (1 − ε) · w_t · (p_c − [c = t]) + (ε / C) · (W · p_c − w_c),
   *   where W = Σ_c w_c (w ≡ 1 without `weight`).
   * Probability targets (`probTargets` true): `target` has the input's layout,
   * q_c = (1 − ε) · target_c + ε / C:
   *   loss_s = −Σ_c w_c · q_c · log p_c;  ∂loss_s/∂x_c = p_c · Σ_j w_j q_j − w_c q_c.
   * `weight` is null or has length `classes`. `lossOut` has n·inner entries.
   */
  crossEntropyFwdBwd(
    logits: F32,
    target: F32,
    weight: F32 | null,
    n: number,
    classes: number,
    inner: number,
    ignoreIndex: number,
    labelSmoothing: number,
    probTargets: boolean,
    lossOut: F32 | null,
    gradOut: F32 | null,
    gradScale: number,
  ): number;

  /**
   * MultiMarginLoss over scores (n, classes) with class-index targets
   * (validated), weights w (or null), p ∈ {1, 2}, margin m: per row
   * loss = (w_y/C)·Σ_{c≠y} max(0, m − x_y + x_c)^p, and gradScale·∂loss/∂x
   * (0 where the hinge is at 0 or below, as PyTorch's kernel).
   */
  multiMarginFwdBwd(
    input: F32,
    target: F32,
    weight: F32 | null,
    n: number,
    classes: number,
    p: number,
    margin: number,
    lossOut: F32 | null,
    gradOut: F32 | null,
    gradScale: number,
  ): number;

  /**
   * MultiLabelMarginLoss over scores (n, classes); each target row lists
   * class indices (validated) up to the first −1, T their set: per row
   * loss = (1/C)·Σ_{j listed} Σ_{i ∉ T} max(0, 1 − x_j + x_i), and
   * gradScale·∂loss/∂x (a pair counts only where 1 − x_j + x_i > 0, so NaN
   * adds nothing, as PyTorch's kernel). `workspace` holds `classes` floats
   * (overwritten).
   */
  multilabelMarginFwdBwd(
    input: F32,
    target: F32,
    n: number,
    classes: number,
    lossOut: F32 | null,
    gradOut: F32 | null,
    workspace: F32,
    gradScale: number,
  ): number;

  /**
   * CosineEmbeddingLoss over pairs of rows x1, x2 (n, d), labels y (n), margin m:
   * cos = Σ x1x2 / sqrt((Σ x1² + 1e-12)(Σ x2² + 1e-12)); loss = 1 − cos (y = 1),
   * max(0, cos − m) (y = −1), 0 else; gradScale·∂loss/∂x1 into gradOut and
   * ∂loss/∂x2 into grad2Out (each optional).
   */
  cosineEmbeddingFwdBwd(
    x1: F32,
    x2: F32,
    y: F32,
    n: number,
    d: number,
    margin: number,
    lossOut: F32 | null,
    gradOut: F32 | null,
    grad2Out: F32 | null,
    gradScale: number,
  ): number;

  /**
   * TripletMarginLoss for any p > 0 (∞ too) over rows (n, d): D(u, v) = ‖u − v + eps‖_p,
   * loss = max(0, m + D(a, q) − D(a, r)) (swap: the smaller of D(a, r), D(q, r));
   * gradScale·∂loss/∂a, ∂loss/∂q and ∂loss/∂r into gradOut, grad2Out and
   * grad3Out, each where non-null.
   */
  tripletMarginFwdBwd(
    anchor: F32,
    positive: F32,
    negative: F32,
    n: number,
    d: number,
    p: number,
    margin: number,
    eps: number,
    swap: boolean,
    lossOut: F32 | null,
    gradOut: F32 | null,
    grad2Out: F32 | null,
    grad3Out: F32 | null,
    gradScale: number,
  ): number;

  /**
   * CTC over log-probabilities (steps, batch, classes), forward and backward
   * in scaled linear space, in log space where that is not exact enough
   * (ts/backend/js_ctc_scaled.ts and js_ctc.ts give the recursions). `targets`
   * holds each sample's labels from targetOffsets[n], targetLengths[n] of
   * them; inputLengths[n] ≤ steps (all validated by the caller, integral
   * values in float arrays). lossOut (batch) receives each sample's loss;
   * gradOut, if given, ∂loss_n/∂logProbs unscaled (PyTorch's formula), 0
   * after a sample's input length. zeroInfinity: infinite losses and their
   * gradients become 0. `workspace` is scratch of at least
   * 4·steps·(2S + 5) + 10·(2S + 5) + classes + 1 floats, S the longest
   * target (ctcWorkspaceLength), overwritten.
   */
  ctcFwdBwd(
    logProbs: F32,
    targets: F32,
    targetOffsets: F32,
    inputLengths: F32,
    targetLengths: F32,
    steps: number,
    batch: number,
    classes: number,
    blank: number,
    zeroInfinity: boolean,
    lossOut: F32,
    gradOut: F32 | null,
    workspace: F32,
  ): void;

  // ---- optimizers (in place) ----------------------------------------------

  /**
   * PyTorch's SGD, one step over one parameter, in place:
   *   g = grad + weightDecay · p
   *   if momentum ≠ 0: buf = firstStep ? g : momentum · buf + (1 − dampening) · g
   *                    g = nesterov ? g + momentum · buf : buf
   *   p −= lr · g
   * `momentumBuf` is null when momentum is 0.
   */
  sgdStep(
    param: F32,
    grad: F32,
    momentumBuf: F32 | null,
    lr: number,
    momentum: number,
    dampening: number,
    weightDecay: number,
    nesterov: boolean,
    firstStep: boolean,
  ): void;

  /**
   * PyTorch's Adam (not AdamW), one step over one parameter, in place:
   *   g = grad + weightDecay · p
   *   m = β1 m + (1 − β1) g;  v = β2 v + (1 − β2) g²
   *   if vMax: vMax = max(vMax, v), use vMax for v below (amsgrad)
   *   p −= stepSize · m / (sqrt(v) / bc2Sqrt + eps)
   * with stepSize = lr / (1 − β1^t) and bc2Sqrt = sqrt(1 − β2^t) from the caller.
   */
  adamStep(
    param: F32,
    grad: F32,
    m: F32,
    v: F32,
    vMax: F32 | null,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    stepSize: number,
    bc2Sqrt: number,
  ): void;
}
