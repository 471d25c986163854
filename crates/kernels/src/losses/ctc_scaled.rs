//! CTC's recursions in linear space with a scale per frame (Rabiner's
//! scaling), in f64: the fast path of ctc_loss.rs. Where log space takes
//! three exps and a log per state and frame, this takes one exp per
//! emission, then adds and multiplies (two states per f64x2 on wasm).
//!
//! With y_t(s) = e^{lp_t(l'_s) − m_t}, m_t the frame's largest label
//! log-probability, rows are kept scaled:
//!   A_0(s) = y_0(s) for s ∈ {0, 1}
//!   A_t(s) = (A_{t−1}(s) + A_{t−1}(s−1) + skip(s)·A_{t−1}(s−2)) · y_t(s) / c_{t−1},  c_t = Σ_s A_t(s)
//! so α_t = A_t · e^{Σ_{τ≤t} m_τ} · Π_{τ<t} c_τ and
//!   loss = −(Σ_t m_t + Σ_{t<T−1} ln c_t + ln(A_{T−1}(L−1) + A_{T−1}(L−2))).
//! Backward, B'_t(s) = B_{t+1}(s) + B_{t+1}(s+1) + skip(s+2)·B_{t+1}(s+2)
//! (β without frame t's emission) and B_t = B'_t · y_t / d_{t+1}; a state's
//! occupancy is A_t(s)·B'_t(s) normalised over s (Σ_s α_t β_t / y_t = P at
//! every frame), which is PyTorch's e^{α + β − lp + loss}; the gradient is
//! e^{lp} − Σ_{s: l'_s = c} occupancy, as in ctc_loss.rs.
//!
//! Only the band of states that is both reachable from the start and can
//! still reach the end is computed (s ∈ [L − 2(T − t), 2t + 2)); the two
//! cells either side of it are zeroed, so the next frame reads zeros there.
//!
//! When is linear space exact enough? Every computed value is either exactly
//! 0 (no path: an impossible emission, no predecessor) or at least
//! TINY = 2⁻⁵⁰⁰ (a product of such values, emissions ≥ e^{−346} and scales ≥ ⅓
//! stays a normal f64), so nothing underflows and every path is kept with
//! f64's relative precision. A state falling into (0, TINY) — a path 2⁵⁰⁰
//! times less likely than the frame's total, which log space would keep
//! and which a later frame could favour — or an emission below e^{−346}
//! relative to its frame, a non-finite value, or no alignment at all, make
//! `run` return None, and the caller redoes the sample in log space.

use crate::math::{exp_neg_f32, ln_f32};

/// Nonzero values below this make the sample fall back to log space.
const TINY: f64 = f64::from_bits((1023 - 500) << 52);
/// Below this, exp_neg_f32 would return a subnormal f32 (fewer bits).
const EXP_NORMAL_LO: f32 = -87.0;
/// Below this (e^{−346} ≈ 2^{−499}), an emission is treated as tiny.
const EMISSION_LO: f64 = -346.0;

/// Floats (f32) of workspace for one sample of `steps` frames and `len`
/// extended labels over `classes` classes (ctc_loss.rs reserves at least this).
pub fn workspace_len(steps: usize, len: usize, classes: usize) -> usize {
    let w = len + 4;
    w + classes + 1 + 2 * (2 * steps * w + 4 * w)
}

/// The sample: log-probabilities (steps, batch, classes), its batch index,
/// input length, and extended labels l'_s (class indices as f32, each < classes).
pub struct Sample<'a> {
    pub log_probs: &'a [f32],
    pub n: usize,
    pub batch: usize,
    pub classes: usize,
    pub steps: usize,
    pub labels: &'a [f32],
}

impl Sample<'_> {
    /// Frame t's log-probabilities (empty if out of bounds).
    pub fn frame(&self, t: usize) -> &[f32] {
        let o = (t * self.batch + self.n) * self.classes;
        self.log_probs.get(o..o + self.classes).unwrap_or(&[])
    }

    /// The states computed at frame t: [lo, hi).
    fn band(&self, t: usize) -> (usize, usize) {
        let len = self.labels.len();
        (len.saturating_sub(2 * (self.steps - t)), len.min(2 * t + 2))
    }
}

/// The sample's loss, and its unscaled gradient into `grad` (steps·batch·
/// classes, only this sample's frames < steps written) if given; None when
/// linear space is not exact enough (see the header): nothing useful was
/// written then.
pub fn run(s: &Sample, grad: Option<&mut [f32]>, ws: &mut [f32]) -> Option<f32> {
    let (len, tn, classes) = (s.labels.len(), s.steps, s.classes);
    let w = len + 4;
    if tn == 0 || len == 0 || ws.len() < workspace_len(tn, len, classes) {
        return None;
    }
    let (emit, rest) = ws.split_at_mut(w);
    let (occ, rest) = rest.split_at_mut(classes);
    // SAFETY: every bit pattern is a valid f64; align_to_mut only reinterprets.
    let (_, f, _) = unsafe { rest.align_to_mut::<f64>() };
    if f.len() < 2 * tn * w + 4 * w {
        return None;
    }
    let (alpha, f) = f.split_at_mut(tn * w);
    let (ys, f) = f.split_at_mut(tn * w);
    let (bh, f) = f.split_at_mut(2 * w);
    let (prod, skip) = f.split_at_mut(w);
    let skip = &mut skip[..w];

    // skip[2 + s]: all ones where state s may be entered from s − 2.
    let ones = f64::from_bits(u64::MAX);
    for (b, k) in skip.iter_mut().enumerate() {
        let ok = b >= 4 && b < len + 2 && (b - 2) % 2 == 1 && s.labels[b - 2] != s.labels[b - 4];
        *k = if ok { ones } else { 0.0 };
    }

    // Emissions, scaled per frame; Σ m_t.
    let mut shift = 0.0f64;
    for t in 0..tn {
        let lp = s.frame(t);
        for (e, &l) in emit.iter_mut().zip(s.labels) {
            *e = lp.get(l as usize).copied().unwrap_or(f32::NAN);
        }
        let m = emit[..len].iter().fold(f32::NEG_INFINITY, |m, &e| if e > m { e } else { m });
        if !(m > f32::NEG_INFINITY && m < f32::INFINITY) {
            return None;
        }
        shift += m as f64;
        if !emissions(&emit[..len], m, &mut ys[t * w..(t + 1) * w]) {
            return None;
        }
    }

    // α, with ln Π c_t kept as mantissa and exponent.
    let mut scale = LogProduct::new();
    let mut c = 0.0;
    for t in 0..tn {
        let (lo, hi) = s.band(t);
        let (done, cur) = alpha.split_at_mut(t * w);
        let cur = &mut cur[..w];
        let y = &ys[t * w..(t + 1) * w];
        let (sum, bad, _) = if t == 0 {
            // A virtual row before frame 0 that enters states 0 and 1: prev[2] = 1.
            prod.fill(0.0);
            prod[2] = 1.0;
            row::<false>(prod, cur, y, skip, &[], &mut [], lo, hi, 1.0)
        } else {
            scale.mul(c);
            row::<false>(&done[(t - 1) * w..], cur, y, skip, &[], &mut [], lo, hi, 1.0 / c)
        };
        if bad || !(sum > 0.0 && sum < f64::INFINITY) {
            return None;
        }
        c = sum;
    }
    let last = &alpha[(tn - 1) * w..tn * w];
    let end = last[2 + len - 1] + if len > 1 { last[2 + len - 2] } else { 0.0 };
    if !(end > 0.0 && end < f64::INFINITY) {
        return None;
    }
    scale.mul(end);
    let nll = -(shift + scale.ln());
    let Some(grad) = grad else { return Some(nll as f32) };

    // β from the end, two rows alternating; each frame's gradient as soon as
    // its occupancies are known.
    occ.fill(0.0);
    let (row0, row1) = bh.split_at_mut(w);
    // A virtual row after the last frame that leaves states L − 1 and L − 2: next[2 + L − 1] = 1.
    row1.fill(0.0);
    row1[2 + len - 1] = 1.0;
    let mut d = 1.0;
    for t in (0..tn).rev() {
        let (lo, hi) = s.band(t);
        let (next, cur) = if (tn - 1 - t) % 2 == 0 { (&*row1, &mut *row0) } else { (&*row0, &mut *row1) };
        let (a_row, y) = (&alpha[t * w..(t + 1) * w], &ys[t * w..(t + 1) * w]);
        let (sum, bad, g) = row::<true>(next, cur, y, skip, a_row, prod, lo, hi, 1.0 / d);
        if bad || !(sum > 0.0 && sum < f64::INFINITY) || !(g > 0.0 && g < f64::INFINITY) {
            return None;
        }
        d = sum;
        let inv_g = 1.0 / g;
        for (&l, &p) in s.labels[lo..hi].iter().zip(&prod[2 + lo..2 + hi]) {
            if let Some(o) = occ.get_mut(l as usize) {
                *o += (p * inv_g) as f32;
            }
        }
        let o = (t * s.batch + s.n) * classes;
        let Some(g_row) = grad.get_mut(o..o + classes) else { return None };
        super::ctc_loss::emission_grads(s.frame(t), occ, g_row);
        for &l in &s.labels[lo..hi] {
            if let Some(o) = occ.get_mut(l as usize) {
                *o = 0.0;
            }
        }
    }
    Some(nll as f32)
}

/// y[i] = e^{e[i] − m} (e ≤ m), as f64; false if a finite one is below
/// e^{EMISSION_LO}. Four at a time through the f32 exp where every lane is
/// ≥ e^{−87} (a normal f32), lanes below that one by one.
fn emissions(e: &[f32], m: f32, y: &mut [f64]) -> bool {
    let n = e.len();
    if y.len() < n + 3 {
        return false;
    }
    let mut i = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use crate::simd::{lanes::load_at, v};
        let (mv, lo) = (f32x4_splat(m), f32x4_splat(EXP_NORMAL_LO));
        while i + 4 <= n {
            // SAFETY: i + 4 ≤ n = e.len() ≤ y.len() − 3 … the f64 stores end at i + 4 ≤ y.len().
            unsafe {
                let d = f32x4_sub(load_at(e, i), mv);
                if v128_any_true(f32x4_lt(d, lo)) {
                    for j in i..i + 4 {
                        match emission(e[j] - m) {
                            Some(v) => y[j] = v,
                            None => return false,
                        }
                    }
                } else {
                    let x = v::exp_neg(d);
                    let p = y.as_mut_ptr().add(i) as *mut v128;
                    v128_store(p, f64x2_promote_low_f32x4(x));
                    v128_store(p.add(1), f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(x, x)));
                }
            }
            i += 4;
        }
    }
    while i < n {
        match emission(e[i] - m) {
            Some(v) => y[i] = v,
            None => return false,
        }
        i += 1;
    }
    true
}

/// e^d for d ≤ 0 as f64 (0 for −∞, NaN for NaN); None below e^{EMISSION_LO}.
fn emission(d: f32) -> Option<f64> {
    if d >= EXP_NORMAL_LO || d != d {
        return Some(exp_neg_f32(d) as f64);
    }
    if d == f32::NEG_INFINITY {
        return Some(0.0);
    }
    let mut r = d as f64;
    if r < EMISSION_LO {
        return None;
    }
    // e^d = e^{d + k·64 ln2} · 2^{−64k}, the first factor a normal f32 exp.
    let mut scale = 1.0f64;
    while r < EXP_NORMAL_LO as f64 {
        r += 64.0 * core::f64::consts::LN_2;
        scale *= f64::from_bits((1023 - 64) << 52);
    }
    Some(exp_neg_f32(r as f32) as f64 * scale)
}

/// ln of a product of positive normal f64s, without overflow: the mantissa
/// in [1, 2) and the power of two apart.
struct LogProduct {
    mantissa: f64,
    exponent: i64,
}

impl LogProduct {
    fn new() -> Self {
        LogProduct { mantissa: 1.0, exponent: 0 }
    }

    fn mul(&mut self, x: f64) {
        let bits = (self.mantissa * x).to_bits();
        self.exponent += ((bits >> 52) & 0x7ff) as i64 - 1023;
        self.mantissa = f64::from_bits((bits & ((1 << 52) - 1)) | (1023 << 52));
    }

    fn ln(&self) -> f64 {
        ln_f32(self.mantissa as f32) as f64 + self.exponent as f64 * core::f64::consts::LN_2
    }
}

/// One frame of α (BACKWARD = false): out[2 + s] = (src[2+s] + src[1+s] +
/// skip[2+s]·src[s]) · y[s] · r, or of β: with B' = src[2+s] + src[3+s] +
/// skip[4+s]·src[4+s], out[2 + s] = B'·y[s]·r and prod[2 + s] = alpha[2 + s]·B',
/// for s in [lo, hi), zeros in the two cells either side. Returns (Σ out,
/// a value fell into (0, TINY), Σ prod). Rows are w = len + 4 wide, state s
/// at 2 + s; alpha and prod are only read or written backward.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn row<const BACKWARD: bool>(
    src: &[f64],
    out: &mut [f64],
    y: &[f64],
    skip: &[f64],
    alpha: &[f64],
    prod: &mut [f64],
    lo: usize,
    hi: usize,
    r: f64,
) -> (f64, bool, f64) {
    let w = out.len();
    if lo > hi || hi + 4 > w || src.len() < w || skip.len() < w || y.len() < hi || (BACKWARD && (alpha.len() < w || prod.len() < w))
    {
        return (f64::NAN, true, f64::NAN);
    }
    out[lo] = 0.0;
    out[lo + 1] = 0.0;
    out[hi + 2] = 0.0;
    out[hi + 3] = 0.0;
    let mut acc = Acc::<f64>::new();
    let mut s = lo;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let mut acc2 = Acc::<Two>::new();
        let rv = Two::splat(r);
        while s + 2 <= hi {
            // SAFETY: s + 2 ≤ hi and hi + 4 ≤ w ≤ every row's length (checked above).
            unsafe { state::<Two, BACKWARD>(src, out, y, skip, alpha, prod, s, rv, &mut acc2) };
            s += 2;
        }
        acc.out += acc2.out.sum();
        acc.prod += acc2.prod.sum();
        acc.bad = acc.bad.or(f64::from_bits(if acc2.bad.any() { u64::MAX } else { 0 }));
    }
    while s < hi {
        // SAFETY: s < hi, hi + 4 ≤ w ≤ every row's length (checked above).
        unsafe { state::<f64, BACKWARD>(src, out, y, skip, alpha, prod, s, r, &mut acc) };
        s += 1;
    }
    (acc.out.sum(), acc.bad.any(), acc.prod.sum())
}

/// Running sums of a row and its guard.
struct Acc<L> {
    out: L,
    prod: L,
    bad: L,
}

impl<L: Lanes64> Acc<L> {
    fn new() -> Self {
        Acc { out: L::splat(0.0), prod: L::splat(0.0), bad: L::splat(0.0) }
    }
}

/// The lanes at state s of `row`.
///
/// # Safety
/// s + lanes ≤ hi with hi + 4 ≤ every row's length (out, src, skip, and
/// alpha, prod when BACKWARD), y's length ≥ hi.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn state<L: Lanes64, const BACKWARD: bool>(
    src: &[f64],
    out: &mut [f64],
    y: &[f64],
    skip: &[f64],
    alpha: &[f64],
    prod: &mut [f64],
    s: usize,
    r: L,
    acc: &mut Acc<L>,
) {
    // SAFETY: every index below is < s + lanes + 4 ≤ hi + 4 (the caller's contract).
    unsafe {
        let b = 2 + s;
        let combo = if BACKWARD {
            L::load(src, b).add(L::load(src, b + 1)).add(L::load(src, b + 2).and(L::load(skip, b + 2)))
        } else {
            L::load(src, b).add(L::load(src, b - 1)).add(L::load(src, b - 2).and(L::load(skip, b)))
        };
        let v = combo.mul(L::load(y, s)).mul(r);
        L::store(out, b, v);
        acc.out = acc.out.add(v);
        acc.bad = acc.bad.or(v.tiny());
        if BACKWARD {
            let p = L::load(alpha, b).mul(combo);
            L::store(prod, b, p);
            acc.prod = acc.prod.add(p);
        }
    }
}

/// One f64, or two lanes of a v128 (`Two`).
trait Lanes64: Copy {
    fn splat(x: f64) -> Self;
    /// # Safety
    /// i + lanes ≤ x.len().
    unsafe fn load(x: &[f64], i: usize) -> Self;
    /// # Safety
    /// i + lanes ≤ x.len().
    unsafe fn store(x: &mut [f64], i: usize, v: Self);
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    /// Bitwise and (a skip mask of all ones or zeros).
    fn and(self, m: Self) -> Self;
    fn or(self, m: Self) -> Self;
    /// All ones where 0 < self < TINY, else 0.
    fn tiny(self) -> Self;
    fn sum(self) -> f64;
    /// Any bit set.
    fn any(self) -> bool;
}

impl Lanes64 for f64 {
    fn splat(x: f64) -> Self {
        x
    }
    unsafe fn load(x: &[f64], i: usize) -> Self {
        // SAFETY: the caller's contract.
        unsafe { *x.get_unchecked(i) }
    }
    unsafe fn store(x: &mut [f64], i: usize, v: Self) {
        // SAFETY: the caller's contract.
        unsafe { *x.get_unchecked_mut(i) = v }
    }
    fn add(self, o: Self) -> Self {
        self + o
    }
    fn mul(self, o: Self) -> Self {
        self * o
    }
    fn and(self, m: Self) -> Self {
        f64::from_bits(self.to_bits() & m.to_bits())
    }
    fn or(self, m: Self) -> Self {
        f64::from_bits(self.to_bits() | m.to_bits())
    }
    fn tiny(self) -> Self {
        f64::from_bits(if self > 0.0 && self < TINY { u64::MAX } else { 0 })
    }
    fn sum(self) -> f64 {
        self
    }
    fn any(self) -> bool {
        self.to_bits() != 0
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[derive(Clone, Copy)]
struct Two(v128);

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl Lanes64 for Two {
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Two(f64x2_splat(x))
    }
    #[inline(always)]
    unsafe fn load(x: &[f64], i: usize) -> Self {
        // SAFETY: the caller's contract; v128_load reads unaligned.
        unsafe { Two(v128_load(x.as_ptr().add(i) as *const v128)) }
    }
    #[inline(always)]
    unsafe fn store(x: &mut [f64], i: usize, v: Self) {
        // SAFETY: the caller's contract; v128_store writes unaligned.
        unsafe { v128_store(x.as_mut_ptr().add(i) as *mut v128, v.0) }
    }
    #[inline(always)]
    fn add(self, o: Self) -> Self {
        Two(f64x2_add(self.0, o.0))
    }
    #[inline(always)]
    fn mul(self, o: Self) -> Self {
        Two(f64x2_mul(self.0, o.0))
    }
    #[inline(always)]
    fn and(self, m: Self) -> Self {
        Two(v128_and(self.0, m.0))
    }
    #[inline(always)]
    fn or(self, m: Self) -> Self {
        Two(v128_or(self.0, m.0))
    }
    #[inline(always)]
    fn tiny(self) -> Self {
        Two(v128_and(f64x2_gt(self.0, f64x2_splat(0.0)), f64x2_lt(self.0, f64x2_splat(TINY))))
    }
    #[inline(always)]
    fn sum(self) -> f64 {
        f64x2_extract_lane::<0>(self.0) + f64x2_extract_lane::<1>(self.0)
    }
    #[inline(always)]
    fn any(self) -> bool {
        v128_any_true(self.0)
    }
}
