//! The element-wise losses: one formula each, written once over `Lane` (one
//! f32 on the host and in tails, four lanes of a v128 on wasm), all run by
//! the loop of pointwise.rs behind one coded export, `elementwise_loss_fwd_bwd`
//! (`kind` plus up to three parameters, like `unary`'s op code).
//!
//! Each formula returns (loss, ∂loss/∂a, ∂loss/∂(second differentiable
//! input)); a, b, c, d are the inputs of pointwise.rs (absent c, d read as 1).
//! "mean" denominators are the caller's, through grad_scale. NaN propagates.
//! The kind codes are the `code` of each TypeScript loss file
//! (ts/losses/<name>.ts); the formulas' maths and stable forms are in the
//! comment above each one, the PyTorch semantics in the TypeScript file.
//!
//! Adding an element-wise loss: a struct with its parameters, its `Formula`,
//! and a line in `elementwise_loss_fwd_bwd`'s match (see README, "Adding a loss").

use super::pointwise::{run, run_scalar, Formula, Inputs, Outputs};
use crate::math::{exp_f32, ln_f32, sigmoid_f32};
use crate::simd::lanes::Lane;

// ---- the kind codes (shared with TypeScript: `code` in ts/losses/*.ts) ---------

pub const MSE: i32 = 0;
pub const L1: i32 = 1;
pub const BCE: i32 = 2;
pub const BCE_WITH_LOGITS: i32 = 3;
pub const HUBER: i32 = 4;
pub const SMOOTH_L1: i32 = 5;
pub const KL_DIV: i32 = 6;
pub const POISSON_NLL: i32 = 7;
pub const GAUSSIAN_NLL: i32 = 8;
pub const SOFT_MARGIN: i32 = 9;
pub const HINGE_EMBEDDING: i32 = 10;
pub const MARGIN_RANKING: i32 = 11;
pub const SIGMOID_FOCAL: i32 = 12;
pub const MULTILABEL_SOFT_MARGIN: i32 = 13;

/// Runs loss `kind` with parameters `p`; NaN for an unknown kind.
/// a, b have the input's length; c is absent or of that length; d is absent
/// or cycled (element i uses d[i mod d.len()]).
#[allow(clippy::too_many_arguments)]
pub fn elementwise_loss_fwd_bwd(
    kind: i32,
    a: &[f32],
    b: &[f32],
    c: Option<&[f32]>,
    d: Option<&[f32]>,
    p: [f32; 3],
    loss_out: Option<&mut [f32]>,
    #[allow(unused_mut)] mut grad_out: Option<&mut [f32]>,
    grad2_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    // The common case of the hottest losses (no per-element output, no
    // weights but MultiLabelSoftMargin's class weight, no second gradient)
    // on their own loop (losses/fast.rs). BCE-with-logits' sum is
    // non-finite only for non-finite inputs: then the general path below
    // redoes the call with PyTorch's literal formulas. Chunks per iteration
    // measured per loss at 1e5, fwd+grad (against the general path: KLDiv
    // 3.45 → 1.75 ns/element, SoftMargin 5.4 → 4.1, focal 6.9 → 6.2,
    // MultiLabelSoftMargin 6.4 → 4.5): fewer on the longer formulas, whose
    // registers run out.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if loss_out.is_none() && c.is_none() {
        use super::fast::via;
        let g = grad_out.as_deref_mut();
        // d only where the formula reads it (INPUTS = 4); the others drop it, as `run` does.
        let fast = match kind {
            MSE => super::fast::mse(&Mse, a, b, g, grad_scale),
            L1 => super::fast::l1(&L1Loss, a, b, g, grad_scale),
            BCE_WITH_LOGITS if d.is_none() => super::fast::bce_with_logits(&BceWithLogits, a, b, g, grad_scale).filter(|s| s.is_finite()),
            KL_DIV if grad2_out.is_none() && p[0] == 0.0 => via::<_, 4, 4, false>(&KlDivProbabilities, a, b, None, g, grad_scale),
            SIGMOID_FOCAL if p[1] == 2.0 => via::<_, 2, 2, false>(&SigmoidFocalGamma2 { alpha: p[0] }, a, b, None, g, grad_scale),
            SOFT_MARGIN => via::<_, 2, 2, false>(&SoftMargin, a, b, None, g, grad_scale),
            MULTILABEL_SOFT_MARGIN if grad2_out.is_none() => via::<_, 2, 2, true>(&MultilabelSoftMargin, a, b, d, g, grad_scale),
            _ => None,
        };
        if let Some(sum) = fast {
            return sum;
        }
    }
    let ins = Inputs { a, b, c, d };
    let outs = Outputs { loss: loss_out, grad: grad_out, grad2: grad2_out };
    let flag = |v: f32| v != 0.0;
    match kind {
        MSE => run(&Mse, ins, outs, grad_scale),
        L1 => run(&L1Loss, ins, outs, grad_scale),
        BCE => run(&Bce, ins, outs, grad_scale),
        BCE_WITH_LOGITS => {
            let Outputs { loss: mut lo, grad: mut go, grad2: mut g2 } = outs;
            let first = Outputs { loss: lo.as_deref_mut(), grad: go.as_deref_mut(), grad2: g2.as_deref_mut() };
            let sum = run(&BceWithLogits, ins, first, grad_scale);
            if sum.is_finite() {
                return sum;
            }
            // A non-finite x, y or p always makes the stable loss, hence the
            // sum, non-finite (each enters it multiplied): then redo every
            // element by the scalar path, which takes PyTorch's literal
            // formulas for those. Free in the common case, unlike a check per
            // chunk (16% of the speed).
            run_scalar(&BceWithLogits, ins, Outputs { loss: lo, grad: go, grad2: g2 }, grad_scale)
        }
        HUBER => run(&Huber { delta: p[0] }, ins, outs, grad_scale),
        SMOOTH_L1 => run(&SmoothL1 { beta: p[0] }, ins, outs, grad_scale),
        KL_DIV => run(&KlDiv { log_target: flag(p[0]) }, ins, outs, grad_scale),
        POISSON_NLL => run(&PoissonNll { log_input: flag(p[0]), full: flag(p[1]), eps: p[2] }, ins, outs, grad_scale),
        GAUSSIAN_NLL => run(&GaussianNll { full: flag(p[0]), eps: p[1] }, ins, outs, grad_scale),
        SOFT_MARGIN => run(&SoftMargin, ins, outs, grad_scale),
        HINGE_EMBEDDING => run(&HingeEmbedding { margin: p[0] }, ins, outs, grad_scale),
        MARGIN_RANKING => run(&MarginRanking { margin: p[0] }, ins, outs, grad_scale),
        SIGMOID_FOCAL => run(&SigmoidFocal { alpha: p[0], gamma: p[1] }, ins, outs, grad_scale),
        MULTILABEL_SOFT_MARGIN => run(&MultilabelSoftMargin, ins, outs, grad_scale),
        _ => f64::NAN,
    }
}

#[inline(always)]
fn k<L: Lane>(v: f32) -> L {
    L::splat(v)
}

// ---- MSE: (a − b)², ∂a = 2(a − b) ----------------------------------------------
// d = a − b is rounded once, then squared.
struct Mse;
impl Formula for Mse {
    const UNROLL: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let d = x.sub(y);
        (d.mul(d), d.add(d), k(0.0))
    }
}

// ---- L1: |a − b|, ∂a = sign(a − b) ----------------------------------------------
// sign(0) = sign(NaN) = 0 as PyTorch 1.13 (its l1_loss backward gives 0 at NaN).
struct L1Loss;
impl Formula for L1Loss {
    const UNROLL: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let d = x.sub(y);
        (d.abs(), d.sign(), k(0.0))
    }
}

// ---- BCE on probabilities x, target y, weight w = c -------------------------------
//   loss = −w·(y·max(ln x, −100) + (1 − y)·max(ln(1 − x), −100))
//   ∂x   = w·(x − y)/max(x(1 − x), 1e-12)
// Both clamps are PyTorch's. ln(1 − x) as log1p(−x): exact for tiny x.
struct Bce;
impl Formula for Bce {
    const INPUTS: usize = 3;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, w: L, _: L) -> (L, L, L) {
        let one = k::<L>(1.0);
        let lx = x.ln().max(k(-100.0));
        let l1x = x.neg().log1p().max(k(-100.0));
        let loss = w.mul(y.mul(lx).add(one.sub(y).mul(l1x))).neg();
        let grad = w.mul(x.sub(y)).div(x.mul(one.sub(x)).max(k(1e-12)));
        (loss, grad, k(0.0))
    }
}

// ---- BCE with logits x, target y, weight w = c, pos_weight p = d -------------------
// With l = 1 + (p − 1)·y:  loss = w·((1 − y)·x + l·softplus(−x)),
// ∂x = w·((1 − y) − l·σ(−x)). Stable form, e = e^−|x|, L = log1p(e),
// s = e/(1 + e) = σ(−|x|):
//   x ≥ 0:  a = 1 − y    loss = w·(a·x + l·L)   ∂x = w·(a − l·s)
//   x < 0:  a = −p·y     loss = w·(a·x + l·L)   ∂x = w·(a + l·s)
// Nothing cancels: finite and accurate for any finite logit (±1e4 included),
// e.g. y = 0, x = −20 keeps loss ≈ 2.06e-9 where x + softplus(−x) rounds to 0.
// l is formed as (1 − y) + p·y: 1 + (p − 1)·y lost 3e-5 relative for
// p = 0.001, y = 1 (found by the differential fuzzer).
//
// Non-finite x, y or p (NaN, ±∞) take PyTorch 1.13's literal formulas
// instead (`eval1`, by the scalar redo in `elementwise_loss_fwd_bwd`), so
// that NaN and ∞ come out where PyTorch's do (e.g. x = −∞, y = 1 is NaN
// there, from (1 − y)·x = 0·(−∞), where the stable form says ∞):
//   m = max(−x, 0),  loss = (1 − y)·x + l·(m + ln(e^{−m} + e^{−x−m}))
//   grad = (p·y + 1 − y)·σ(x) − p·y   (σ(x) − y without pos_weight)
// (l = 1 without pos_weight; absent and 1 are the same here.)
struct BceWithLogits;
impl Formula for BceWithLogits {
    const INPUTS: usize = 4;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, w: L, p: L) -> (L, L, L) {
        let one = k::<L>(1.0);
        let e = x.exp_neg_abs();
        let big_l = e.log1p_unit();
        let s = e.div(one.add(e));
        let l = one.sub(y).add(p.mul(y)); // = 1 + (p − 1)·y without cancelling for p ≪ 1, y ≈ 1
        let pos = x.ge(k(0.0));
        let a = L::select(pos, one.sub(y), p.mul(y).neg());
        let ls = L::select(pos, l.neg(), l);
        (w.mul(a.mul(x).add(l.mul(big_l))), w.mul(a.add(ls.mul(s))), k(0.0))
    }
    #[inline(always)]
    fn eval1(&self, x: f32, y: f32, w: f32, p: f32) -> (f32, f32, f32) {
        if !(x.is_finite() && y.is_finite() && p.is_finite()) {
            let (l, g) = bce_with_logits_literal(x, y, w, p);
            return (l, g, 0.0);
        }
        self.eval::<f32>(x, y, w, p)
    }
}

/// PyTorch's literal formulas (see above), for non-finite x, y or p.
#[inline(never)]
fn bce_with_logits_literal(x: f32, y: f32, w: f32, p: f32) -> (f32, f32) {
    let m = if x.is_nan() { x } else if -x > 0.0 { -x } else { 0.0 };
    let (l, t) = if p == 1.0 { (1.0, y) } else { ((p - 1.0) * y + 1.0, p * y) };
    let loss = (1.0 - y) * x + l * (m + ln_f32(exp_f32(-m) + exp_f32(-x - m)));
    let grad = if p == 1.0 { sigmoid_f32(x) - y } else { (t + 1.0 - y) * sigmoid_f32(x) - t };
    (w * loss, w * grad)
}

// ---- MultiLabelSoftMargin: logit x, target y, class weight w = d (cycled over the classes) ----
// Per element, w·(−y·log σ(x) − (1 − y)·log σ(−x)) = w·BCE-with-logits(x, y) (no pos_weight),
// by BceWithLogits' stable form; ∂y = −w·x. The mean over the classes is
// the caller's (grad_scale and the per-sample sum, ts/losses/multilabel_soft_margin_loss.ts).
struct MultilabelSoftMargin;
impl Formula for MultilabelSoftMargin {
    const INPUTS: usize = 4;
    const SECOND: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, w: L) -> (L, L, L) {
        let (loss, gx, _) = BceWithLogits.eval(x, y, w, k(1.0));
        (loss, gx, w.mul(x).neg())
    }
}

// ---- Huber (delta δ > 0), d = a − b --------------------------------------------------
//   loss = |d| < δ ? d²/2 : δ·(|d| − δ/2),   ∂a = clamp(d, −δ, δ)
struct Huber {
    delta: f32,
}
impl Formula for Huber {
    const UNROLL: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let (delta, d) = (k::<L>(self.delta), x.sub(y));
        let ad = d.abs();
        let quad = k::<L>(0.5).mul(d).mul(d);
        let lin = delta.mul(ad.sub(k::<L>(0.5).mul(delta)));
        (L::select(ad.lt(delta), quad, lin), d.max(delta.neg()).min(delta), k(0.0))
    }
}

// ---- SmoothL1 (beta β ≥ 0), d = a − b ------------------------------------------------
//   loss = |d| < β ? d²/(2β) : |d| − β/2
//   ∂a   = h(d),  ∂b = h(−d),  h(d) = d ≤ −β ? −1 : d ≥ β ? 1 : d/β
// in PyTorch 1.13's order of tests, which makes both gradients −1 at d = β = 0
// (so ∂b is not −∂a there). β = 0 never takes the quadratic branch: L1.
struct SmoothL1 {
    beta: f32,
}
impl Formula for SmoothL1 {
    const SECOND: bool = true;
    const UNROLL: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let (beta, d) = (k::<L>(self.beta), x.sub(y));
        let ad = d.abs();
        let loss = L::select(ad.lt(beta), k::<L>(0.5).mul(d).mul(d).div(beta), ad.sub(k::<L>(0.5).mul(beta)));
        let h = |d: L| L::select(d.le(beta.neg()), k(-1.0), L::select(d.ge(beta), k(1.0), d.div(beta)));
        (loss, h(d), h(d.neg()))
    }
}

// ---- KLDiv: input x = log q, target t ------------------------------------------------
// log_target false: loss = t·(ln t − x), 0 where t = 0 (xlogy);
//                   ∂x = −t, ∂t = ln t + 1 − x (0 where t = 0).
// log_target true:  loss = e^t·(t − x); ∂x = −e^t, ∂t = e^t·(t − x + 1).
struct KlDiv {
    log_target: bool,
}
impl Formula for KlDiv {
    const SECOND: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, t: L, _: L, _: L) -> (L, L, L) {
        if self.log_target {
            let et = t.exp();
            let u = t.sub(x);
            (et.mul(u), et.neg(), et.mul(u.add(k(1.0))))
        } else {
            let zero = k::<L>(0.0);
            let lt = t.ln();
            let is_zero = t.eq(zero);
            let loss = L::select(is_zero, zero.sub(t.mul(x)), t.mul(lt.sub(x)));
            (loss, t.neg(), L::select(is_zero, zero, lt.add(k(1.0)).sub(x)))
        }
    }
}

/// KLDiv with probability targets (log_target false) fixed at compile time,
/// for the fast loop: with the flag read at run time both branches stayed
/// in its loop (KLDiv 1.8 → 2.7 ns/element).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
struct KlDivProbabilities;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Formula for KlDivProbabilities {
    const SECOND: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, t: L, c: L, d: L) -> (L, L, L) {
        KlDiv { log_target: false }.eval(x, t, c, d)
    }
}

// ---- PoissonNLL: input x, target y ---------------------------------------------------
// log_input: loss = e^x − y·x,             ∂x = e^x − y,          ∂y = −x
// else:      loss = x − y·ln(x + eps),     ∂x = 1 − y/(x + eps),  ∂y = −ln(x + eps)
// full adds Stirling's y·ln y − y + ½ln(2πy) where y > 1 (∂y: ln y + 1/(2y)).
struct PoissonNll {
    log_input: bool,
    full: bool,
    eps: f32,
}
impl Formula for PoissonNll {
    const SECOND: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let (mut loss, gx, mut gy);
        if self.log_input {
            let ex = x.exp();
            loss = ex.sub(y.mul(x));
            gx = ex.sub(y);
            gy = x.neg();
        } else {
            let xe = x.add(k(self.eps));
            let l = xe.ln();
            loss = x.sub(y.mul(l));
            gx = k::<L>(1.0).sub(y.div(xe));
            gy = l.neg();
        }
        if self.full {
            let ly = y.ln();
            let half_ln_2pi_y = k::<L>(0.5).mul(k::<L>(core::f32::consts::TAU).mul(y).ln());
            let stirling = y.mul(ly).sub(y).add(half_ln_2pi_y);
            let big = y.gt(k(1.0));
            loss = loss.add(L::select(big, stirling, k(0.0)));
            gy = gy.add(L::select(big, ly.add(k::<L>(0.5).div(y)), k(0.0)));
        }
        (loss, gx, gy)
    }
}

// ---- GaussianNLL: input x, target y, variance σ² = c ----------------------------------
// v = max(σ², eps) (the clamp autograd ignores, as PyTorch: gradients use v
// as if it were σ²), d = x − y:
//   loss = ½(ln v + d²/v) [+ ½ln 2π],  ∂x = d/v,  ∂σ² = ½(1/v − d²/v²)
struct GaussianNll {
    full: bool,
    eps: f32,
}
impl Formula for GaussianNll {
    const INPUTS: usize = 3;
    const SECOND: bool = true;
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, var: L, _: L) -> (L, L, L) {
        let half = k::<L>(0.5);
        let v = var.max(k(self.eps));
        let d = x.sub(y);
        let r = d.div(v); // d/v
        let mut loss = half.mul(v.ln().add(d.mul(r)));
        if self.full {
            loss = loss.add(k(0.918_938_5)); // ½ ln 2π
        }
        (loss, r, half.mul(k::<L>(1.0).sub(d.mul(r)).div(v)))
    }
}

// ---- SoftMargin: x, label y ------------------------------------------------------------
//   loss = ln(1 + e^(−y·x)) = softplus(−y·x),  ∂x = −y·σ(−y·x)
struct SoftMargin;
impl Formula for SoftMargin {
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let z = y.mul(x).neg();
        (z.softplus(), y.neg().mul(z.sigmoid()), k(0.0))
    }
}

// ---- HingeEmbedding (margin m): x, label y -----------------------------------------------
// PyTorch 1.13's composite form, which also defines labels other than ±1:
//   loss = [y ≠ 1]·max(0, m − x) + [y ≠ −1]·x
//   ∂x   = −[y ≠ 1]·[m − x ≥ 0] + [y ≠ −1]   (clamp_min passes the gradient at 0)
struct HingeEmbedding {
    margin: f32,
}
impl Formula for HingeEmbedding {
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, y: L, _: L, _: L) -> (L, L, L) {
        let (zero, one) = (k::<L>(0.0), k::<L>(1.0));
        let z = k::<L>(self.margin).sub(x);
        let not_pos = L::select(y.eq(one), zero, one);
        let not_neg = L::select(y.eq(one.neg()), zero, one);
        let loss = not_pos.mul(z.max(zero)).add(not_neg.mul(x));
        let active = L::select(z.ge(zero), one, zero);
        (loss, not_neg.sub(not_pos.mul(active)), k(0.0))
    }
}

// ---- MarginRanking (margin m): x1 = a, x2 = b, label y = c -----------------------------------
//   z = −y·(x1 − x2) + m;  loss = max(0, z);  ∂x1 = −y·[z ≥ 0]  (∂x2 = −∂x1, in TypeScript)
struct MarginRanking {
    margin: f32,
}
impl Formula for MarginRanking {
    const INPUTS: usize = 3;
    #[inline(always)]
    fn eval<L: Lane>(&self, x1: L, x2: L, y: L, _: L) -> (L, L, L) {
        let zero = k::<L>(0.0);
        let z = y.neg().mul(x1.sub(x2)).add(k(self.margin));
        (z.max(zero), L::select(z.ge(zero), y.neg(), zero), k(0.0))
    }
}

// ---- Sigmoid focal loss (torchvision), logit x, target t, alpha α, gamma γ -----------------------
// p = σ(x), ce = BCE-with-logits(x, t) = max(x, 0) − x·t + log1p(e^−|x|),
// q = 1 − p_t = p·(1 − t) + (1 − p)·t, α_t = α·t + (1 − α)·(1 − t) (1 if α < 0):
//   loss = α_t·ce·q^γ
//   ∂x   = α_t·((p − t)·q^γ + ce·γ·q^(γ−1)·p(1 − p)(1 − 2t))    (∂q/∂x = p(1 − p)(1 − 2t))
// p and 1 − p both come from e^−|x| (neither cancels), and so does p − t; q^γ = q·q^(γ−1) with
// q^(γ−1) by multiplication for integral γ ≤ 8, else e^(γ·ln q) (and q^(γ−1)·∂q = q^γ·∂q/q);
// γ = 0 gives q^γ = 1 and no second term (pow(0, 0) = 1, as PyTorch).
struct SigmoidFocal {
    alpha: f32,
    gamma: f32,
}
impl Formula for SigmoidFocal {
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, t: L, _: L, _: L) -> (L, L, L) {
        let one = k::<L>(1.0);
        let e = x.exp_neg_abs();
        let r = one.div(one.add(e));
        let er = e.mul(r);
        let neg = x.lt(k(0.0));
        let p = L::select(neg, er, r); // σ(x)
        let p1 = L::select(neg, r, er); // 1 − σ(x) = σ(−x)
        let u = one.sub(t);
        let ce = x.max(k(0.0)).sub(x.mul(t)).add(e.log1p_unit());
        // p·(1 − t) and σ(−x)·t give both q and p − t (for t = 1 and p ≈ 1,
        // p − t = −σ(−x), where p − 1 would cancel: the fuzzer found 2e-3).
        let (pu, p1t) = (p.mul(u), p1.mul(t));
        let q = pu.add(p1t);
        let p_t = pu.sub(p1t);
        let (qg, term) = if self.gamma == 0.0 {
            (one, k::<L>(0.0))
        } else {
            let dq = p.mul(p1).mul(u.sub(t));
            // q = 0 (a saturated logit on its 0/1 target: e^−|x| underflows):
            // for γ < 1, q^(γ−1) = ∞ and ∞·0 would be NaN; the second term
            // is 0 there (ce·q^(γ−1)·p(1 − p) ≤ ce·q^γ → 0), and q^γ is 0.
            let saturated = q.eq(k(0.0));
            // q^(γ−1) by multiplication for integral γ ≤ 8 (γ = 2 is the
            // default): exact and without an exp and a log. Otherwise q^γ =
            // e^(γ·ln q) and q^(γ−1)·dq as q^γ·(dq/q): for γ < 1 and a tiny q,
            // q^(γ−1) alone overflows f32 (q = 1e-44, γ = 0.1: 1e39·1e-44 gave ∞
            // for a loss of 6e-45; the fuzzer).
            let int = self.gamma as u32;
            let (qg, qg1dq) = if int as f32 == self.gamma && int <= 8 {
                let qg1 = (1..int).fold(one, |acc, _| acc.mul(q));
                (qg1.mul(q), qg1.mul(dq))
            } else {
                let qg = q.ln().mul(k(self.gamma)).exp();
                (qg, qg.mul(dq.div(q)))
            };
            (qg, L::select(saturated, k(0.0), ce.mul(k(self.gamma)).mul(qg1dq)))
        };
        // α_t = α·t + (1 − α)·(1 − t) as one multiply-add.
        let (a0, a1) = if self.alpha >= 0.0 { (1.0 - self.alpha, 2.0 * self.alpha - 1.0) } else { (1.0, 0.0) };
        let at = k::<L>(a0).add(k::<L>(a1).mul(t));
        (at.mul(ce).mul(qg), at.mul(p_t.mul(qg).add(term)), k(0.0))
    }
}

/// The sigmoid focal loss with γ = 2 (the default) fixed at compile time,
/// for the fast loop: with γ read at run time the loop kept the general
/// q^γ = e^(γ·ln q) branch and its registers (6.48 → 6.24 ns/element with 2
/// chunks per iteration; 5.6 since the formula shares its products; other
/// γ: the general path).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
struct SigmoidFocalGamma2 {
    alpha: f32,
}
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Formula for SigmoidFocalGamma2 {
    #[inline(always)]
    fn eval<L: Lane>(&self, x: L, t: L, c: L, d: L) -> (L, L, L) {
        SigmoidFocal { alpha: self.alpha, gamma: 2.0 }.eval(x, t, c, d)
    }
}

// ---- named entry points (host tests and callers that know their loss) ----------------------

/// Σ (x − y)²; per-element losses into `loss_out`, grad_scale · 2(x − y) into `grad_out`.
pub fn mse_fwd_bwd(x: &[f32], y: &[f32], loss_out: Option<&mut [f32]>, grad_out: Option<&mut [f32]>, grad_scale: f32) -> f64 {
    elementwise_loss_fwd_bwd(MSE, x, y, None, None, [0.0; 3], loss_out, grad_out, None, grad_scale)
}

/// Σ |x − y|; per-element losses into `loss_out`, grad_scale · sign(x − y) into `grad_out`.
pub fn l1_fwd_bwd(x: &[f32], y: &[f32], loss_out: Option<&mut [f32]>, grad_out: Option<&mut [f32]>, grad_scale: f32) -> f64 {
    elementwise_loss_fwd_bwd(L1, x, y, None, None, [0.0; 3], loss_out, grad_out, None, grad_scale)
}

/// Σ BCE; `weight` is absent or has the input's length.
pub fn bce_fwd_bwd(
    x: &[f32],
    y: &[f32],
    weight: Option<&[f32]>,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    elementwise_loss_fwd_bwd(BCE, x, y, weight, None, [0.0; 3], loss_out, grad_out, None, grad_scale)
}

/// Σ BCE-with-logits; `weight` absent or of the input's length, `pos_weight`
/// absent or of length classes (element i uses pos_weight[i % classes]).
pub fn bce_with_logits_fwd_bwd(
    x: &[f32],
    y: &[f32],
    weight: Option<&[f32]>,
    pos_weight: Option<&[f32]>,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    elementwise_loss_fwd_bwd(BCE_WITH_LOGITS, x, y, weight, pos_weight, [0.0; 3], loss_out, grad_out, None, grad_scale)
}
