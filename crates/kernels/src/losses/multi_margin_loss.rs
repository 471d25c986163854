//! MultiMarginLoss kernel over scores x viewed as (n, C) rows, class-index
//! targets y (validated by the caller), class weights w (1 when absent),
//! p ∈ {1, 2}, margin m:
//!   z_c = m − x_y + x_c,  loss = (w_y/C)·Σ_{c≠y} max(0, z_c)^p
//!   ∂loss/∂x_c = (w_y/C)·p·z_c^(p−1)·[z_c > 0] (c ≠ y),  ∂loss/∂x_y = −Σ_{c≠y} ∂loss/∂x_c
//! The gradient is 0 at z_c = 0, as PyTorch's kernel. Each row runs over
//! the C classes four at a time on wasm, the target's lane masked out, as
//! PyTorch skips it (summing it and taking it out left a residue:
//! z_y = x_y + (m − x_y) is m only up to rounding). "mean" (÷ n) is the caller's, through
//! grad_scale. NaN propagates; a target out of range gives NaN, no panic.
//! The row loop, class index and weight: class_rows.rs.

use super::class_rows::{class_index, class_weight, sum_rows};
use crate::simd::lanes::Lane;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;

/// (Σ_c max(0, z_c)^p, Σ_c ∂) over the lanes at c, writing k·∂ into g (if any).
#[inline(always)]
fn lanes_at<L: Lane>(x: &[f32], g: Option<&mut [f32]>, c: usize, shift: f32, p2: bool, k: f32) -> (L, L) {
    let zero = L::splat(0.0);
    // SAFETY: the caller's c + lanes ≤ x.len() (and ≤ g.len()).
    let z = unsafe { L::load(x, c, 1) }.add(L::splat(shift));
    let active = z.gt(zero);
    let h = L::select(active, z, zero);
    let (v, d) = if p2 { (h.mul(h), h.add(h)) } else { (h, L::select(active, L::splat(1.0), zero)) };
    if let Some(g) = g {
        // SAFETY: as above.
        unsafe { L::store(g, c, 1, d.mul(L::splat(k))) };
    }
    (v, d)
}

/// Σ_rows loss; per-row losses into `loss_out` (n), grad_scale·∂ into `grad_out` (n·C).
#[allow(clippy::too_many_arguments)]
pub fn multi_margin_fwd_bwd(
    input: &[f32],
    target: &[f32],
    weight: Option<&[f32]>,
    n: usize,
    classes: usize,
    p: i32,
    margin: f32,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    let p2 = p == 2;
    sum_rows(input, n, classes, loss_out, grad_out, |r, x, mut g| {
        let Some(y) = target.get(r).and_then(|&t| class_index(t, classes)) else { return f32::NAN };
        let Some(&xy) = x.get(y) else { return f32::NAN };
        let k = class_weight(weight, y) / classes as f32;
        let shift = margin - xy;
        let kg = k * grad_scale;
        let (mut acc, mut dacc) = (0.0f32, 0.0f32);
        let mut c = 0;
        // Vector partials folded into f64 every FOLD steps: rows of 1e5 classes stay within
        // float32 rounding of their sum (one f32 running sum drifted 1.4e-6; the fuzzer).
        #[allow(unused_mut)] // only the SIMD loop adds to them
        let (mut acc64, mut dacc64) = (0.0f64, 0.0f64);
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            use core::arch::wasm32::{i32x4, i32x4_eq, i32x4_splat, v128_andnot};
            // Blocks of 256 classes: an inner loop with nothing but the sums (a fold counter inside
            // it cost 1.6× here), then one f64 fold per block.
            while c + 4 <= classes {
                let end = (c + 256).min(classes);
                let (mut av, mut dv) = (Four::<true>::splat(0.0), Four::<true>::splat(0.0));
                while c + 4 <= end {
                    let (mut v, mut d) = lanes_at::<Four<true>>(x, g.as_deref_mut(), c, shift, p2, kg);
                    if y.wrapping_sub(c) < 4 {
                        // The target's lane takes no part, as PyTorch skips it (its gradient is set below).
                        let lane = i32x4_eq(i32x4(0, 1, 2, 3), i32x4_splat((y - c) as i32));
                        (v, d) = (Four(v128_andnot(v.0, lane)), Four(v128_andnot(d.0, lane)));
                    }
                    av = av.add(v);
                    dv = dv.add(d);
                    c += 4;
                }
                acc64 += crate::simd::v::hsum_f64(av.0);
                dacc64 += crate::simd::v::hsum_f64(dv.0);
            }
        }
        while c < classes {
            if c != y {
                let (v, d) = lanes_at::<f32>(x, g.as_deref_mut(), c, shift, p2, kg);
                acc += v;
                dacc += d;
            }
            c += 1;
        }
        let (acc, dacc) = ((acc64 + acc as f64) as f32, (dacc64 + dacc as f64) as f32);
        if let Some(gy) = g.and_then(|g| g.get_mut(y)) {
            *gy = -kg * dacc;
        }
        k * acc
    })
}
