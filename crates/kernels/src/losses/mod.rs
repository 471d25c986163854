//! One loss per file: the unreduced loss and its gradient, fused in one pass.
//! Reductions (none/mean/sum) and their denominators are decided by the
//! caller (ts/losses/reduction.ts): kernels return the float64 sum and scale
//! the gradient by the `grad_scale` they are given.

mod pointwise;

pub mod mse_loss;
pub mod l1_loss;
pub mod bce_loss;
pub mod bce_with_logits_loss;
pub mod cross_entropy_loss;
