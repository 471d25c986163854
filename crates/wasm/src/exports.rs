//! The wasm exports: the only place where pointers become slices.
//!
//! Every export has the name of the kernel it calls (`matmul`, `cross_entropy_fwd_bwd`,
//! …; `crossEntropyFwdBwd` in ts/backend/wasm.ts). Only i32 pointers, lengths,
//! op codes and flags, and f32 scalars cross the boundary; sums come back as
//! f64. A pointer is a byte address in the imported memory (a Float32Array
//! view's `byteOffset`); 0 stands for an absent optional array (the heap
//! never hands out address 0: it starts at KERNEL_RESERVED_BYTES). Flags are
//! 0 or non-zero. An unknown op code, or sizes whose products overflow, make
//! the call do nothing (validation happens in TypeScript).
//!
//! Argument order, the rule every export follows: op code or kind first;
//! then the input arrays, the optional input arrays (0 when absent), the
//! sizes, the scalar parameters and flags, the output arrays (optional ones
//! 0 when absent) and last the gradient scale. ts/wasm/loader.ts declares
//! each export with the same names in the same order, and
//! test/kernels/export_arity.test.ts checks every export's arity and
//! parameter types against that declaration.
//!
//! The contract every export shares (its `# Safety`): each pointer is 0 or
//! the 4-byte-aligned address of as many f32 (i32 for strides/shape) as the
//! sizes say, inside the memory; outputs do not overlap any other array of
//! the call (the in-place kernels update their documented arrays only).

use neurenix_kernels::{broadcast, elementwise, losses, matmul, optim, reduce, softmax};
use neurenix_kernels::elementwise::{BinaryOp, UnaryOp};

/// `len` f32 at `ptr` (empty for len 0, whatever the pointer).
///
/// # Safety
/// If len > 0, ptr is aligned and valid for reading `len` f32 for 'a, and no
/// &mut to the same memory lives during 'a.
#[inline(always)]
unsafe fn view<'a>(ptr: *const f32, len: usize) -> &'a [f32] {
    if len == 0 || ptr.is_null() {
        return &[];
    }
    // SAFETY: the caller's contract.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// `len` writable f32 at `ptr` (empty for len 0).
///
/// # Safety
/// If len > 0, ptr is aligned and valid for reading and writing `len` f32
/// for 'a, and no other reference to the same memory lives during 'a.
#[inline(always)]
unsafe fn view_mut<'a>(ptr: *mut f32, len: usize) -> &'a mut [f32] {
    if len == 0 || ptr.is_null() {
        return &mut [];
    }
    // SAFETY: the caller's contract.
    unsafe { core::slice::from_raw_parts_mut(ptr, len) }
}

/// None for a null pointer, else `view`.
///
/// # Safety
/// As `view`.
#[inline(always)]
unsafe fn opt<'a>(ptr: *const f32, len: usize) -> Option<&'a [f32]> {
    // SAFETY: the caller's contract.
    if ptr.is_null() { None } else { Some(unsafe { view(ptr, len) }) }
}

/// None for a null pointer, else `view_mut`.
///
/// # Safety
/// As `view_mut`.
#[inline(always)]
unsafe fn opt_mut<'a>(ptr: *mut f32, len: usize) -> Option<&'a mut [f32]> {
    // SAFETY: the caller's contract.
    if ptr.is_null() { None } else { Some(unsafe { view_mut(ptr, len) }) }
}

/// a·b·c, None on overflow.
#[inline(always)]
fn prod3(a: usize, b: usize, c: usize) -> Option<usize> {
    a.checked_mul(b)?.checked_mul(c)
}

// ---- element-wise -----------------------------------------------------------

/// out[i] = op(x[i]) for i < n.
///
/// # Safety
/// The shared contract (module header): x and out hold n f32.
#[no_mangle]
pub unsafe extern "C" fn unary(op: i32, x: *const f32, out: *mut f32, n: usize) {
    let Some(op) = UnaryOp::from_code(op) else { return };
    // SAFETY: the shared contract.
    unsafe { elementwise::unary(op, view(x, n), view_mut(out, n)) }
}

/// gx[i] = gy[i] · op'(x[i]) given y = op(x), for i < n.
///
/// # Safety
/// The shared contract: x, y, gy, gx hold n f32.
#[no_mangle]
pub unsafe extern "C" fn unary_backward(op: i32, x: *const f32, y: *const f32, gy: *const f32, gx: *mut f32, n: usize) {
    let Some(op) = UnaryOp::from_code(op) else { return };
    // SAFETY: the shared contract.
    unsafe { elementwise::unary_backward(op, view(x, n), view(y, n), view(gy, n), view_mut(gx, n)) }
}

/// out[i] = x[i]^p for i < n.
///
/// # Safety
/// The shared contract: x and out hold n f32.
#[no_mangle]
pub unsafe extern "C" fn pow_scalar(x: *const f32, p: f32, out: *mut f32, n: usize) {
    // SAFETY: the shared contract.
    unsafe { elementwise::pow_scalar(view(x, n), p, view_mut(out, n)) }
}

/// gx[i] = gy[i] · p · x[i]^(p − 1) for i < n.
///
/// # Safety
/// The shared contract: x, gy, gx hold n f32.
#[no_mangle]
pub unsafe extern "C" fn pow_scalar_backward(x: *const f32, p: f32, gy: *const f32, gx: *mut f32, n: usize) {
    // SAFETY: the shared contract.
    unsafe { elementwise::pow_scalar_backward(view(x, n), p, view(gy, n), view_mut(gx, n)) }
}

/// out[i] = a[i] op b[i] for i < n.
///
/// # Safety
/// The shared contract: a, b, out hold n f32.
#[no_mangle]
pub unsafe extern "C" fn binary(op: i32, a: *const f32, b: *const f32, out: *mut f32, n: usize) {
    let Some(op) = BinaryOp::from_code(op) else { return };
    // SAFETY: the shared contract.
    unsafe { elementwise::binary(op, view(a, n), view(b, n), view_mut(out, n)) }
}

/// acc[i] += x[i] for i < n.
///
/// # Safety
/// The shared contract: acc and x hold n f32 (acc is updated in place).
#[no_mangle]
pub unsafe extern "C" fn add_in_place(acc: *mut f32, x: *const f32, n: usize) {
    // SAFETY: the shared contract.
    unsafe { elementwise::add_in_place(view_mut(acc, n), view(x, n)) }
}

/// out[i] = a[i] op s for i < n.
///
/// # Safety
/// The shared contract: a and out hold n f32.
#[no_mangle]
pub unsafe extern "C" fn binary_scalar(op: i32, a: *const f32, s: f32, out: *mut f32, n: usize) {
    let Some(op) = BinaryOp::from_code(op) else { return };
    // SAFETY: the shared contract.
    unsafe { elementwise::binary_scalar(op, view(a, n), s, view_mut(out, n)) }
}

/// `ndim` (≤ 8) non-negative i32 at `ptr` as sizes/strides; None otherwise.
///
/// # Safety
/// ptr is valid for reading ndim i32 when 0 < ndim ≤ 8.
#[inline(always)]
unsafe fn dims(ptr: *const i32, ndim: usize) -> Option<[usize; broadcast::MAX_DIMS]> {
    let mut out = [0usize; broadcast::MAX_DIMS];
    if ndim > broadcast::MAX_DIMS || (ndim > 0 && ptr.is_null()) {
        return None;
    }
    for (d, o) in out.iter_mut().enumerate().take(ndim) {
        // SAFETY: d < ndim, within what the caller guarantees.
        let v = unsafe { *ptr.add(d) };
        *o = usize::try_from(v).ok()?;
    }
    Some(out)
}

/// out = a op b broadcast over `shape` (ndim dims), with element strides
/// a_strides / b_strides (0 on broadcast dims); out holds Π shape f32.
///
/// # Safety
/// The shared contract: a holds a_len f32, b holds b_len f32, out holds
/// out_len f32; a_strides, b_strides and shape hold ndim i32 each.
#[no_mangle]
pub unsafe extern "C" fn binary_broadcast(
    op: i32,
    a: *const f32,
    a_len: usize,
    a_strides: *const i32,
    b: *const f32,
    b_len: usize,
    b_strides: *const i32,
    out: *mut f32,
    out_len: usize,
    shape: *const i32,
    ndim: usize,
) {
    let Some(op) = BinaryOp::from_code(op) else { return };
    // SAFETY: the shared contract.
    let dims3 = unsafe { (dims(a_strides, ndim), dims(b_strides, ndim), dims(shape, ndim)) };
    let (Some(sa), Some(sb), Some(sh)) = dims3 else { return };
    // SAFETY: the shared contract.
    let (a, b, out) = unsafe { (view(a, a_len), view(b, b_len), view_mut(out, out_len)) };
    broadcast::binary_broadcast(op, a, &sa[..ndim], b, &sb[..ndim], out, &sh[..ndim]);
}

// ---- reductions ---------------------------------------------------------------

/// out (outer·inner) = Σ over dim of x (outer·dim·inner).
///
/// # Safety
/// The shared contract: x holds outer·dim·inner f32, out outer·inner.
#[no_mangle]
pub unsafe extern "C" fn sum_axis(x: *const f32, outer: usize, dim: usize, inner: usize, out: *mut f32) {
    let (Some(total), Some(rows)) = (prod3(outer, dim, inner), outer.checked_mul(inner)) else { return };
    // SAFETY: the shared contract.
    unsafe { reduce::sum_axis(view(x, total), outer, dim, inner, view_mut(out, rows)) }
}

/// out (outer·inner) = max over dim of x (outer·dim·inner).
///
/// # Safety
/// The shared contract: x holds outer·dim·inner f32, out outer·inner.
#[no_mangle]
pub unsafe extern "C" fn max_axis(x: *const f32, outer: usize, dim: usize, inner: usize, out: *mut f32) {
    let (Some(total), Some(rows)) = (prod3(outer, dim, inner), outer.checked_mul(inner)) else { return };
    // SAFETY: the shared contract.
    unsafe { reduce::max_axis(view(x, total), outer, dim, inner, view_mut(out, rows)) }
}

/// Σ x[i] for i < n, in f64.
///
/// # Safety
/// The shared contract: x holds n f32.
#[no_mangle]
pub unsafe extern "C" fn sum(x: *const f32, n: usize) -> f64 {
    // SAFETY: the shared contract.
    reduce::sum(unsafe { view(x, n) })
}

// ---- matmul -------------------------------------------------------------------

/// out (m×n) = A·B or += A·B; a holds A (m×k) or Aᵀ (k×m), b holds B (k×n) or Bᵀ (n×k).
///
/// # Safety
/// The shared contract: a holds m·k f32, b k·n, out m·n.
#[no_mangle]
pub unsafe extern "C" fn matmul(
    a: *const f32,
    b: *const f32,
    out: *mut f32,
    m: usize,
    k: usize,
    n: usize,
    trans_a: i32,
    trans_b: i32,
    accumulate: i32,
) {
    let (Some(mk), Some(kn), Some(mn)) = (m.checked_mul(k), k.checked_mul(n), m.checked_mul(n)) else { return };
    // SAFETY: the shared contract.
    let (a, b, out) = unsafe { (view(a, mk), view(b, kn), view_mut(out, mn)) };
    matmul::matmul(a, b, out, m, k, n, trans_a != 0, trans_b != 0, accumulate != 0);
}

// ---- softmax ------------------------------------------------------------------

/// out = log_softmax(x) along dim of (outer, dim, inner).
///
/// # Safety
/// The shared contract: x and out hold outer·dim·inner f32.
#[no_mangle]
pub unsafe extern "C" fn log_softmax(x: *const f32, outer: usize, dim: usize, inner: usize, out: *mut f32) {
    let Some(t) = prod3(outer, dim, inner) else { return };
    // SAFETY: the shared contract.
    unsafe { softmax::log_softmax(view(x, t), outer, dim, inner, view_mut(out, t)) }
}

/// gx = gy − exp(y)·Σ_dim gy.
///
/// # Safety
/// The shared contract: y, gy and gx hold outer·dim·inner f32.
#[no_mangle]
pub unsafe extern "C" fn log_softmax_backward(
    y: *const f32,
    gy: *const f32,
    outer: usize,
    dim: usize,
    inner: usize,
    gx: *mut f32,
) {
    let Some(t) = prod3(outer, dim, inner) else { return };
    // SAFETY: the shared contract.
    unsafe { softmax::log_softmax_backward(view(y, t), view(gy, t), outer, dim, inner, view_mut(gx, t)) }
}

/// out = softmax(x) along dim of (outer, dim, inner).
///
/// # Safety
/// The shared contract: x and out hold outer·dim·inner f32.
#[no_mangle]
pub unsafe extern "C" fn softmax(x: *const f32, outer: usize, dim: usize, inner: usize, out: *mut f32) {
    let Some(t) = prod3(outer, dim, inner) else { return };
    // SAFETY: the shared contract.
    unsafe { softmax::softmax(view(x, t), outer, dim, inner, view_mut(out, t)) }
}

/// gx = y·(gy − Σ_dim gy·y).
///
/// # Safety
/// The shared contract: y, gy and gx hold outer·dim·inner f32.
#[no_mangle]
pub unsafe extern "C" fn softmax_backward(y: *const f32, gy: *const f32, outer: usize, dim: usize, inner: usize, gx: *mut f32) {
    let Some(t) = prod3(outer, dim, inner) else { return };
    // SAFETY: the shared contract.
    unsafe { softmax::softmax_backward(view(y, t), view(gy, t), outer, dim, inner, view_mut(gx, t)) }
}

// ---- losses -------------------------------------------------------------------

/// Every element-wise loss, by `kind` (the codes of
/// neurenix_kernels::losses::elementwise, `code` in ts/losses/*.ts), with
/// up to three parameters p0..p2; see losses/elementwise.rs.
///
/// # Safety
/// The shared contract: a, b and the non-null c / loss_out / grad_out /
/// grad2_out hold n f32; a non-null d holds d_len f32 (d_len ≥ 1 if n > 0).
#[no_mangle]
pub unsafe extern "C" fn elementwise_loss_fwd_bwd(
    kind: i32,
    a: *const f32,
    b: *const f32,
    c: *const f32,
    d: *const f32,
    n: usize,
    d_len: usize,
    p0: f32,
    p1: f32,
    p2: f32,
    loss_out: *mut f32,
    grad_out: *mut f32,
    grad2_out: *mut f32,
    grad_scale: f32,
) -> f64 {
    // SAFETY: the shared contract.
    unsafe {
        losses::elementwise::elementwise_loss_fwd_bwd(
            kind,
            view(a, n),
            view(b, n),
            opt(c, n),
            opt(d, d_len),
            [p0, p1, p2],
            opt_mut(loss_out, n),
            opt_mut(grad_out, n),
            opt_mut(grad2_out, n),
            grad_scale,
        )
    }
}

/// Cross entropy over logits (n, classes, inner) (see losses/cross_entropy_loss.rs).
///
/// # Safety
/// The shared contract: logits and a non-null grad_out hold n·classes·inner
/// f32; target holds n·classes·inner f32 with prob_targets, else n·inner; a
/// non-null weight holds `classes` f32, a non-null loss_out n·inner.
#[no_mangle]
pub unsafe extern "C" fn cross_entropy_fwd_bwd(
    logits: *const f32,
    target: *const f32,
    weight: *const f32,
    n: usize,
    classes: usize,
    inner: usize,
    ignore_index: f32,
    label_smoothing: f32,
    prob_targets: i32,
    loss_out: *mut f32,
    grad_out: *mut f32,
    grad_scale: f32,
) -> f64 {
    let (Some(total), Some(samples)) = (prod3(n, classes, inner), n.checked_mul(inner)) else { return f64::NAN };
    let prob = prob_targets != 0;
    // SAFETY: the shared contract.
    unsafe {
        losses::cross_entropy_loss::cross_entropy_fwd_bwd(
            view(logits, total),
            view(target, if prob { total } else { samples }),
            opt(weight, classes),
            n,
            classes,
            inner,
            ignore_index,
            label_smoothing,
            prob,
            opt_mut(loss_out, samples),
            opt_mut(grad_out, total),
            grad_scale,
        )
    }
}

/// NLL over log-probabilities (n, classes, inner) (see losses/nll_loss.rs);
/// `ignore` is an ignored class index in [0, classes), or −1.
///
/// # Safety
/// The shared contract: input and a non-null grad_out hold n·classes·inner
/// f32; target and a non-null loss_out n·inner; a non-null weight `classes`.
#[no_mangle]
pub unsafe extern "C" fn nll_fwd_bwd(
    input: *const f32,
    target: *const f32,
    weight: *const f32,
    n: usize,
    classes: usize,
    inner: usize,
    ignore: i32,
    loss_out: *mut f32,
    grad_out: *mut f32,
    grad_scale: f32,
) -> f64 {
    let (Some(total), Some(samples)) = (prod3(n, classes, inner), n.checked_mul(inner)) else { return f64::NAN };
    // SAFETY: the shared contract.
    unsafe {
        losses::nll_loss::nll_fwd_bwd(
            view(input, total),
            view(target, samples),
            opt(weight, classes),
            n,
            classes,
            inner,
            ignore,
            opt_mut(loss_out, samples),
            opt_mut(grad_out, total),
            grad_scale,
        )
    }
}

/// MultiMarginLoss over scores (n, classes) (see losses/multi_margin_loss.rs).
///
/// # Safety
/// The shared contract: input and a non-null grad_out hold n·classes f32;
/// target and a non-null loss_out n; a non-null weight `classes`.
#[no_mangle]
pub unsafe extern "C" fn multi_margin_fwd_bwd(
    input: *const f32,
    target: *const f32,
    weight: *const f32,
    n: usize,
    classes: usize,
    p: i32,
    margin: f32,
    loss_out: *mut f32,
    grad_out: *mut f32,
    grad_scale: f32,
) -> f64 {
    let Some(total) = n.checked_mul(classes) else { return f64::NAN };
    // SAFETY: the shared contract.
    unsafe {
        losses::multi_margin_loss::multi_margin_fwd_bwd(
            view(input, total),
            view(target, n),
            opt(weight, classes),
            n,
            classes,
            p,
            margin,
            opt_mut(loss_out, n),
            opt_mut(grad_out, total),
            grad_scale,
        )
    }
}

/// MultiLabelMarginLoss over scores (n, classes) (see losses/multilabel_margin_loss.rs).
///
/// # Safety
/// The shared contract: input, target and a non-null grad_out hold
/// n·classes f32; a non-null loss_out n; workspace `classes` (written).
#[no_mangle]
pub unsafe extern "C" fn multilabel_margin_fwd_bwd(
    input: *const f32,
    target: *const f32,
    n: usize,
    classes: usize,
    loss_out: *mut f32,
    grad_out: *mut f32,
    workspace: *mut f32,
    grad_scale: f32,
) -> f64 {
    let Some(total) = n.checked_mul(classes) else { return f64::NAN };
    // SAFETY: the shared contract.
    unsafe {
        losses::multilabel_margin_loss::multilabel_margin_fwd_bwd(
            view(input, total),
            view(target, total),
            n,
            classes,
            opt_mut(loss_out, n),
            opt_mut(grad_out, total),
            view_mut(workspace, classes),
            grad_scale,
        )
    }
}

/// CosineEmbeddingLoss over pairs of rows (n, d) (see losses/cosine_embedding_loss.rs).
///
/// # Safety
/// The shared contract: x1, x2 and the non-null grad1_out / grad2_out hold
/// n·d f32; y and a non-null loss_out hold n.
#[no_mangle]
pub unsafe extern "C" fn cosine_embedding_fwd_bwd(
    x1: *const f32,
    x2: *const f32,
    y: *const f32,
    n: usize,
    d: usize,
    margin: f32,
    loss_out: *mut f32,
    grad1_out: *mut f32,
    grad2_out: *mut f32,
    grad_scale: f32,
) -> f64 {
    let Some(total) = n.checked_mul(d) else { return f64::NAN };
    // SAFETY: the shared contract.
    unsafe {
        losses::cosine_embedding_loss::cosine_embedding_fwd_bwd(
            view(x1, total),
            view(x2, total),
            view(y, n),
            n,
            d,
            margin,
            opt_mut(loss_out, n),
            opt_mut(grad1_out, total),
            opt_mut(grad2_out, total),
            grad_scale,
        )
    }
}

/// TripletMarginLoss for any p > 0 (∞ too) over rows (n, d) (see losses/triplet_margin_loss.rs).
///
/// # Safety
/// The shared contract: anchor, positive, negative and the non-null
/// grad_a_out / grad_p_out / grad_n_out hold n·d f32; a non-null loss_out holds n.
#[no_mangle]
pub unsafe extern "C" fn triplet_margin_fwd_bwd(
    anchor: *const f32,
    positive: *const f32,
    negative: *const f32,
    n: usize,
    d: usize,
    p: f32,
    margin: f32,
    eps: f32,
    swap: i32,
    loss_out: *mut f32,
    grad_a_out: *mut f32,
    grad_p_out: *mut f32,
    grad_n_out: *mut f32,
    grad_scale: f32,
) -> f64 {
    let Some(total) = n.checked_mul(d) else { return f64::NAN };
    // SAFETY: the shared contract.
    unsafe {
        losses::triplet_margin_loss::triplet_margin_fwd_bwd(
            view(anchor, total),
            view(positive, total),
            view(negative, total),
            n,
            d,
            p,
            margin,
            eps,
            swap != 0,
            opt_mut(loss_out, n),
            [opt_mut(grad_a_out, total), opt_mut(grad_p_out, total), opt_mut(grad_n_out, total)],
            grad_scale,
        )
    }
}

/// CTC over log-probabilities (steps, batch, classes) (see losses/ctc_loss.rs):
/// per-sample losses into loss_out, unscaled gradients into a non-null grad_out.
///
/// # Safety
/// The shared contract: log_probs and a non-null grad_out hold
/// steps·batch·classes f32; targets holds targets_len f32; target_offsets,
/// input_lengths, target_lengths and loss_out hold batch f32; workspace holds
/// workspace_len f32 (scratch, overwritten).
#[no_mangle]
pub unsafe extern "C" fn ctc_fwd_bwd(
    log_probs: *const f32,
    targets: *const f32,
    target_offsets: *const f32,
    input_lengths: *const f32,
    target_lengths: *const f32,
    targets_len: usize,
    steps: usize,
    batch: usize,
    classes: usize,
    workspace_len: usize,
    blank: usize,
    zero_infinity: i32,
    loss_out: *mut f32,
    grad_out: *mut f32,
    workspace: *mut f32,
) {
    let Some(total) = prod3(steps, batch, classes) else { return };
    // SAFETY: the shared contract.
    unsafe {
        losses::ctc_loss::ctc_fwd_bwd(
            view(log_probs, total),
            view(targets, targets_len),
            view(target_offsets, batch),
            view(input_lengths, batch),
            view(target_lengths, batch),
            steps,
            batch,
            classes,
            blank,
            zero_infinity != 0,
            view_mut(loss_out, batch),
            opt_mut(grad_out, total),
            view_mut(workspace, workspace_len),
        )
    }
}

// ---- optimizers ---------------------------------------------------------------

/// One SGD step over n parameters, in place (param and momentum_buf updated);
/// the caller passes 1 − dampening (formed in f64, as PyTorch does).
///
/// # Safety
/// The shared contract: param, grad and a non-null momentum_buf hold n f32.
#[no_mangle]
pub unsafe extern "C" fn sgd_step(
    param: *mut f32,
    grad: *const f32,
    momentum_buf: *mut f32,
    n: usize,
    lr: f32,
    momentum: f32,
    one_minus_dampening: f32,
    weight_decay: f32,
    nesterov: i32,
    first_step: i32,
) {
    // SAFETY: the shared contract.
    let (param, grad, buf) = unsafe { (view_mut(param, n), view(grad, n), opt_mut(momentum_buf, n)) };
    optim::sgd_step(param, grad, buf, lr, momentum, one_minus_dampening, weight_decay, nesterov != 0, first_step != 0);
}

/// One Adam step over n parameters, in place (param, m, v, v_max updated);
/// the caller passes 1 − β1 and 1 − β2 (formed in f64, as PyTorch does).
///
/// # Safety
/// The shared contract: param, grad, m, v and a non-null v_max hold n f32.
#[no_mangle]
pub unsafe extern "C" fn adam_step(
    param: *mut f32,
    grad: *const f32,
    m: *mut f32,
    v: *mut f32,
    v_max: *mut f32,
    n: usize,
    beta1: f32,
    beta2: f32,
    one_minus_beta1: f32,
    one_minus_beta2: f32,
    eps: f32,
    weight_decay: f32,
    step_size: f32,
    bc2_sqrt: f32,
) {
    // SAFETY: the shared contract.
    let (param, grad, m, v, v_max) =
        unsafe { (view_mut(param, n), view(grad, n), view_mut(m, n), view_mut(v, n), opt_mut(v_max, n)) };
    optim::adam_step(
        param, grad, m, v, v_max, beta1, beta2, one_minus_beta1, one_minus_beta2, eps, weight_decay, step_size, bc2_sqrt,
    );
}
