//! BCELoss kernel, x ∈ [0, 1] a probability, y the target, w the weight:
//!   loss_i = −w_i · (y_i · max(ln x_i, −100) + (1 − y_i) · max(ln(1 − x_i), −100))
//!   ∂loss_i/∂x_i = w_i · (x_i − y_i) / max(x_i (1 − x_i), 1e-12)
//! Both clamps are PyTorch's: the −100 keeps x = 0 or 1 finite (loss 100 at
//! worst), the 1e-12 keeps the gradient finite there (±1e12).
//!
//! ln(1 − x) is computed as log1p(−x), which stays exact for tiny x where
//! 1 − x would round to 1 (PyTorch rounds there; the difference is below
//! its f32 resolution). Input outside [0, 1] (NaN included) is rejected in
//! TypeScript; NaN would propagate here.

use super::pointwise::{run, Pointwise};
use crate::math::{ln_f32, log1p_f32, pmax_f32};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{ln, log1p, pmax, splat};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4_add, f32x4_div, f32x4_mul, f32x4_neg, f32x4_sub, v128};

const LOG_CLAMP: f32 = -100.0;
const EPS: f32 = 1e-12;

struct Bce;

impl Pointwise for Bce {
    #[inline(always)]
    fn one(&self, x: f32, y: f32, w: f32, _: f32) -> (f32, f32) {
        let lx = pmax_f32(ln_f32(x), LOG_CLAMP);
        let l1x = pmax_f32(log1p_f32(-x), LOG_CLAMP);
        let loss = -(w * (y * lx + (1.0 - y) * l1x));
        let grad = w * (x - y) / pmax_f32(x * (1.0 - x), EPS);
        (loss, grad)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn four(&self, x: v128, y: v128, w: v128, _: v128) -> (v128, v128) {
        let one = splat(1.0);
        let lx = pmax(ln(x), splat(LOG_CLAMP));
        let l1x = pmax(log1p(f32x4_neg(x)), splat(LOG_CLAMP));
        let s = f32x4_add(f32x4_mul(y, lx), f32x4_mul(f32x4_sub(one, y), l1x));
        let loss = f32x4_neg(f32x4_mul(w, s));
        let den = pmax(f32x4_mul(x, f32x4_sub(one, x)), splat(EPS));
        let grad = f32x4_div(f32x4_mul(w, f32x4_sub(x, y)), den);
        (loss, grad)
    }
}

/// Σ BCE; `weight` is absent or has the input's length.
pub fn bce_fwd_bwd(
    input: &[f32],
    target: &[f32],
    weight: Option<&[f32]>,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    run(&Bce, input, target, weight, None, loss_out, grad_out, grad_scale, true)
}
