//! L1Loss kernel: loss_i = |x_i − y_i|, ∂loss_i/∂x_i = sign(x_i − y_i),
//! with sign(0) = 0 as PyTorch.
//!
//! NOTE: for d = x − y = NaN the loss is NaN but the gradient is 0, because
//! PyTorch 1.13's sign(NaN) is 0 (checked: l1_loss backward gives 0 there).
//! Σ accumulated in f64 as in every element-wise loss (pointwise.rs).

use super::pointwise::{run, Pointwise};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{abs, splat};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4_gt, f32x4_lt, f32x4_sub, v128, v128_and, v128_or};

struct L1;

impl Pointwise for L1 {
    const UNROLL: bool = true;
    #[inline(always)]
    fn one(&self, x: f32, y: f32, _: f32, _: f32) -> (f32, f32) {
        let d = x - y;
        let sign = if d > 0.0 { 1.0 } else if d < 0.0 { -1.0 } else { 0.0 };
        (crate::math::abs_f32(d), sign)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn four(&self, x: v128, y: v128, _: v128, _: v128) -> (v128, v128) {
        let d = f32x4_sub(x, y);
        let zero = splat(0.0);
        let sign = v128_or(v128_and(f32x4_gt(d, zero), splat(1.0)), v128_and(f32x4_lt(d, zero), splat(-1.0)));
        (abs(d), sign)
    }
}

/// Σ |x − y|; per-element losses into `loss_out`, grad_scale · sign(x − y) into `grad_out`.
pub fn l1_fwd_bwd(
    input: &[f32],
    target: &[f32],
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    run(&L1, input, target, None, None, loss_out, grad_out, grad_scale, true)
}
