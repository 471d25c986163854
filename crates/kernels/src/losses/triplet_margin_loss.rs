//! TripletMarginLoss kernel for any p > 0 (and p = ∞), over rows a (anchor),
//! q (positive), r (negative) of shape (n, d), as PyTorch 1.13 composes it:
//!   D(u, v) = ‖u − v + eps‖_p,  dp = D(a, q),  dn = D(a, r)  (swap: dn = min(dn, D(q, r)))
//!   loss = max(0, m + dp − dn)     (the gradient passes at 0, as clamp_min)
//!   ∂‖v‖₂/∂v = v/‖v‖₂,  ∂‖v‖₁/∂v = sign(v),
//!   other p: sign(v)·|v|^(p−1)/‖v‖^(p−1),  p = ∞: sign(v) shared among the maximal |v|,
//!   0 where the norm is 0 (torch's norm backward)
//! With swap, min's gradient goes to the smaller distance, half to each on a
//! tie (torch.min of two tensors). Writes grad_scale·∂loss/∂a, ∂loss/∂q and
//! ∂loss/∂r, each where its output is given: with ĝp, ĝan, ĝqn the scaled
//! norm gradients of a − q, a − r, q − r,
//!   ∂a = ĝp − ĝan,  ∂q = −ĝp − ĝqn,  ∂r = ĝan + ĝqn
//! (∂r computed, not formed as −(∂a + ∂q), which cancels where it is small). Integer p from 1 to MAX_INT_P sum |v|^p over d in
//! f32 by multiplication, four features at a time on wasm; other p (non-
//! integer, larger, ∞) take a scalar path (pow has no SIMD form) that sums
//! |v|^p in f64, as ts/ops/norm.ts does.

use crate::math::{abs_f32, pow_f32, pow_nonneg_f64, sqrt_f32};
use crate::simd::lanes::{for_each_step, Lane};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;

/// The largest integer p summed by multiplication (|v|^p in f32 stays within
/// a few ulps; beyond, the scalar f64 path).
const MAX_INT_P: f32 = 8.0;

/// |x|^e for an integer e ≥ 1: |x|, x², |x|·|x|·…
#[inline(always)]
fn power<L: Lane>(x: L, e: u32) -> L {
    match e {
        1 => x.abs(),
        2 => x.mul(x),
        _ => {
            let m = x.abs();
            (1..e).fold(m, |r, _| r.mul(m))
        }
    }
}

/// ∂‖v‖_e/∂v·k = sign(v)·|v|^(e−1)·f with f = k/‖v‖^(e−1) (`scale`): sign(v)·f
/// (e = 1), v·f (e = 2), v·|v|^(e−2)·f.
#[inline(always)]
fn dnorm<L: Lane>(v: L, e: u32, f: f32) -> L {
    match e {
        1 => v.sign().mul(L::splat(f)),
        _ => {
            let m = v.abs();
            (2..e).fold(v, |r, _| r.mul(m)).mul(L::splat(f))
        }
    }
}

/// f = k/‖v‖^(e−1) of `dnorm` (k for e = 1), 0 for a zero norm (torch masks that 0/0).
fn scale(norm: f32, e: u32, k: f32) -> f32 {
    if norm == 0.0 {
        0.0
    } else if e == 1 {
        k
    } else {
        k / pow_f32(norm, (e - 1) as f32)
    }
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

/// The gradient outputs of a, q and r (each optional), one row's span of each.
type Grads<'g> = [Option<&'g mut [f32]>; 3];

/// Writes the three gradients at i (see the header) into the given outputs.
#[inline(always)]
fn write_grads<L: Lane>(g: &mut Grads, i: usize, gp: L, gan: L, gqn: L) {
    let values = [gp.sub(gan), gp.neg().sub(gqn), gan.add(gqn)];
    for (out, v) in g.iter_mut().zip(values) {
        if let Some(out) = out.as_deref_mut() {
            if i + 4 > out.len() + 3 {
                continue;
            }
            // SAFETY: the caller's i + lanes ≤ d = the output's length (one lane checked above).
            unsafe { L::store(out, i, 1, v) }
        }
    }
}

/// The gradients at i (see `triplet_margin_fwd_bwd`), `fs` the scales of `dnorm`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn grad_at<L: Lane>(a: &[f32], q: &[f32], r: &[f32], g: &mut Grads, i: usize, eps: f32, e: u32, fs: [f32; 3]) {
    let [u, v, w] = diffs::<L>(a, q, r, i, eps);
    write_grads(g, i, dnorm(u, e, fs[0]), dnorm(v, e, fs[1]), dnorm(w, e, fs[2]));
}

/// The norms ‖a − q + eps‖, ‖a − r + eps‖, ‖q − r + eps‖ of one row for p ∉ {1, 2}.
fn general_norms(a: &[f32], q: &[f32], r: &[f32], eps: f32, p: f32) -> [f32; 3] {
    let mut acc = [0.0f64; 3];
    for i in 0..a.len().min(q.len()).min(r.len()) {
        let v = [a[i] - q[i] + eps, a[i] - r[i] + eps, q[i] - r[i] + eps];
        for (s, x) in acc.iter_mut().zip(v) {
            let m = abs_f32(x);
            if p == f32::INFINITY {
                // max |v|, NaN winning (torch's amax propagates NaN).
                if m as f64 > *s || m != m {
                    *s = m as f64;
                }
            } else {
                *s += pow_nonneg_f64(m, p);
            }
        }
    }
    acc.map(|s| if p == f32::INFINITY { s as f32 } else { pow_f32(s as f32, 1.0 / p) })
}

/// ∂‖v‖_p/∂v_i·k for p ∉ {1, 2} (see the header): `inv` = k/‖v‖^(p−1) (or
/// k/ties for p = ∞), formed once per row by `dnorm_scale`.
#[inline(always)]
fn general_dnorm(v: f32, norm: f32, p: f32, inv: f32) -> f32 {
    // A zero coordinate gets 0, also for p < 1 where |v|^(p−1) is ∞ (torch masks it).
    if norm == 0.0 || v == 0.0 {
        return 0.0;
    }
    let s: f32 = if v > 0.0 { 1.0 } else if v < 0.0 { -1.0 } else { 0.0 };
    if p == f32::INFINITY {
        return if abs_f32(v) == norm { s * inv } else { 0.0 };
    }
    (s as f64 * pow_nonneg_f64(abs_f32(v), p - 1.0) * inv as f64) as f32
}

/// k/‖v‖^(p−1), or k/ties for p = ∞.
fn dnorm_scale(norm: f32, p: f32, ties: f32, k: f32) -> f32 {
    if p == f32::INFINITY { k / ties } else { k / pow_f32(norm, p - 1.0) }
}

/// How many |u − v + eps| equal `norm` (the ∞-norm's maximal entries).
fn ties(u: &[f32], v: &[f32], eps: f32, norm: f32) -> f32 {
    u.iter().zip(v).filter(|&(x, y)| abs_f32(x - y + eps) == norm).count() as f32
}

/// Σ row losses; per-row losses into `loss_out` (n), grad_scale·∂ into grad_a / grad_q (n·d).
#[allow(clippy::too_many_arguments)]
pub fn triplet_margin_fwd_bwd(
    a: &[f32],
    q: &[f32],
    r: &[f32],
    n: usize,
    d: usize,
    p: f32,
    margin: f32,
    eps: f32,
    swap: bool,
    loss_out: Option<&mut [f32]>,
    grads: [Option<&mut [f32]>; 3],
    grad_scale: f32,
) -> f64 {
    // An integer p in [1, MAX_INT_P]: the SIMD path with e = p, compiled for each of the
    // common p (the power's multiplications unrolled: p = 3 went from 1.8× to 2.6× the JS
    // loop, p = 2 from 5.4× to 7×).
    let fast = p >= 1.0 && p <= MAX_INT_P && (p as u32) as f32 == p;
    let e = if fast { p as u32 } else { 0 };
    let args = (a, q, r, n, d, p, margin, eps, swap);
    match e {
        1 => rows::<1>(args, e, loss_out, grads, grad_scale),
        2 => rows::<2>(args, e, loss_out, grads, grad_scale),
        3 => rows::<3>(args, e, loss_out, grads, grad_scale),
        4 => rows::<4>(args, e, loss_out, grads, grad_scale),
        _ => rows::<0>(args, e, loss_out, grads, grad_scale),
    }
}

/// The rows of `triplet_margin_fwd_bwd` with the integer power e known at
/// compile time (E ≠ 0) or not (E = 0: e as given; 0 for the general path).
#[allow(clippy::type_complexity)]
#[inline(always)]
fn rows<const E: u32>(
    (a, q, r, n, d, p, margin, eps, swap): (&[f32], &[f32], &[f32], usize, usize, f32, f32, f32, bool),
    e: u32,
    mut loss_out: Option<&mut [f32]>,
    mut grads: [Option<&mut [f32]>; 3],
    grad_scale: f32,
) -> f64 {
    let e = if E != 0 { E } else { e };
    let fast = e != 0;
    let mut total = 0.0f64;
    for row in 0..n {
        let span = row * d..(row + 1) * d;
        let (Some(a), Some(q), Some(r)) = (a.get(span.clone()), q.get(span.clone()), r.get(span.clone())) else {
            return f64::NAN;
        };
        // Σ|v|^e per distance: four-lane f32 partials over blocks of 256 features, each block
        // folded into f64, so rows of 1e5 features stay within float32 rounding of the norm (one
        // f32 running sum drifted 1e-5; the fuzzer); the scalar tail adds in f64.
        let mut s = [0.0f64; 3];
        if fast {
            let mut i = 0;
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            while i + 4 <= d {
                let end = (i + 256).min(d);
                let mut part = [Four::<true>::splat(0.0); 3];
                while i + 4 <= end {
                    for (acc, v) in part.iter_mut().zip(diffs::<Four<true>>(a, q, r, i, eps)) {
                        *acc = acc.add(power(v, e));
                    }
                    i += 4;
                }
                for (acc, v) in s.iter_mut().zip(part) {
                    *acc += crate::simd::v::hsum_f64(v.0);
                }
            }
            while i < d {
                for (acc, v) in s.iter_mut().zip(diffs::<f32>(a, q, r, i, eps)) {
                    *acc += power(v, e) as f64;
                }
                i += 1;
            }
        }
        let norm = |v: f64| match e {
            1 => v as f32,
            2 => sqrt_f32(v as f32),
            _ => pow_f32(v as f32, 1.0 / p),
        };
        let (dp, dan, dqn) = if fast { (norm(s[0]), norm(s[1]), norm(s[2])) } else {
            let [x, y, z] = general_norms(a, q, r, eps, p);
            (x, y, z)
        };
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
        if grads.iter().all(Option::is_none) {
            continue;
        }
        let mut g: Grads = [None, None, None];
        for (row_g, out) in g.iter_mut().zip(grads.iter_mut()) {
            *row_g = out.as_deref_mut().and_then(|o| o.get_mut(span.clone()));
        }
        // ∂/∂a = k(∂dp − wan·∂dan), ∂/∂q = k(−∂dp − wqn·∂dqn) (∂dqn with respect to q − r).
        if !fast {
            let t = if p == f32::INFINITY { [ties(a, q, eps, dp), ties(a, r, eps, dan), ties(q, r, eps, dqn)] } else { [1.0; 3] };
            let inv = [dnorm_scale(dp, p, t[0], k), dnorm_scale(dan, p, t[1], k * wan), dnorm_scale(dqn, p, t[2], k * wqn)];
            for i in 0..d {
                let v = [a[i] - q[i] + eps, a[i] - r[i] + eps, q[i] - r[i] + eps];
                let gp = general_dnorm(v[0], dp, p, inv[0]);
                write_grads::<f32>(&mut g, i, gp, general_dnorm(v[1], dan, p, inv[1]), general_dnorm(v[2], dqn, p, inv[2]));
            }
            continue;
        }
        let fs = [scale(dp, e, k), scale(dan, e, k * wan), scale(dqn, e, k * wqn)];
        for_each_step(d, |i, four| {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if four {
                return grad_at::<Four<true>>(a, q, r, &mut g, i, eps, e, fs);
            }
            let _ = four;
            grad_at::<f32>(a, q, r, &mut g, i, eps, e, fs);
        });
    }
    total
}
