//! MSELoss kernel: loss_i = (x_i − y_i)², ∂loss_i/∂x_i = 2 (x_i − y_i).
//!
//! d = x − y is rounded once, then squared; the Σ is accumulated in f64 (f32
//! lanes over 8-term blocks on wasm, see pointwise.rs), so the mean of 4e6
//! elements stays within 1e-6 relative of a float64 reference. "mean"
//! divides by the element count (decided by the caller, via grad_scale).
//! NaN propagates into the loss and the gradient.

use super::pointwise::{run, Pointwise};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_sub, v128};

struct Mse;

impl Pointwise for Mse {
    const UNROLL: bool = true;
    #[inline(always)]
    fn one(&self, x: f32, y: f32, _: f32, _: f32) -> (f32, f32) {
        let d = x - y;
        (d * d, d + d)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn four(&self, x: v128, y: v128, _: v128, _: v128) -> (v128, v128) {
        let d = f32x4_sub(x, y);
        (f32x4_mul(d, d), f32x4_add(d, d))
    }
}

/// Σ (x − y)²; per-element losses into `loss_out`, grad_scale · 2(x − y) into `grad_out`.
pub fn mse_fwd_bwd(
    input: &[f32],
    target: &[f32],
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    run(&Mse, input, target, None, None, loss_out, grad_out, grad_scale, true)
}
