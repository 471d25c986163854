//! CrossEntropyLoss kernel (PyTorch 1.13 semantics), fused forward + gradient.
//!
//! Logits are viewed as (n, C, inner): class c of sample (b, j) is at
//! (b·C + c)·inner + j; inner = d1·…·dk (1 for (N, C) and (C) input).
//! Per sample, with m = max_c x_c, S = Σ_c e^{x_c − m} and p_c = e^{x_c − m}/S:
//!   −log p_c = (m − x_c) + ln S
//! computed in that order: m − x_c is small and exact-ish, ln S ∈ [0, ln C];
//! ln S − (x_c − m) would lose ~3e-4 on rows of ±1e4 logits.
//!
//! Class-index targets t (ε = label smoothing, w the class weights, 1 when
//! absent, W = Σ_c w_c):
//!   loss = (1 − ε)·w_t·(−log p_t) + (ε/C)·Σ_c w_c·(−log p_c)
//!        = (1 − ε)·w_t·((m − x_t) + ln S) + (ε/C)·(Σ_c w_c (m − x_c) + W ln S)
//!   ∂loss/∂x_c = p_c·((1 − ε) w_t + (ε/C) W) − (ε/C) w_c − [c = t]·(1 − ε) w_t
//! A target equal to ignore_index gives loss 0 and gradient 0.
//! Probability targets y, q_c = (1 − ε)·y_c + ε/C, Q = Σ_c w_c q_c:
//!   loss = Σ_c w_c q_c (m − x_c) + Q·ln S,   ∂loss/∂x_c = p_c·Q − w_c q_c.
//! "mean" denominators (Σ w_t of non-ignored samples, or the sample count for
//! probability targets) are the caller's, through grad_scale.
//!
//! Passes per sample: max; then e^{x − m} (stored into grad_out, so the
//! gradient pass needs no second exp), S and the weighted sums; then
//! g_c = e_c·(coef·scale/S) − d_c. SIMD (wasm): for inner = 1 across classes
//! (4 at a time, scalar tail of the row); for inner > 1 across 4 adjacent
//! positions j (contiguous in memory), the class loop outside, the target
//! class picked by a lane mask, not a gather — the segmentation case
//! (8, 21, 64, 64). Max uses pmax, not f32x4_max (see simd.rs). Every
//! exponent is x − m ≤ 0: math's exp_neg, subnormal results kept (weights
//! and probability targets multiply e_c, so a flushed 1e-39 would lose a
//! gradient of 1e-36; the fuzzer's seed 5 case 266). The common case (class
//! indices, no weight, no smoothing, inner = 1) skips the bookkeeping:
//! softmax_row.rs's three plain passes with exp_neg_flush (there e_c is
//! only scaled down, so the flush errs < 1.2e-38; about 1.7× faster than the general
//! row on C = 1000), in blocks with a running max from C = 8192 on.
//! NaN logits make the sample's loss and gradient NaN; never a panic.
//! Without label smoothing, W and w_c (c ≠ t) take no part: a NaN or
//! infinite weight of a class no target uses (or a W that overflows f32)
//! leaves the other classes' values and gradients finite, as in PyTorch.
//! With smoothing and a non-finite weight, the smoothing sum is taken term
//! by term, Σ_c w_c·((m − x_c) + ln S) (scalar path): split as A + W·ln S it
//! would give ∞·0 = NaN where PyTorch's terms give ∞.
//!
//! Accuracy on long rows: S, A and Q are summed in f32 lanes over blocks
//! of BLOCK terms per lane, each block folded into f64 (the scalar path
//! sums in f64 directly): all terms are ≥ 0 (for non-negative weights and
//! targets), so the relative error of the sums stays ≤ BLOCK·2⁻²⁴ whatever
//! C is (C = 1e5 probability targets: f32 lanes alone gave 1.7e-5).

use super::class_rows::{class_index, class_weight};
use crate::math::{exp_neg_f32, ln_f32, pmax_f32};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use super::softmax_row;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{self, exp_neg, ln, load, pmax, select, splat, store};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4_add, f32x4_div, f32x4_eq, f32x4_mul, f32x4_sub, v128, v128_and, v128_andnot};

/// The per-call constants.
struct Ce<'a> {
    w: Option<&'a [f32]>,
    classes: usize,
    inner: usize,
    ignore: f32,
    /// 1 − ε, and ε/C.
    on_target: f32,
    smooth: f32,
    /// (ε/C)·W, W = Σ_c w_c; 0 without smoothing (a NaN or infinite W must
    /// not reach the gradient then: 0·∞ would be NaN).
    smooth_w: f32,
    prob: bool,
    scale: f32,
    /// Smoothing with a non-finite class weight: the scalar, term-by-term path.
    exact: bool,
}

/// The target of one sample: a class index (as stored, a float), or the
/// batch item's probability block (same layout as its logits).
#[derive(Clone, Copy)]
enum Tgt<'a> {
    Index(f32),
    Prob(&'a [f32]),
}

/// Per-sample sums of the second pass: S = Σ e^{x − m}, A = Σ w(m − x) (or
/// Σ wq(m − x) with probability targets), Q = Σ wq; in f64 (see the header).
#[derive(Default)]
struct Sums {
    s: f64,
    a: f64,
    q: f64,
}

/// Classes summed in f32 lanes before folding into f64 (see the header):
/// 16 per lane bounds the relative error of a block by 15·2⁻²⁴ ≈ 9e-7 (8
/// cost 16% of the speed of C = 1000 rows, 16 about 10%).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const BLOCK: usize = 16;

/// Per-sample results: g_c = e_c·coef − (w_c·ks + [c = t]·w_t·kt).
struct Finish {
    loss: f32,
    coef: f32,
    ks: f32,
    kt: f32,
    wt: f32,
    t: usize,
}

impl Finish {
    /// The subtracted term at a class other than the target: (ε/C)·w_c·scale,
    /// 0 without smoothing (whatever w_c, NaN included).
    #[inline(always)]
    fn other_sub(&self, wc: f32) -> f32 {
        if self.ks != 0.0 { wc * self.ks } else { 0.0 }
    }

    /// The subtracted term at the target class (w_c = w_t there).
    #[inline(always)]
    fn target_sub(&self, wc: f32) -> f32 {
        self.other_sub(wc) + self.wt * self.kt
    }
}

/// Column j of a (C, inner) block: the C classes of position j.
#[inline(always)]
fn col(s: &[f32], j: usize, inner: usize) -> impl Iterator<Item = &f32> {
    s.iter().skip(j).step_by(inner.max(1))
}

#[inline(always)]
fn next_or<'a>(it: &mut Option<impl Iterator<Item = &'a f32>>, default: f32) -> f32 {
    it.as_mut().and_then(|i| i.next()).map_or(default, |v| *v)
}

impl Ce<'_> {
    /// w_t for a class index stored as a float; NaN if it is no valid class.
    #[inline(always)]
    fn class(&self, x: &[f32], j: usize, t: f32) -> (f32, f32, usize) {
        let ti = class_index(t, self.classes).unwrap_or(usize::MAX);
        let xt = x.get(ti.wrapping_mul(self.inner).wrapping_add(j)).copied().unwrap_or(f32::NAN);
        // usize::MAX: NaN with class weights, 1 without (the loss is NaN through x_t anyway).
        (xt, class_weight(self.w, ti), ti)
    }

    /// One sample, scalar: classes at x[c·inner + j]; g is the batch item's
    /// gradient block. Returns the sample's loss.
    fn sample(&self, x: &[f32], j: usize, tgt: Tgt, mut g: Option<&mut [f32]>) -> f32 {
        let inner = self.inner;
        let step = inner.max(1);
        if let Tgt::Index(t) = tgt {
            if t == self.ignore {
                if let Some(g) = g {
                    g.iter_mut().skip(j).step_by(step).for_each(|d| *d = 0.0);
                }
                return 0.0;
            }
        }
        let m = col(x, j, inner).fold(f32::NEG_INFINITY, |m, &v| pmax_f32(m, v));
        let mut sums = Sums::default();
        let mut wi = self.w.map(|w| w.iter());
        let mut yi = self.prob_col(tgt, j);
        let mut gi = g.as_deref_mut().map(|g| g.iter_mut().skip(j).step_by(step));
        for &xv in col(x, j, inner) {
            let e = self.accumulate(xv, m, next_or(&mut wi, 1.0), &mut yi, &mut sums);
            if let Some(d) = gi.as_mut().and_then(|it| it.next()) {
                *d = e;
            }
        }
        let f = self.finish(x, j, tgt, m, sums);
        let Some(g) = g else { return f.loss };
        // Second walk over the column: e_c → scale·∂loss/∂x_c.
        let mut wi = self.w.map(|w| w.iter());
        let mut yi = self.prob_col(tgt, j);
        for (c, d) in g.iter_mut().skip(j).step_by(step).enumerate() {
            let wc = next_or(&mut wi, 1.0);
            let sub = if self.prob {
                self.prob_sub(wc, next_or(&mut yi, f32::NAN))
            } else if c == f.t {
                f.target_sub(wc)
            } else {
                f.other_sub(wc)
            };
            *d = *d * f.coef - sub;
        }
        f.loss
    }

    /// One class of the second pass, scalar: returns e = exp(x − m) and adds
    /// to the sums (y comes from `yi` with probability targets).
    #[inline(always)]
    fn accumulate<'b>(&self, xv: f32, m: f32, wc: f32, yi: &mut Option<impl Iterator<Item = &'b f32>>, sums: &mut Sums) -> f32 {
        let e = exp_neg_f32(xv - m);
        sums.s += e as f64;
        if self.prob {
            let wq = wc * (self.on_target * next_or(yi, f32::NAN) + self.smooth);
            sums.q += wq as f64;
            sums.a += (wq * (m - xv)) as f64;
        } else if self.smooth != 0.0 {
            sums.a += (wc * (m - xv)) as f64;
        }
        e
    }

    /// The sample's loss and gradient coefficients from its max m and the sums.
    #[inline(always)]
    fn finish(&self, x: &[f32], j: usize, tgt: Tgt, m: f32, sums: Sums) -> Finish {
        let Sums { s, a, q } = sums;
        let ln_s = ln_f32(s as f32);
        let (ks, kt) = (self.smooth * self.scale, self.on_target * self.scale);
        let s = s as f32;
        match tgt {
            Tgt::Prob(_) => {
                let loss = (a + q * ln_s as f64) as f32;
                Finish { loss, coef: q as f32 * self.scale / s, ks, kt, wt: 0.0, t: usize::MAX }
            }
            Tgt::Index(t) => {
                let (xt, wt, ti) = self.class(x, j, t);
                let mut loss = self.on_target * wt * ((m - xt) + ln_s);
                if self.exact {
                    let terms = col(x, j, self.inner).zip(self.w.unwrap_or(&[]));
                    loss += self.smooth * terms.map(|(&xv, &wc)| (wc * ((m - xv) + ln_s)) as f64).sum::<f64>() as f32;
                } else if self.smooth != 0.0 {
                    loss += self.smooth * a as f32 + self.smooth_w * ln_s;
                }
                let num = self.on_target * wt + self.smooth_w;
                Finish { loss, coef: num * self.scale / s, ks, kt, wt, t: ti }
            }
        }
    }

    /// scale · w_c q_c, the probability-target term of the gradient.
    #[inline(always)]
    fn prob_sub(&self, wc: f32, y: f32) -> f32 {
        wc * (self.on_target * y + self.smooth) * self.scale
    }

    #[inline(always)]
    fn prob_col<'b>(&self, tgt: Tgt<'b>, j: usize) -> Option<impl Iterator<Item = &'b f32>> {
        match tgt {
            Tgt::Prob(y) => Some(col(y, j, self.inner)),
            Tgt::Index(_) => None,
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn next4<'a>(it: &mut Option<impl Iterator<Item = &'a [f32; 4]>>, default: v128) -> v128 {
    it.as_mut().and_then(|i| i.next()).map_or(default, load)
}

/// Lanes j0..j0+4 of a row (NaN if out of range, which the caller excludes).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn lanes(row: &[f32], j0: usize) -> v128 {
    row.get(j0..j0 + 4).and_then(|s| <&[f32; 4]>::try_from(s).ok()).map_or(splat(f32::NAN), load)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn lanes_mut(row: &mut [f32], j0: usize) -> Option<&mut [f32; 4]> {
    row.get_mut(j0..j0 + 4).and_then(|s| <&mut [f32; 4]>::try_from(s).ok())
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Ce<'_> {
    /// inner = 1: one sample per row of C logits, 4 classes at a time.
    fn row(&self, x: &[f32], tgt: Tgt, mut g: Option<&mut [f32]>) -> f32 {
        if let Tgt::Index(t) = tgt {
            if t == self.ignore {
                if let Some(g) = g {
                    g.fill(0.0);
                }
                return 0.0;
            }
        }
        if !self.prob && self.w.is_none() && self.smooth == 0.0 {
            if x.len() >= softmax_row::LONG {
                if let Some(loss) = self.long_row(x, tgt, g.as_deref_mut()) {
                    return loss;
                }
            }
            return self.plain_row(x, tgt, g);
        }
        let (xc, xtail) = x.as_chunks::<4>();
        let mv = xc.iter().fold(splat(f32::NEG_INFINITY), |m, a| pmax(m, load(a)));
        let m = xtail.iter().fold(v::hmax(mv), |m, &v| pmax_f32(m, v));
        let (ms, zero) = (splat(m), splat(0.0));
        let (on, sm) = (splat(self.on_target), splat(self.smooth));
        let smoothing = self.smooth != 0.0;
        let (wc, wtail) = split_opt(self.w);
        let (yc, ytail) = split_opt(match tgt {
            Tgt::Prob(y) => Some(y),
            Tgt::Index(_) => None,
        });
        let (mut wi, mut yi) = (wc.map(|c| c.iter()), yc.map(|c| c.iter()));
        let (mut sv, mut av, mut qv) = (zero, zero, zero);
        let mut sums = Sums::default();
        {
            let mut gi = g.as_deref_mut().map(|g| g.as_chunks_mut::<4>().0.iter_mut());
            for block in xc.chunks(BLOCK) {
                for a in block {
                    let xv = load(a);
                    let wv = next4(&mut wi, splat(1.0));
                    let e = exp_neg(f32x4_sub(xv, ms));
                    sv = f32x4_add(sv, e);
                    if let Some(d) = gi.as_mut().and_then(|it| it.next()) {
                        store(d, e);
                    }
                    if self.prob {
                        let wq = f32x4_mul(wv, f32x4_add(f32x4_mul(on, next4(&mut yi, splat(f32::NAN))), sm));
                        qv = f32x4_add(qv, wq);
                        av = f32x4_add(av, f32x4_mul(wq, f32x4_sub(ms, xv)));
                    } else if smoothing {
                        av = f32x4_add(av, f32x4_mul(wv, f32x4_sub(ms, xv)));
                    }
                }
                sums.fold(&mut sv, &mut av, &mut qv, self.prob, smoothing);
            }
        }
        // The row's tail, scalar, continuing the same sums.
        let (mut wi, mut yi) = (wtail.map(|t| t.iter()), ytail.map(|t| t.iter()));
        {
            let mut gi = g.as_deref_mut().map(|g| g.as_chunks_mut::<4>().1.iter_mut());
            for &xv in xtail {
                let e = self.accumulate(xv, m, next_or(&mut wi, 1.0), &mut yi, &mut sums);
                if let Some(d) = gi.as_mut().and_then(|it| it.next()) {
                    *d = e;
                }
            }
        }
        let f = self.finish(x, 0, tgt, m, sums);
        let Some(g) = g else { return f.loss };
        let e_t = g.get(f.t).copied();
        let (coef, ks, scale) = (splat(f.coef), splat(f.ks), splat(self.scale));
        let (gc, gtail) = g.as_chunks_mut::<4>();
        let (mut wi, mut yi) = (wc.map(|c| c.iter()), yc.map(|c| c.iter()));
        for d in gc {
            let wv = next4(&mut wi, splat(1.0));
            let sub = if self.prob {
                let y = next4(&mut yi, splat(f32::NAN));
                f32x4_mul(f32x4_mul(wv, f32x4_add(f32x4_mul(on, y), sm)), scale)
            } else if smoothing {
                f32x4_mul(wv, ks)
            } else {
                zero
            };
            store(d, f32x4_sub(f32x4_mul(load(d), coef), sub));
        }
        let (mut wi, mut yi) = (wtail.map(|t| t.iter()), ytail.map(|t| t.iter()));
        for d in gtail {
            let wc = next_or(&mut wi, 1.0);
            let sub = if self.prob { self.prob_sub(wc, next_or(&mut yi, f32::NAN)) } else { f.other_sub(wc) };
            *d = *d * f.coef - sub;
        }
        // The target class: its term was left out above.
        if let (Some(e), Some(d)) = (e_t, g.get_mut(f.t)) {
            *d = e * f.coef - f.target_sub(f.wt);
        }
        f.loss
    }

    /// The common case (class index, no weight, no smoothing; see
    /// softmax_row.rs): max, exp-store-sum, scale, then the target class.
    /// The same values as `row` would give: w_t = 1, coef = scale/S.
    #[inline(always)]
    fn plain_row(&self, x: &[f32], tgt: Tgt, g: Option<&mut [f32]>) -> f32 {
        let Tgt::Index(t) = tgt else { return f32::NAN };
        let (xt, _, ti) = self.class(x, 0, t);
        let mut g = g;
        let m = softmax_row::row_max(x);
        let s = softmax_row::row_exp_sum(x, m, g.as_deref_mut()) as f32;
        let loss = (m - xt) + ln_f32(s);
        if let Some(g) = g {
            let coef = self.scale / s;
            let e_t = g.get(ti).copied();
            softmax_row::scale_row(g, coef);
            if let (Some(e), Some(d)) = (e_t, g.get_mut(ti)) {
                *d = e * coef - self.scale;
            }
        }
        loss
    }

    /// plain_row for C ≥ LONG: softmax_row::Blocked (None: redo it plainly).
    #[cold]
    #[inline(never)]
    fn long_row(&self, x: &[f32], tgt: Tgt, g: Option<&mut [f32]>) -> Option<f32> {
        let Tgt::Index(t) = tgt else { return None };
        let (xt, _, ti) = self.class(x, 0, t);
        let mut g = g;
        let b = softmax_row::blocked(x, g.as_deref_mut())?;
        if let Some(g) = g {
            let coef = self.scale / b.s;
            let e_t = g.get(ti).copied();
            b.scale(g, coef);
            if let (Some(e), Some(d)) = (e_t, g.get_mut(ti)) {
                *d = e * (coef * b.factor(ti)) - self.scale;
            }
        }
        Some((b.m - xt) + ln_f32(b.s))
    }

    /// inner > 1: adjacent positions 16 (then 4) at a time, classes in the
    /// outer loop; returns how many positions were done (the rest is the
    /// scalar tail). Class rows are `inner` apart — often a power of two, so
    /// they share cache sets: a tile of 16 uses each 64-byte line whole per
    /// visit instead of coming back to it four times.
    fn spatial(&self, x: &[f32], t: &[f32], mut lo: Option<&mut [f32]>, mut g: Option<&mut [f32]>, sum: &mut f64) -> usize {
        let inner = self.inner.max(1); // ≥ 1 already; tells the compiler so
        let mut j0 = 0;
        while j0 + 16 <= inner {
            *sum += self.tile::<4>(x, t, lo.as_deref_mut(), g.as_deref_mut(), j0);
            j0 += 16;
        }
        while j0 + 4 <= inner {
            *sum += self.tile::<1>(x, t, lo.as_deref_mut(), g.as_deref_mut(), j0);
            j0 += 4;
        }
        j0
    }

    /// Positions j0..j0 + 4L: the sample-wise quantities as L vectors of 4 lanes.
    #[inline(always)]
    fn tile<const L: usize>(&self, x: &[f32], t: &[f32], lo: Option<&mut [f32]>, g: Option<&mut [f32]>, j0: usize) -> f64 {
        let inner = self.inner.max(1);
        let (zero, one, nan) = (splat(0.0), splat(1.0), splat(f32::NAN));
        let (on, sm, scale) = (splat(self.on_target), splat(self.smooth), splat(self.scale));
        let smoothing = self.smooth != 0.0;
        let ju = |u: usize| j0 + 4 * u;
        let mut mv = [splat(f32::NEG_INFINITY); L];
        for row in x.chunks_exact(inner) {
            for u in 0..L {
                mv[u] = pmax(mv[u], lanes(row, ju(u)));
            }
        }
        let mut tv = [zero; L];
        let mut ign = [zero; L];
        if !self.prob {
            for u in 0..L {
                tv[u] = lanes(t, ju(u));
                ign[u] = f32x4_eq(tv[u], splat(self.ignore));
            }
        }
        let (mut sv, mut av, mut qv) = ([zero; L], [zero; L], [zero; L]);
        let (mut s64, mut a64, mut q64) = ([[0.0f64; 4]; L], [[0.0f64; 4]; L], [[0.0f64; 4]; L]);
        let mut xt = [nan; L];
        let mut wt = [if self.w.is_some() { nan } else { one }; L];
        let mut wi = self.w.map(|w| w.iter());
        let mut yrows = self.prob.then(|| t.chunks_exact(inner));
        let mut g = g;
        {
            let mut grows = g.as_deref_mut().map(|g| g.chunks_exact_mut(inner));
            for (c, row) in x.chunks_exact(inner).enumerate() {
                if c % BLOCK == 0 && c != 0 {
                    for u in 0..L {
                        fold_lanes(&mut s64[u], &mut sv[u]);
                        if self.prob || smoothing {
                            fold_lanes(&mut a64[u], &mut av[u]);
                        }
                        if self.prob {
                            fold_lanes(&mut q64[u], &mut qv[u]);
                        }
                    }
                }
                let wv = splat(next_or(&mut wi, 1.0));
                let cv = splat(c as f32);
                let mut grow = grows.as_mut().and_then(|it| it.next());
                let yrow = yrows.as_mut().and_then(|it| it.next());
                for u in 0..L {
                    let xv = lanes(row, ju(u));
                    let e = exp_neg(f32x4_sub(xv, mv[u]));
                    sv[u] = f32x4_add(sv[u], e);
                    if let Some(d) = grow.as_deref_mut().and_then(|r| lanes_mut(r, ju(u))) {
                        store(d, e);
                    }
                    if self.prob {
                        let y = yrow.map_or(nan, |r| lanes(r, ju(u)));
                        let wq = f32x4_mul(wv, f32x4_add(f32x4_mul(on, y), sm));
                        qv[u] = f32x4_add(qv[u], wq);
                        av[u] = f32x4_add(av[u], f32x4_mul(wq, f32x4_sub(mv[u], xv)));
                    } else {
                        let hit = f32x4_eq(tv[u], cv);
                        xt[u] = select(hit, xv, xt[u]);
                        wt[u] = select(hit, wv, wt[u]);
                        if smoothing {
                            av[u] = f32x4_add(av[u], f32x4_mul(wv, f32x4_sub(mv[u], xv)));
                        }
                    }
                }
            }
        }
        for u in 0..L {
            fold_lanes(&mut s64[u], &mut sv[u]);
            fold_lanes(&mut a64[u], &mut av[u]);
            fold_lanes(&mut q64[u], &mut qv[u]);
            (sv[u], av[u], qv[u]) = (narrow(&s64[u]), narrow(&a64[u]), narrow(&q64[u]));
        }
        let mut sum = 0.0;
        let mut coef = [zero; L];
        let mut lo = lo;
        for u in 0..L {
            let ln_s = ln(sv[u]);
            let (loss, num) = if self.prob {
                (f32x4_add(av[u], f32x4_mul(qv[u], ln_s)), qv[u])
            } else {
                let mut l = f32x4_mul(f32x4_mul(on, wt[u]), f32x4_add(f32x4_sub(mv[u], xt[u]), ln_s));
                if smoothing {
                    l = f32x4_add(l, f32x4_add(f32x4_mul(sm, av[u]), f32x4_mul(splat(self.smooth_w), ln_s)));
                }
                (v128_andnot(l, ign[u]), f32x4_add(f32x4_mul(on, wt[u]), splat(self.smooth_w)))
            };
            sum += v::hsum_f64(loss);
            if let Some(d) = lo.as_deref_mut().and_then(|l| lanes_mut(l, ju(u))) {
                store(d, loss);
            }
            coef[u] = f32x4_div(f32x4_mul(num, scale), sv[u]);
        }
        let Some(g) = g else { return sum };
        let ks = self.smooth * self.scale;
        let kt = splat(self.on_target * self.scale);
        let mut wi = self.w.map(|w| w.iter());
        let mut yrows = self.prob.then(|| t.chunks_exact(inner));
        for (c, grow) in g.chunks_exact_mut(inner).enumerate() {
            let wc = next_or(&mut wi, 1.0);
            let cv = splat(c as f32);
            let yrow = yrows.as_mut().and_then(|it| it.next());
            for u in 0..L {
                let sub = if self.prob {
                    let y = yrow.map_or(nan, |r| lanes(r, ju(u)));
                    f32x4_mul(f32x4_mul(splat(wc), f32x4_add(f32x4_mul(on, y), sm)), scale)
                } else {
                    let hit = f32x4_eq(tv[u], cv);
                    let other = if smoothing { splat(wc * ks) } else { zero };
                    f32x4_add(other, v128_and(hit, f32x4_mul(wt[u], kt)))
                };
                if let Some(d) = lanes_mut(grow, ju(u)) {
                    store(d, v128_andnot(f32x4_sub(f32x4_mul(load(d), coef[u]), sub), ign[u]));
                }
            }
        }
        sum
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn split_opt(s: Option<&[f32]>) -> (Option<&[[f32; 4]]>, Option<&[f32]>) {
    match s {
        Some(s) => {
            let (c, t) = s.as_chunks::<4>();
            (Some(c), Some(t))
        }
        None => (None, None),
    }
}

/// Adds the 4 lanes of `v` to `acc` (f64) and clears `v`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn fold_lanes(acc: &mut [f64; 4], v: &mut v128) {
    let mut l = [0.0f32; 4];
    store(&mut l, *v);
    for (a, x) in acc.iter_mut().zip(l) {
        *a += x as f64;
    }
    *v = splat(0.0);
}

/// The 4 f64 lanes rounded to f32.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn narrow(acc: &[f64; 4]) -> v128 {
    load(&acc.map(|x| x as f32))
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Sums {
    /// Adds the horizontal sums of the f32 lanes in use (A with probability
    /// targets or smoothing, Q with probability targets) and clears them.
    #[inline(always)]
    fn fold(&mut self, sv: &mut v128, av: &mut v128, qv: &mut v128, prob: bool, smoothing: bool) {
        self.s += v::hsum_f64(*sv);
        *sv = splat(0.0);
        if prob || smoothing {
            self.a += v::hsum_f64(*av);
            *av = splat(0.0);
        }
        if prob {
            self.q += v::hsum_f64(*qv);
            *qv = splat(0.0);
        }
    }
}

impl Ce<'_> {
    /// One batch item: logits x (C·inner), targets t (inner indices, or C·inner
    /// probabilities), loss lo (inner) and gradient g (C·inner) blocks.
    fn item(&self, x: &[f32], t: &[f32], mut lo: Option<&mut [f32]>, mut g: Option<&mut [f32]>) -> f64 {
        let mut sum = 0.0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let start = if self.exact {
            0
        } else {
            if self.inner == 1 {
                let l = self.row(x, self.target(t, 0), g);
                if let Some(d) = lo.and_then(|s| s.first_mut()) {
                    *d = l;
                }
                return l as f64;
            }
            self.spatial(x, t, lo.as_deref_mut(), g.as_deref_mut(), &mut sum)
        };
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let start = 0;
        for j in start..self.inner {
            let l = self.sample(x, j, self.target(t, j), g.as_deref_mut());
            if let Some(d) = lo.as_deref_mut().and_then(|s| s.get_mut(j)) {
                *d = l;
            }
            sum += l as f64;
        }
        sum
    }

    #[inline(always)]
    fn target<'b>(&self, t: &'b [f32], j: usize) -> Tgt<'b> {
        if self.prob { Tgt::Prob(t) } else { Tgt::Index(t.get(j).copied().unwrap_or(f32::NAN)) }
    }
}

/// Σ over samples of the cross-entropy loss (see the header); per-sample
/// losses (n·inner) into `loss_out`, grad_scale · ∂loss/∂logits into `grad_out`.
/// `weight` is absent or has `classes` entries.
#[allow(clippy::too_many_arguments)]
pub fn cross_entropy_fwd_bwd(
    logits: &[f32],
    target: &[f32],
    weight: Option<&[f32]>,
    n: usize,
    classes: usize,
    inner: usize,
    ignore_index: f32,
    label_smoothing: f32,
    prob_targets: bool,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    let (Some(block), Some(samples)) = (classes.checked_mul(inner), n.checked_mul(inner)) else {
        return f64::NAN;
    };
    let Some(total) = n.checked_mul(block) else { return f64::NAN };
    if samples == 0 {
        return 0.0;
    }
    if classes == 0 {
        // Every sample's loss is an empty sum (probability targets) or
        // ignored (class indices, checked in TypeScript): 0, as in PyTorch.
        if let Some(lo) = loss_out.and_then(|s| s.get_mut(..samples)) {
            lo.fill(0.0);
        }
        return 0.0;
    }
    let (Some(x), Some(t)) = (logits.get(..total), target.get(..if prob_targets { total } else { samples })) else {
        return f64::NAN;
    };
    let w = match weight {
        Some(w) => match w.get(..classes) {
            Some(w) => Some(w),
            None => return f64::NAN,
        },
        None => None,
    };
    let smooth = label_smoothing / classes as f32;
    let smooth_w = if smooth == 0.0 {
        0.0
    } else {
        smooth * match w {
            Some(w) => w.iter().map(|&v| v as f64).sum::<f64>() as f32,
            None => classes as f32,
        }
    };
    let exact = smooth != 0.0 && w.is_some_and(|w| w.iter().any(|v| !v.is_finite()));
    let ce = Ce {
        exact,
        w,
        classes,
        inner,
        ignore: ignore_index,
        on_target: 1.0 - label_smoothing,
        smooth,
        smooth_w,
        prob: prob_targets,
        scale: grad_scale,
    };
    // samples > 0 and classes > 0, so these are ≥ 1; max(1) lets the compiler see it.
    let (inner, block) = (inner.max(1), block.max(1));
    let tblock = if prob_targets { block } else { inner };
    let mut lo = loss_out.and_then(|s| s.get_mut(..samples)).map(|s| s.chunks_exact_mut(inner));
    let mut go = grad_out.and_then(|s| s.get_mut(..total)).map(|s| s.chunks_exact_mut(block));
    let mut sum = 0.0;
    for (xb, tb) in x.chunks_exact(block).zip(t.chunks_exact(tblock)) {
        let lb = lo.as_mut().and_then(|it| it.next());
        let gb = go.as_mut().and_then(|it| it.next());
        sum += ce.item(xb, tb, lb, gb);
    }
    sum
}
