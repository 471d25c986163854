//! NLLLoss kernel over log-probabilities x viewed as (n, C, inner), the
//! layout of cross_entropy_loss.rs: class c of sample (b, j) is at
//! (b·C + c)·inner + j. For a sample with class t and class weights w (1
//! when absent):
//!   loss = −w_t·x_t,   ∂loss/∂x_c = −w_t·[c = t]
//! A target that is no class index in [0, C), or equals `ignore` (a class
//! index ignored by the caller's ignoreIndex, or −1), gives loss 0 and
//! gradient 0: the caller has validated that every target is a class index
//! or its ignoreIndex, so an out-of-range target *is* the ignoreIndex, and no
//! ignoreIndex (PyTorch's is an int64) needs to cross the boundary.
//! "mean" (Σ w_t over the non-ignored samples) is the caller's, through
//! grad_scale. Memory-bound: the gradient is zero-filled, then one store per
//! sample. Class index and weight: class_rows.rs.

use super::class_rows::{class_index, class_weight};

/// Σ −w_t·x_t; per-sample losses into `loss_out` (n·inner), grad_scale·∂ into
/// `grad_out` (n·C·inner).
#[allow(clippy::too_many_arguments)]
pub fn nll_fwd_bwd(
    input: &[f32],
    target: &[f32],
    weight: Option<&[f32]>,
    n: usize,
    classes: usize,
    inner: usize,
    ignore: i32,
    mut loss_out: Option<&mut [f32]>,
    mut grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    if let Some(g) = grad_out.as_deref_mut() {
        g.fill(0.0);
    }
    let mut sum = 0.0f64;
    for b in 0..n {
        for j in 0..inner {
            let s = b * inner + j;
            let Some(&t) = target.get(s) else { return f64::NAN };
            let mut loss = 0.0f32;
            if let Some(c) = class_index(t, classes).filter(|&c| c as i64 != ignore as i64) {
                let w = class_weight(weight, c);
                let at = (b * classes + c) * inner + j;
                loss = -w * input.get(at).copied().unwrap_or(f32::NAN);
                if let Some(d) = grad_out.as_deref_mut().and_then(|g| g.get_mut(at)) {
                    *d = -w * grad_scale;
                }
            }
            if let Some(d) = loss_out.as_deref_mut().and_then(|l| l.get_mut(s)) {
                *d = loss;
            }
            sum += loss as f64;
        }
    }
    sum
}
