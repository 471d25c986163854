//! CosineEmbeddingLoss kernel over pairs of rows x1, x2 (n, d) and labels y
//! (n), margin m, as PyTorch 1.13 composes it (EPS = 1e-12):
//!   cos = Σ x1·x2 / sqrt((Σ x1² + EPS)·(Σ x2² + EPS))
//!   loss = 1 − cos (y = 1),  max(0, cos − m) (y = −1),  0 (other labels)
//!   ∂cos/∂x1 = x2/den − cos·x1/(Σ x1² + EPS),  ∂cos/∂x2 likewise;
//!   ∂loss/∂cos = −1 (y = 1), [cos − m ≥ 0] (y = −1: clamp_min passes at 0), 0
//! Two passes per row (the three sums, then both gradients), four features at
//! a time on wasm. "mean" (÷ n) is the caller's, through grad_scale.

use crate::math::sqrt_f32;
use crate::simd::lanes::{for_each_step, Lane};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;

const EPS: f32 = 1e-12;

/// Adds a·b, a·a, b·b at i into the accumulators (i + lanes ≤ both lengths).
#[inline(always)]
fn sums<L: Lane>(a: &[f32], b: &[f32], i: usize, acc: &mut [L; 3]) {
    if i + 4 > a.len().min(b.len()) + 3 {
        return;
    }
    // SAFETY: the caller's i + lanes ≤ both lengths (one lane checked above; four-lane calls keep i + 4 ≤ d).
    let (x, y) = unsafe { (L::load(a, i, 1), L::load(b, i, 1)) };
    acc[0] = acc[0].add(x.mul(y));
    acc[1] = acc[1].add(x.mul(x));
    acc[2] = acc[2].add(y.mul(y));
}

/// g1 = k·(b/den − cos·a/m1), g2 = k·(a/den − cos·b/m2) at i.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn grads<L: Lane>(a: &[f32], b: &[f32], g1: &mut [f32], g2: Option<&mut [f32]>, i: usize, c: [f32; 4]) {
    let [inv_den, cos_m1, cos_m2, k] = c;
    if i + 4 > a.len().min(b.len()).min(g1.len()) + 3 {
        return;
    }
    // SAFETY: as in `sums`, and g1 (and g2) have the rows' length.
    unsafe {
        let (x, y) = (L::load(a, i, 1), L::load(b, i, 1));
        let kk = L::splat(k);
        L::store(g1, i, 1, kk.mul(y.mul(L::splat(inv_den)).sub(x.mul(L::splat(cos_m1)))));
        if let Some(g2) = g2 {
            if i < g2.len() {
                L::store(g2, i, 1, kk.mul(x.mul(L::splat(inv_den)).sub(y.mul(L::splat(cos_m2)))));
            }
        }
    }
}

/// Σ row losses; per-row losses into `loss_out` (n), grad_scale·∂ into `grad1_out`/`grad2_out` (n·d).
#[allow(clippy::too_many_arguments)]
pub fn cosine_embedding_fwd_bwd(
    x1: &[f32],
    x2: &[f32],
    y: &[f32],
    n: usize,
    d: usize,
    margin: f32,
    mut loss_out: Option<&mut [f32]>,
    mut grad1_out: Option<&mut [f32]>,
    mut grad2_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    let mut total = 0.0f64;
    for r in 0..n {
        let (Some(a), Some(b), Some(&label)) = (x1.get(r * d..(r + 1) * d), x2.get(r * d..(r + 1) * d), y.get(r)) else {
            return f64::NAN;
        };
        let mut s = [0.0f32; 3];
        for_each_step(d, |i, four| {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if four {
                let mut acc = [Four::<true>::splat(0.0); 3];
                sums(a, b, i, &mut acc);
                for (t, v) in s.iter_mut().zip(acc) {
                    *t += crate::simd::v::hsum(v.0);
                }
                return;
            }
            let _ = four;
            let mut acc = [0.0f32; 3];
            sums(a, b, i, &mut acc);
            for (t, v) in s.iter_mut().zip(acc) {
                *t += v;
            }
        });
        let (m1, m2) = (s[1] + EPS, s[2] + EPS);
        let den = sqrt_f32(m1 * m2);
        let cos = s[0] / den;
        let (loss, dcos) = if label == 1.0 {
            (1.0 - cos, -1.0)
        } else if label == -1.0 {
            let z = cos - margin;
            (if z > 0.0 { z } else { 0.0 }, if z >= 0.0 { 1.0 } else { 0.0 })
        } else {
            (0.0, 0.0)
        };
        if let Some(l) = loss_out.as_deref_mut().and_then(|l| l.get_mut(r)) {
            *l = loss;
        }
        total += loss as f64;
        let Some(g1) = grad1_out.as_deref_mut().and_then(|g| g.get_mut(r * d..(r + 1) * d)) else { continue };
        let mut g2 = grad2_out.as_deref_mut().and_then(|g| g.get_mut(r * d..(r + 1) * d));
        let c = [1.0 / den, cos / m1, cos / m2, dcos * grad_scale];
        for_each_step(d, |i, four| {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if four {
                return grads::<Four<true>>(a, b, g1, g2.as_deref_mut(), i, c);
            }
            let _ = four;
            grads::<f32>(a, b, g1, g2.as_deref_mut(), i, c);
        });
    }
    total
}
