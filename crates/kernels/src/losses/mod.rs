//! The loss kernels, one family per file: the unreduced loss and its
//! gradient, fused in one pass. Reductions (none/mean/sum/batchmean) and
//! their denominators are decided by the caller (ts/losses/reduction.ts):
//! kernels return the float64 sum and scale the gradient by the
//! `grad_scale` they are given.
//!
//! - elementwise.rs: every element-wise loss (MSE, L1, BCE, BCE-with-logits,
//!   Huber, SmoothL1, KLDiv, PoissonNLL, GaussianNLL, SoftMargin,
//!   HingeEmbedding, MarginRanking, sigmoid focal, MultiLabelSoftMargin), one formula each over
//!   `Lane`, run by pointwise.rs behind one coded export; fast.rs: the
//!   common case (no per-element output) of MSE, L1, BCE-with-logits,
//!   KLDiv, SoftMargin, focal and MultiLabelSoftMargin on a wasm loop of its own;
//! - cross_entropy_loss.rs, nll_loss.rs and multi_margin_loss.rs: the row
//!   losses over (n, C, inner) rows and class-index targets, sharing
//!   class_rows.rs (class index, class weight, the row loop); softmax_row.rs
//!   the plain three-pass softmax row of cross entropy's common case;
//! - multilabel_margin_loss.rs: rows of C scores against lists of classes;
//! - ctc_loss.rs: CTC's forward and backward recursions, in scaled linear
//!   space (ctc_scaled.rs) and, where that is not exact enough, in log space;
//! - cosine_embedding_loss.rs and triplet_margin_loss.rs: pairs (triples) of
//!   rows (dot products and norms).

mod class_rows;
mod pointwise;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod fast;
/// pub for the benchmarks' exp-limit probe (crates/probes).
pub mod softmax_row;

pub mod elementwise;
pub mod cross_entropy_loss;
pub mod nll_loss;
pub mod ctc_loss;
pub mod ctc_scaled;
pub mod multi_margin_loss;
pub mod multilabel_margin_loss;
pub mod cosine_embedding_loss;
pub mod triplet_margin_loss;
