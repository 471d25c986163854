//! BCEWithLogitsLoss kernel, x a logit, y the target, w the weight, p the
//! positive-class weight of x's class (pos_weight[i mod classes], classes =
//! the input's last dimension; 1 without pos_weight), l = 1 + (p − 1)·y:
//!   loss_i = w · ((1 − y)·x + l·softplus(−x))
//!   ∂loss_i/∂x_i = w · ((1 − y) − l·σ(−x))
//!
//! Stable form computed, with e = exp(−|x|) ∈ (0, 1], L = log1p(e) and
//! s = e/(1 + e) = σ(−|x|) (so softplus(−x) = max(−x, 0) + L):
//!   x ≥ 0:  a = 1 − y      loss = w·(a·x + l·L)   grad = w·(a − l·s)
//!   x < 0:  a = −p·y       loss = w·(a·x + l·L)   grad = w·(a + l·s)
//! (for x < 0, (1 − y)x + l(−x) = −p·y·x and (1 − y) − l(1 − s) = −p·y + l·s).
//! Nothing cancels: finite and right to the last bits for any finite logit
//! (±1e4 included), and e.g. y = 0, x = −20 keeps loss ≈ 2.06e-9 where
//! x + softplus(−x) would round to 0. Never ln(σ(x)). l is formed as
//! (1 − y) + p·y: 1 + (p − 1)·y lost 3e-5 relative for p = 0.001, y = 1
//! (found by the differential fuzzer).
//!
//! Non-finite x, y or p (NaN, ±∞) take PyTorch 1.13's literal formulas
//! instead, so that NaN and ∞ come out where PyTorch's do (e.g. x = −∞,
//! y = 1 is NaN there, from (1 − y)·x = 0·(−∞), where the stable form says ∞):
//!   m = max(−x, 0),  loss = (1 − y)·x + l·(m + ln(e^{−m} + e^{−x−m}))
//!   grad = (p·y + 1 − y)·σ(x) − p·y   (σ(x) − y without pos_weight)
//! (l = 1 without pos_weight; absent and 1 are the same here.)

use super::pointwise::{run, Pointwise};
use crate::math::{abs_f32, exp_f32, ln_f32, log1p_unit, sigmoid_f32};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{abs, exp, log1p_unit as log1p_unit4, select, splat};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{
    f32x4_add, f32x4_div, f32x4_ge, f32x4_mul, f32x4_neg, f32x4_sub, v128,
};

/// PyTorch's literal formulas (see the header), for non-finite x, y or p.
#[inline(never)]
fn literal(x: f32, y: f32, w: f32, p: f32) -> (f32, f32) {
    let m = if x.is_nan() { x } else if -x > 0.0 { -x } else { 0.0 };
    let (l, t) = if p == 1.0 { (1.0, y) } else { ((p - 1.0) * y + 1.0, p * y) };
    let loss = (1.0 - y) * x + l * (m + ln_f32(exp_f32(-m) + exp_f32(-x - m)));
    let grad = if p == 1.0 { sigmoid_f32(x) - y } else { (t + 1.0 - y) * sigmoid_f32(x) - t };
    (w * loss, w * grad)
}



struct BceWithLogits;

impl Pointwise for BceWithLogits {
    #[inline(always)]
    fn one(&self, x: f32, y: f32, w: f32, p: f32) -> (f32, f32) {
        if !(x.is_finite() && y.is_finite() && p.is_finite()) {
            return literal(x, y, w, p);
        }
        let e = exp_f32(-abs_f32(x));
        let big_l = log1p_unit(e);
        let s = e / (1.0 + e);
        let l = (1.0 - y) + p * y; // = 1 + (p − 1)·y without cancelling for p ≪ 1, y ≈ 1
        let pos = x >= 0.0;
        let a = if pos { 1.0 - y } else { -(p * y) };
        let ls = if pos { -l } else { l };
        (w * (a * x + l * big_l), w * (a + ls * s))
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn four(&self, x: v128, y: v128, w: v128, p: v128) -> (v128, v128) {
        let one = splat(1.0);
        let e = exp(f32x4_neg(abs(x)));
        let big_l = log1p_unit4(e);
        let s = f32x4_div(e, f32x4_add(one, e));
        let l = f32x4_add(f32x4_sub(one, y), f32x4_mul(p, y));
        let pos = f32x4_ge(x, splat(0.0));
        let a = select(pos, f32x4_sub(one, y), f32x4_neg(f32x4_mul(p, y)));
        let ls = select(pos, f32x4_neg(l), l);
        let loss = f32x4_mul(w, f32x4_add(f32x4_mul(a, x), f32x4_mul(l, big_l)));
        let grad = f32x4_mul(w, f32x4_add(a, f32x4_mul(ls, s)));
        (loss, grad)
    }
}

/// Σ BCE-with-logits; `weight` is absent or has the input's length,
/// `pos_weight` absent or of length classes (element i uses pos_weight[i % classes]).
pub fn bce_with_logits_fwd_bwd(
    input: &[f32],
    target: &[f32],
    weight: Option<&[f32]>,
    pos_weight: Option<&[f32]>,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    let (mut lo, mut go) = (loss_out, grad_out);
    let sum = run(&BceWithLogits, input, target, weight, pos_weight, lo.as_deref_mut(), go.as_deref_mut(), grad_scale, true);
    if sum.is_finite() {
        return sum;
    }
    // A non-finite x, y or p always makes the stable loss, hence the sum,
    // non-finite (each enters it multiplied): then redo every element by the
    // scalar path, which takes PyTorch's literal formulas for those. Free in
    // the common case, unlike a check per chunk (16% of the speed).
    run(&BceWithLogits, input, target, weight, pos_weight, lo, go, grad_scale, false)
}
