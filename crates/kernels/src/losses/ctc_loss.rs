//! CTCLoss kernel over the extended labels l' = (blank, y1, blank, y2, …,
//! blank), L = 2|y| + 1, per sample: first in scaled linear space
//! (ctc_scaled.rs: one exp per emission, then adds and multiplies), and,
//! where that is not exact enough (a path 2⁵⁰⁰ times less likely than its
//! frame's total, non-finite input, no alignment), again in log space here,
//! the recursions PyTorch runs (ts/backend/js_ctc.ts is the same algorithm
//! in plain JS, with the formulas in its header):
//!   α_t(s) = lp_t(l'_s) + lse(α_{t−1}(s), α_{t−1}(s−1), α_{t−1}(s−2) + skip(s))
//!   β_t(s) = lp_t(l'_s) + lse(β_{t+1}(s), β_{t+1}(s+1), β_{t+1}(s+2) + skip(s+2))
//!   loss = −lse(α_{T−1}(L−1), α_{T−1}(L−2))
//!   ∂loss/∂lp_t(c) = e^{lp_t(c)} − Σ_{s: l'_s = c} e^{α_t(s) + β_t(s) − lp_t(l'_s) + loss}
//! skip(s) is 0 where l'_s may be reached from s − 2 (not a blank, not a
//! repeat of l'_{s−2}), −∞ elsewhere. The sum in the gradient is of state
//! occupancies (each in [0, 1], summing to 1 over s), so it is accumulated
//! in linear space, without a log per state.
//!
//! Within a time step the states are independent (each reads the previous
//! step only), so the recursions run four states at a time (`Lane`): rows
//! of α and β are stored with two −∞ cells on each side, so s − 2 … s + 2
//! are always in bounds. In f32, as PyTorch does for float input.
//!
//! The workspace (the caller's, at least `workspace_len` floats) holds the
//! labels of one sample at a time, then either path's rows. Lengths and
//! labels come as integral f32 values, validated by the caller; anything
//! out of range makes the sample's loss NaN, never a panic.

use super::ctc_scaled::{self, Sample};
use crate::math::exp_f32;
use crate::simd::lanes::{for_each_step, Lane};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;

/// Floats of workspace for `steps` frames, targets of at most `max_target`
/// labels and `classes` classes: the labels, then the larger of the two
/// paths' needs (the scaled path's, always; ts/backend/backend.ts's
/// ctcWorkspaceLength computes the same).
pub fn workspace_len(steps: usize, max_target: usize, classes: usize) -> usize {
    let len = 2 * max_target + 1;
    let w = len + 4;
    w + log_space_len(steps, w, classes).max(ctc_scaled::workspace_len(steps, len, classes))
}

/// Floats of workspace for the log-space path (rows w = L + 4 wide).
fn log_space_len(steps: usize, w: usize, classes: usize) -> usize {
    3 * steps * w + w + classes
}

/// lse(a, b, c) = m + ln(e^{a−m} + e^{b−m} + e^{c−m}), m the maximum; −∞ if all are.
#[inline(always)]
fn lse3<L: Lane>(a: L, b: L, c: L) -> L {
    let m = a.max(b).max(c);
    // Every exponent is ≤ 0 after the max shift (−∞ − m = −∞ gives 0; NaN passes).
    let s = a.sub(m).exp_neg().add(b.sub(m).exp_neg()).add(c.sub(m).exp_neg());
    let ninf = L::splat(f32::NEG_INFINITY);
    L::select(m.eq(ninf), ninf, m.add(s.ln()))
}

/// One time step of α (reads s, s−1, s−2 of `prev`) or β (backward: s, s+1,
/// s+2): out[2 + s] = lse(...) + emit[s] for s < len, four states at a time
/// on wasm, then one by one.
#[inline(always)]
fn row(prev: &[f32], out: &mut [f32], skip: &[f32], emit: &[f32], len: usize, backward: bool) {
    if prev.len() < len + 4 || out.len() < len + 4 || skip.len() < len + 2 || emit.len() < len {
        return;
    }
    #[inline(always)]
    fn step<L: Lane>(prev: &[f32], out: &mut [f32], skip: &[f32], emit: &[f32], s: usize, backward: bool) {
        // SAFETY (every load and store): s + lanes ≤ len, and the lengths were
        // checked above: 2 + s ± 2 + lanes ≤ len + 4, skip's s + 2 + lanes ≤ len + 2.
        unsafe {
            let a = L::load(prev, 2 + s, 1);
            let (b, c) = if backward {
                (L::load(prev, 3 + s, 1), L::load(prev, 4 + s, 1).add(L::load(skip, s + 2, 1)))
            } else {
                (L::load(prev, 1 + s, 1), L::load(prev, s, 1).add(L::load(skip, s, 1)))
            };
            L::store(out, 2 + s, 1, lse3(a, b, c).add(L::load(emit, s, 1)));
        }
    }
    let mut s = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    while s + 4 <= len {
        step::<Four<true>>(prev, out, skip, emit, s, backward);
        s += 4;
    }
    while s < len {
        step::<f32>(prev, out, skip, emit, s, backward);
        s += 1;
    }
}

/// Losses into `loss_out` (batch), unscaled gradients into `grad_out`
/// (steps·batch·classes, zero after each sample's input length) if given.
#[allow(clippy::too_many_arguments)]
pub fn ctc_fwd_bwd(
    log_probs: &[f32],
    targets: &[f32],
    target_offsets: &[f32],
    input_lengths: &[f32],
    target_lengths: &[f32],
    steps: usize,
    batch: usize,
    classes: usize,
    blank: usize,
    zero_infinity: bool,
    loss_out: &mut [f32],
    mut grad_out: Option<&mut [f32]>,
    workspace: &mut [f32],
) {
    if let Some(g) = grad_out.as_deref_mut() {
        g.fill(0.0);
    }
    for n in 0..batch {
        let (Some(&tn), Some(&tl), Some(&off), Some(lo)) =
            (input_lengths.get(n), target_lengths.get(n), target_offsets.get(n), loss_out.get_mut(n))
        else {
            return;
        };
        let (tn, tl, off) = (tn as usize, tl as usize, off as usize);
        let len = 2 * tl + 1;
        if tn > steps || blank >= classes || workspace.len() < workspace_len(tn, tl, classes) {
            *lo = f32::NAN;
            continue;
        }
        let (labels, rest) = workspace.split_at_mut(len + 4);
        // Labels (stored as f32 indices); an invalid label makes the loss NaN.
        let mut valid = true;
        for (s, d) in labels.iter_mut().take(len).enumerate() {
            let l = if s % 2 == 0 { blank } else { targets.get(off + s / 2).map_or(usize::MAX, |&v| v as usize) };
            valid &= l < classes;
            *d = l.min(classes.saturating_sub(1)) as f32;
        }
        if !valid {
            *lo = f32::NAN;
            continue;
        }
        let sample = Sample { log_probs, n, batch, classes, steps: tn, labels: &labels[..len] };
        // One scale per frame for short inputs, per block of 8 states where that is not enough.
        let scaled = if tn < ctc_scaled::ONE_BLOCK_FRAMES {
            ctc_scaled::run(&sample, grad_out.as_deref_mut(), rest, ctc_scaled::ONE_BLOCK)
        } else {
            None
        }
        .or_else(|| ctc_scaled::run(&sample, grad_out.as_deref_mut(), rest, ctc_scaled::SMALL_BLOCKS));
        if let Some(nll) = scaled {
            *lo = nll;
            continue;
        }
        // Linear space was not exact enough: clear what it wrote, redo in log space.
        if let Some(g) = grad_out.as_deref_mut() {
            for t in 0..tn {
                let o = (t * batch + n) * classes;
                if let Some(row) = g.get_mut(o..o + classes) {
                    row.fill(0.0);
                }
            }
        }
        *lo = log_space(&sample, zero_infinity, grad_out.as_deref_mut(), rest);
    }
}

/// One sample in log space: its loss (0 for an infinite one with
/// `zero_infinity`), its gradient rows into `grad` if given.
fn log_space(s: &Sample, zero_infinity: bool, mut grad_out: Option<&mut [f32]>, workspace: &mut [f32]) -> f32 {
    let ninf = f32::NEG_INFINITY;
    let (tn, len, classes) = (s.steps, s.labels.len(), s.classes);
    let w = len + 4;
    if workspace.len() < log_space_len(tn, w, classes) {
        return f32::NAN;
    }
    let labf = s.labels;
    let (alpha, rest) = workspace.split_at_mut(tn * w);
    let (beta, rest) = rest.split_at_mut(tn * w);
    let (emit, rest) = rest.split_at_mut(tn * w);
    let (skip, occ) = rest.split_at_mut(w);
    for (b, k) in skip.iter_mut().enumerate() {
        let ok = b > 1 && b < len && b % 2 == 1 && labf[b] != labf[b - 2];
        *k = if ok { 0.0 } else { ninf };
    }
    let frame = |t: usize| (t * s.batch + s.n) * classes;
    // Each frame's emissions lp_t(l'_s), gathered once for α, β and the gradient.
    for t in 0..tn {
        let lp = s.frame(t);
        for (e, &l) in emit[t * w..(t + 1) * w].iter_mut().zip(labf.iter()).take(len) {
            *e = lp.get(l as usize).copied().unwrap_or(f32::NAN);
        }
    }
    let tl = len / 2;
    let nll = if tn == 0 {
        if tl == 0 { 0.0 } else { f32::INFINITY }
    } else {
        alpha.fill(ninf);
        for t in 0..tn {
            let lp = s.frame(t);
            if lp.len() < classes {
                break;
            }
            if t == 0 {
                alpha[2] = emit[0];
                if len > 1 {
                    alpha[3] = emit[1];
                }
                continue;
            }
            let (done, cur) = alpha.split_at_mut(t * w);
            row(&done[(t - 1) * w..], &mut cur[..w], skip, &emit[t * w..(t + 1) * w], len, false);
        }
        let last = &alpha[(tn - 1) * w..tn * w];
        let a = last[2 + len - 1];
        let b = if len > 1 { last[2 + len - 2] } else { ninf };
        -lse3(a, b, ninf)
    };
    let infinite = nll == f32::INFINITY;
    let loss = if infinite && zero_infinity { 0.0 } else { nll };
    let Some(grad) = grad_out.as_deref_mut() else { return loss };
    if tn == 0 || (infinite && zero_infinity) {
        return loss;
    }
    if !nll.is_finite() {
        // No alignment (or NaN input): PyTorch's e^{lp} − e^{lcab + ℓ − lp} is NaN in every
        // column, the classes without a state included (−∞ + ∞).
        for t in 0..tn {
            if let Some(g) = grad.get_mut(frame(t)..frame(t) + classes) {
                g.fill(f32::NAN);
            }
        }
        return loss;
    }
    beta.fill(ninf);
    for t in (0..tn).rev() {
        if t == tn - 1 {
            let r = t * w;
            beta[r + 2 + len - 1] = emit[r + len - 1];
            if len > 1 {
                beta[r + 2 + len - 2] = emit[r + len - 2];
            }
            continue;
        }
        let (cur, done) = beta.split_at_mut((t + 1) * w);
        row(&done[..w], &mut cur[t * w..], skip, &emit[t * w..(t + 1) * w], len, true);
    }
    // Occupancies per class, then e^{lp} − occupancy.
    occ.iter_mut().take(classes).for_each(|o| *o = 0.0);
    for t in 0..tn {
        let Some(g) = grad.get_mut(frame(t)..frame(t) + classes) else { break };
        // Each state's occupancy e^{α + β − lp + ℓ}, written over α's row (no longer needed).
        let r = t * w;
        let (a_row, b_row, e_row) = (&mut alpha[r..r + w], &beta[r..r + w], &emit[r..r + w]);
        for_each_step(len, |s, four| {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            if four {
                return occupancy::<Four<true>>(a_row, b_row, e_row, nll, s);
            }
            let _ = four;
            occupancy::<f32>(a_row, b_row, e_row, nll, s);
        });
        for (&l, &o) in labf.iter().zip(&a_row[2..]).take(len) {
            if let Some(d) = occ.get_mut(l as usize) {
                *d += o;
            }
        }
        emission_grads(s.frame(t), occ, g);
        for &l in labf {
            if let Some(d) = occ.get_mut(l as usize) {
                *d = 0.0;
            }
        }
    }
    loss
}

/// g[c] = e^{lp[c]} − occ[c] over a frame's classes.
pub(super) fn emission_grads(lp: &[f32], occ: &[f32], g: &mut [f32]) {
    for_each_step(g.len(), |c, four| {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        if four {
            return emission_grad::<Four<true>>(lp, occ, g, c);
        }
        let _ = four;
        emission_grad::<f32>(lp, occ, g, c);
    });
}

/// a[2 + s] = e^{a[2 + s] + b[2 + s] − e[s] + nll} for the lanes at s; the
/// caller's s + lanes ≤ len, rows of len + 4 (α, β) and ≥ len (emissions).
#[inline(always)]
fn occupancy<L: Lane>(a: &mut [f32], b: &[f32], e: &[f32], nll: f32, s: usize) {
    // The lanes end at s + 4 at most; one check keeps the unsafe loads in bounds.
    if s + 6 > a.len().min(b.len()) || s + 4 > e.len() {
        return occupancy_scalar(a, b, e, nll, s);
    }
    // SAFETY: 2 + s + 4 ≤ a.len(), b.len() and s + 4 ≤ e.len() (checked above).
    unsafe {
        let v = L::load(a, 2 + s, 1).add(L::load(b, 2 + s, 1)).sub(L::load(e, s, 1)).add(L::splat(nll));
        L::store(a, 2 + s, 1, v.exp());
    }
}

/// One state of `occupancy`, with checked indexing (the end of a short row).
fn occupancy_scalar(a: &mut [f32], b: &[f32], e: &[f32], nll: f32, s: usize) {
    if let (Some(x), Some(&y), Some(&z)) = (a.get_mut(2 + s), b.get(2 + s), e.get(s)) {
        *x = exp_f32(*x + y - z + nll);
    }
}

/// g[c] = e^{lp[c]} − occ[c] for the lanes at c (the caller's c + lanes ≤ classes).
#[inline(always)]
fn emission_grad<L: Lane>(lp: &[f32], occ: &[f32], g: &mut [f32], c: usize) {
    if c + 4 > lp.len().min(occ.len()).min(g.len()) {
        if let (Some(d), Some(&x), Some(&o)) = (g.get_mut(c), lp.get(c), occ.get(c)) {
            *d = exp_f32(x) - o;
        }
        return;
    }
    // SAFETY: c + 4 ≤ every length (checked above).
    unsafe { L::store(g, c, 1, L::load(lp, c, 1).exp().sub(L::load(occ, c, 1))) }
}
