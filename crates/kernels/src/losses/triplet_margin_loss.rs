//! TripletMarginLoss kernel for p ∈ {1, 2}, over rows a (anchor), q
//! (positive), r (negative) of shape (n, d), as PyTorch 1.13 composes it:
//!   D(u, v) = ‖u − v + eps‖_p,  dp = D(a, q),  dn = D(a, r)  (swap: dn = min(dn, D(q, r)))
//!   loss = max(0, m + dp − dn)     (the gradient passes at 0, as clamp_min)
//!   ∂‖v‖₂/∂v = v/‖v‖₂,  ∂‖v‖₁/∂v = sign(v),  0 where the norm is 0
//! With swap, min's gradient goes to the smaller distance, half to each on a
//! tie (torch.min of two tensors). Writes grad_scale·∂loss/∂a and ∂loss/∂q;
//! ∂loss/∂r is −(∂a + ∂q) (each distance depends on a difference only),
//! formed by the caller. Sums over d in f32, four features at a time on wasm.

use crate::math::sqrt_f32;
use crate::simd::lanes::{for_each_step, Lane};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;

/// |x| (p = 1) or x² (p = 2).
#[inline(always)]
fn power<L: Lane>(x: L, p2: bool) -> L {
    if p2 { x.mul(x) } else { x.abs() }
}

/// ∂‖v‖/∂v_i given the norm (scaled by `s`): v/‖v‖ (p = 2), sign(v) (p = 1); 0 for a zero norm.
#[inline(always)]
fn dnorm<L: Lane>(v: L, norm: f32, p2: bool, s: f32) -> L {
    if norm == 0.0 {
        return L::splat(0.0);
    }
    if p2 { v.mul(L::splat(s / norm)) } else { v.sign().mul(L::splat(s)) }
}

/// The three differences at i: a − q, a − r, q − r, each + eps (i + lanes ≤ d, rows of d).
#[inline(always)]
fn diffs<L: Lane>(a: &[f32], q: &[f32], r: &[f32], i: usize, eps: f32) -> [L; 3] {
    let e = L::splat(eps);
    if i + 4 > a.len().min(q.len()).min(r.len()) + 3 {
        return [L::splat(f32::NAN); 3];
    }
    // SAFETY: the caller's i + lanes ≤ d = the rows' length (one lane checked above;
    // four-lane calls keep i + 4 ≤ d).
    let (x, y, z) = unsafe { (L::load(a, i, 1), L::load(q, i, 1), L::load(r, i, 1)) };
    [x.sub(y).add(e), x.sub(z).add(e), y.sub(z).add(e)]
}

/// The gradients of a and q at i (see `triplet_margin_fwd_bwd`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn grad_at<L: Lane>(a: &[f32], q: &[f32], r: &[f32], ga: &mut [f32], gq: &mut [f32], i: usize, eps: f32, norms: [f32; 3], ks: [f32; 3], p2: bool) {
    if i + 4 > ga.len().min(gq.len()) + 3 {
        return;
    }
    let [u, v, w] = diffs::<L>(a, q, r, i, eps);
    let gp = dnorm(u, norms[0], p2, ks[0]);
    let gan = dnorm(v, norms[1], p2, ks[1]);
    let gqn = dnorm(w, norms[2], p2, ks[2]);
    // SAFETY: as in `diffs`; ga and gq have the rows' length.
    unsafe {
        L::store(ga, i, 1, gp.sub(gan));
        L::store(gq, i, 1, gp.neg().sub(gqn));
    }
}

/// Σ row losses; per-row losses into `loss_out` (n), grad_scale·∂ into grad_a / grad_q (n·d).
#[allow(clippy::too_many_arguments)]
pub fn triplet_margin_fwd_bwd(
    a: &[f32],
    q: &[f32],
    r: &[f32],
    n: usize,
    d: usize,
    p: i32,
    margin: f32,
    eps: f32,
    swap: bool,
    mut loss_out: Option<&mut [f32]>,
    mut grad_a: Option<&mut [f32]>,
    mut grad_q: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    let p2 = p == 2;
    let mut total = 0.0f64;
    for row in 0..n {
        let span = row * d..(row + 1) * d;
        let (Some(a), Some(q), Some(r)) = (a.get(span.clone()), q.get(span.clone()), r.get(span.clone())) else {
            return f64::NAN;
        };
        let mut s = [0.0f32; 3];
        for_each_step(d, |i, four| {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if four {
                let t = diffs::<Four<true>>(a, q, r, i, eps);
                for (acc, v) in s.iter_mut().zip(t) {
                    *acc += crate::simd::v::hsum(power(v, p2).0);
                }
                return;
            }
            let _ = four;
            for (acc, v) in s.iter_mut().zip(diffs::<f32>(a, q, r, i, eps)) {
                *acc += power(v, p2);
            }
        });
        let norm = |v: f32| if p2 { sqrt_f32(v) } else { v };
        let (dp, dan, dqn) = (norm(s[0]), norm(s[1]), norm(s[2]));
        // Shares of min(dan, dqn)'s gradient: ties half each.
        let (wan, wqn) = if !swap || dan < dqn {
            (1.0, 0.0)
        } else if dqn < dan {
            (0.0, 1.0)
        } else {
            (0.5, 0.5)
        };
        let dn = if swap && dqn < dan { dqn } else { dan };
        let z = margin + dp - dn;
        let loss = if z > 0.0 { z } else { 0.0 };
        if let Some(l) = loss_out.as_deref_mut().and_then(|l| l.get_mut(row)) {
            *l = loss;
        }
        total += loss as f64;
        let k = if z >= 0.0 { grad_scale } else { 0.0 };
        let (Some(ga), Some(gq)) = (
            grad_a.as_deref_mut().and_then(|g| g.get_mut(span.clone())),
            grad_q.as_deref_mut().and_then(|g| g.get_mut(span.clone())),
        ) else {
            continue;
        };
        // ∂/∂a = k(∂dp − wan·∂dan), ∂/∂q = k(−∂dp − wqn·∂dqn) (∂dqn with respect to q − r).
        for_each_step(d, |i, four| {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if four {
                return grad_at::<Four<true>>(a, q, r, ga, gq, i, eps, [dp, dan, dqn], [k, k * wan, k * wqn], p2);
            }
            let _ = four;
            grad_at::<f32>(a, q, r, ga, gq, i, eps, [dp, dan, dqn], [k, k * wan, k * wqn], p2);
        });
    }
    total
}
