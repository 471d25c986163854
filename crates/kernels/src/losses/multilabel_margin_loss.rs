//! MultiLabelMarginLoss kernel over scores x viewed as (n, C) rows, each
//! row's target a list of class indices ended by the first entry that is no
//! class index (−1; validated by the caller), T its set:
//!   loss = (1/C)·Σ_{j in the list} Σ_{i ∉ T} max(0, 1 − x_j + x_i)
//!   ∂loss/∂x_i = (1/C)·#{j : z_ji > 0} (i ∉ T),  ∂loss/∂x_j = −(1/C)·#{i ∉ T : z_ji > 0}
//! summed over repeated list entries, as PyTorch's CPU kernel (whose loops
//! these are). As there, a pair counts only when z = 1 − x_j + x_i > 0: a
//! NaN z (a NaN score, or ∞ − ∞) adds nothing, and the gradient is 0 at
//! z = 0. "mean" (÷ n) is the caller's, through grad_scale.
//!
//! Per row, the workspace (C floats) gets x_i for i ∉ T and −inf for the
//! targets, so the pair loop needs no mask: −inf + (1 − x_j) is never > 0
//! (or NaN). Then one pass over the row per list entry, four classes at a
//! time on wasm: O(C·|list|) instead of the composite's C² pairs in memory.
//! The row loop and class indices: class_rows.rs.

use super::class_rows::{class_index, sum_rows};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{self, load, splat, store};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4_add, f32x4_gt, v128_and};

/// (Σ_i max(0, z_i), #{i : z_i > 0}) for z_i = shift + xo_i, adding k to
/// g_i where z_i > 0 (when `g` is given).
#[inline(always)]
#[cfg_attr(not(all(target_arch = "wasm32", target_feature = "simd128")), allow(unused_mut))]
fn hinge_pass(xo: &[f32], mut g: Option<&mut [f32]>, shift: f32, k: f32) -> (f32, f32) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (mut sum, mut count, start) = {
        let (sv, kv, one) = (splat(shift), splat(k), splat(1.0));
        let (mut acc, mut cnt) = (splat(0.0), splat(0.0));
        let (x4, _) = xo.as_chunks::<4>();
        let mut g4 = g.as_deref_mut().map(|g| g.as_chunks_mut::<4>().0.iter_mut());
        for a in x4 {
            let z = f32x4_add(load(a), sv);
            let on = f32x4_gt(z, splat(0.0));
            acc = f32x4_add(acc, v128_and(on, z));
            cnt = f32x4_add(cnt, v128_and(on, one));
            if let Some(d) = g4.as_mut().and_then(|it| it.next()) {
                store(d, f32x4_add(load(d), v128_and(on, kv)));
            }
        }
        (v::hsum(acc), v::hsum(cnt), x4.len() * 4)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let (mut sum, mut count, start) = (0.0f32, 0.0f32, 0);
    let mut gt = g.map(|g| g.iter_mut().skip(start));
    for &xv in &xo[start..] {
        let z = shift + xv;
        let d = gt.as_mut().and_then(|it| it.next());
        if z > 0.0 {
            sum += z;
            count += 1.0;
            if let Some(d) = d {
                *d += k;
            }
        }
    }
    (sum, count)
}

/// Σ_rows loss; per-row losses into `loss_out` (n), grad_scale·∂ into
/// `grad_out` (n·C); `workspace` holds C floats (overwritten).
#[allow(clippy::too_many_arguments)]
pub fn multilabel_margin_fwd_bwd(
    input: &[f32],
    target: &[f32],
    n: usize,
    classes: usize,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    workspace: &mut [f32],
    grad_scale: f32,
) -> f64 {
    let Some(xo) = workspace.get_mut(..classes) else { return f64::NAN };
    let k = grad_scale / classes as f32;
    sum_rows(input, n, classes, loss_out, grad_out, |r, xr, mut g| {
        let Some(tr) = target.get(r * classes..(r + 1) * classes) else { return f32::NAN };
        // The list: the entries before the first that is no class index (−1).
        let list = &tr[..tr.iter().position(|&c| class_index(c, classes).is_none()).unwrap_or(classes)];
        xo.copy_from_slice(xr);
        for &c in list {
            if let Some(o) = xo.get_mut(c as usize) {
                *o = f32::NEG_INFINITY;
            }
        }
        if let Some(g) = g.as_deref_mut() {
            g.fill(0.0);
        }
        let mut acc = 0.0f64;
        for &c in list {
            let j = c as usize;
            let Some(&xj) = xr.get(j) else { return f32::NAN };
            let (s, count) = hinge_pass(xo, g.as_deref_mut(), 1.0 - xj, k);
            acc += s as f64;
            if let Some(d) = g.as_deref_mut().and_then(|g| g.get_mut(j)) {
                *d -= count * k;
            }
        }
        // C = 0: 0/0 = NaN, as PyTorch's sum /= dim.
        (acc / classes as f64) as f32
    })
}
