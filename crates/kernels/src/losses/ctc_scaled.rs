//! CTC's recursions in linear space, in f64, with a power-of-two scale per
//! block of 8 states and frame: the fast path of ctc_loss.rs. Where log
//! space takes three exps and a log per state and frame, this takes one exp
//! per emission, then adds and multiplies (two states per f64x2 on wasm).
//!
//! With y_t(s) = e^{lp_t(l'_s) − m_t}, m_t the frame's largest label
//! log-probability, the rows hold A_t(s) = α_t(s) / (e^{Σ_{τ≤t} m_τ} · 2^{k_t(b)}),
//! b the block of s:
//!   A_t(s) = (A_{t−1}(s)·2^{k_{t−1}(b) − k_t(b)} + A_{t−1}(s−1)·… + skip(s)·A_{t−1}(s−2)·…) · y_t(s)
//! each read rescaled from its own block's exponent (only a block's first
//! two states read the block before). After each frame a block's exponent
//! follows its sum, but stays within 2⁴⁰⁰ below the block it is fed from,
//! so nothing it receives overflows. Then
//!   loss = −(Σ_t m_t + ln Σ_{s ∈ {L−2, L−1}} A_{T−1}(s)·2^{k_{T−1}(b_s)}).
//! Backward the same from the end with B'_t(s) = B_{t+1}(s) + B_{t+1}(s+1)
//! + skip(s+2)·B_{t+1}(s+2) (β without frame t's emission, rescaled the same
//! way, blocks fed from the one after) and B_t = B'_t · y_t; a state's
//! occupancy is A_t(s)·B'_t(s)·2^{k^α_t(b) + k^β_t(b)} normalised over s
//! (Σ_s α_t β_t / y_t = P at every frame), which is PyTorch's
//! e^{α + β − lp + loss}; the gradient is e^{lp} − Σ_{s: l'_s = c} occupancy,
//! as in ctc_loss.rs.
//!
//! Why blocks: one scale per frame (Rabiner's) is not enough for long
//! sequences — the states at the edges of the band are reached by far
//! fewer paths than the middle (≈ 3^−t), and drop below what an f64 holds
//! within a few hundred frames. Within 8 neighbouring states the range
//! stays small.
//!
//! Only the band of states that is both reachable from the start and can
//! still reach the end is computed (s ∈ [L − 2(T − t), 2t + 2)); the two
//! cells either side of it are zeroed, so the next frame reads zeros there.
//!
//! When is linear space exact enough? Every stored value is either exactly
//! 0 (no path: an impossible emission, no predecessor) or at least
//! TINY = 2⁻⁵⁰⁰ of its block's scale (so products of two stay normal
//! f64s), checked where each is made: nothing underflows and every path is
//! kept with f64's relative precision. A state falling below TINY with
//! nonzero inputs — a path 2⁵⁰⁰ times less likely than its neighbours,
//! which log space would keep and a later frame could favour — or an
//! emission below e^{−346} of its frame's best, a non-finite value, or no
//! alignment at all, make `run` return None, and the caller redoes the
//! sample in log space.

use crate::math::{exp_neg_f32, ln_f32};

/// Nonzero values below this make the sample fall back to log space.
const TINY: f64 = f64::from_bits((1023 - 500) << 52);
/// Below this, exp_neg_f32 would return a subnormal f32 (fewer bits).
const EXP_NORMAL_LO: f32 = -87.0;
/// Below this (e^{−346} ≈ 2^{−499}), an emission is treated as tiny.
const EMISSION_LO: f64 = -346.0;
/// log₂ of the states per block when one scale per frame is not enough
/// (8: even, so the f64x2 steps stay within a block or at its edge).
pub const SMALL_BLOCKS: u32 = 3;
/// log₂ of a block wider than any row: one scale per frame (Rabiner's), the
/// fastest, tried first on inputs shorter than ONE_BLOCK_FRAMES.
pub const ONE_BLOCK: u32 = 30;
/// From this many frames on, blocks of 8 states straight away: one scale
/// per frame fails there on ordinary inputs (measured on log-softmaxed
/// normal logits: fine at T = 300, S = 60; declined from T ≈ 500, S = 100,
/// after most of its work), and blocks cost ~15% more where it would not.
pub const ONE_BLOCK_FRAMES: usize = 256;
/// A block's exponent stays at most this far below the block feeding it.
const FEED_RANGE: f64 = 400.0;

/// Blocks of 2^shift states in a row of `len` (one more than needed when the size divides len).
fn blocks(len: usize, shift: u32) -> usize {
    (len >> shift) + 1
}

/// Floats (f32) of workspace for one sample of `steps` frames and `len`
/// extended labels over `classes` classes (ctc_loss.rs reserves at least this).
pub fn workspace_len(steps: usize, len: usize, classes: usize) -> usize {
    let (w, nb) = (len + 4, blocks(len, SMALL_BLOCKS));
    w + classes + 1 + 2 * (2 * steps * w + steps * nb + 4 * w + 6 * nb)
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

/// Per block: the exponent of the row being read (k), the factors that
/// rescale a read from the block itself (r) and from the block feeding it
/// (f) to the row being written, and that row's sums (of the values, and
/// backward of the occupancy products).
struct Scales<'a> {
    k: &'a mut [f64],
    next: &'a mut [f64],
    r: &'a mut [f64],
    f: &'a mut [f64],
    sum: &'a mut [f64],
    psum: &'a mut [f64],
}

impl<'a> Scales<'a> {
    fn new(ws: &'a mut [f64], nb: usize) -> Option<Self> {
        if ws.len() < 6 * nb {
            return None;
        }
        let (k, ws) = ws.split_at_mut(nb);
        let (next, ws) = ws.split_at_mut(nb);
        let (r, ws) = ws.split_at_mut(nb);
        let (f, ws) = ws.split_at_mut(nb);
        let (sum, psum) = ws.split_at_mut(nb);
        let s = Scales { k, next, r, f, sum, psum: &mut psum[..nb] };
        s.k.fill(0.0);
        s.r.fill(1.0);
        s.f.fill(1.0);
        Some(s)
    }

    /// After a row: each block's exponent from its sum, at most FEED_RANGE
    /// below the exponent of the block feeding it (the one before, or after
    /// when BACKWARD), so what it receives stays below 2^{FEED_RANGE + 1};
    /// the factors for the next row. False if a sum is not finite or all are 0.
    fn rescale<const BACKWARD: bool>(&mut self) -> bool {
        let nb = self.k.len();
        let mut any = false;
        let mut feed = f64::NEG_INFINITY;
        for i in 0..nb {
            let b = if BACKWARD { nb - 1 - i } else { i };
            let sum = self.sum[b];
            if !(sum >= 0.0 && sum < f64::INFINITY) {
                return false;
            }
            let own = if sum > 0.0 { self.k[b] + exponent(sum) } else { f64::NEG_INFINITY };
            any |= sum > 0.0;
            let e = own.max(feed - FEED_RANGE);
            self.next[b] = if e > f64::NEG_INFINITY { e } else { self.k[b] };
            feed = own;
        }
        for b in 0..nb {
            self.r[b] = pow2(self.k[b] - self.next[b]);
            let from = if BACKWARD { b + 1 } else { b.wrapping_sub(1) };
            self.f[b] = if from < nb { pow2(self.k[from] - self.next[b]) } else { 0.0 };
        }
        self.k.copy_from_slice(self.next);
        any
    }
}

/// The exponent of a positive normal f64 (⌊log₂ x⌋), as f64.
fn exponent(x: f64) -> f64 {
    (((x.to_bits() >> 52) & 0x7ff) as i64 - 1023) as f64
}

/// 2^d for an integral d, 0 below 2^−1022 (reads that small are negligible).
fn pow2(d: f64) -> f64 {
    if d < -1022.0 {
        0.0
    } else {
        f64::from_bits(((d.min(1023.0) as i64 + 1023) as u64) << 52)
    }
}

/// The sample's loss, and its unscaled gradient into `grad` (steps·batch·
/// classes, only this sample's frames < steps written) if given; None when
/// linear space is not exact enough (see the header): nothing useful was
/// written then. Blocks of 2^shift states (ONE_BLOCK or SMALL_BLOCKS; at
/// least 2, so the two-state steps stay within a block or at its edge).
pub fn run(s: &Sample, grad: Option<&mut [f32]>, ws: &mut [f32], shift: u32) -> Option<f32> {
    let (len, tn, classes) = (s.labels.len(), s.steps, s.classes);
    // (Blocks smaller than SMALL_BLOCKS' need more workspace than workspace_len reserves: None then.)
    let (w, nb) = (len + 4, blocks(len, shift.max(1)));
    if tn == 0 || len == 0 || ws.len() < workspace_len(tn, len, classes) {
        return None;
    }
    let (emit, rest) = ws.split_at_mut(w);
    let (occ, rest) = rest.split_at_mut(classes);
    // SAFETY: every bit pattern is a valid f64; align_to_mut only reinterprets.
    let (_, f, _) = unsafe { rest.align_to_mut::<f64>() };
    if f.len() < 2 * tn * w + tn * nb + 4 * w + 6 * nb {
        return None;
    }
    let (alpha, f) = f.split_at_mut(tn * w);
    let (ys, f) = f.split_at_mut(tn * w);
    let (k_alpha, f) = f.split_at_mut(tn * nb);
    let (bh, f) = f.split_at_mut(2 * w);
    let (prod, f) = f.split_at_mut(w);
    let (skip, f) = f.split_at_mut(w);

    // skip[2 + s]: all ones where state s may be entered from s − 2.
    let ones = f64::from_bits(u64::MAX);
    for (b, k) in skip.iter_mut().enumerate() {
        let ok = b >= 4 && b < len + 2 && (b - 2) % 2 == 1 && s.labels[b - 2] != s.labels[b - 4];
        *k = if ok { ones } else { 0.0 };
    }

    // Emissions, scaled per frame; Σ m_t.
    let mut m_sum = 0.0f64;
    for t in 0..tn {
        let lp = s.frame(t);
        for (e, &l) in emit.iter_mut().zip(s.labels) {
            *e = lp.get(l as usize).copied().unwrap_or(f32::NAN);
        }
        let m = emit[..len].iter().fold(f32::NEG_INFINITY, |m, &e| if e > m { e } else { m });
        if !(m > f32::NEG_INFINITY && m < f32::INFINITY) {
            return None;
        }
        m_sum += m as f64;
        if !emissions(&emit[..len], m, &mut ys[t * w..(t + 1) * w]) {
            return None;
        }
    }

    // α, each row's block exponents kept for the occupancies.
    let mut sc = Scales::new(&mut *f, nb)?;
    for t in 0..tn {
        let (lo, hi) = s.band(t);
        let (done, cur) = alpha.split_at_mut(t * w);
        let cur = &mut cur[..w];
        let y = &ys[t * w..(t + 1) * w];
        let bad = if t == 0 {
            // A virtual row before frame 0 that enters states 0 and 1: prev[2] = 1.
            prod.fill(0.0);
            prod[2] = 1.0;
            row::<false>(&mut Rows { src: prod, out: cur, y, skip, alpha: &[], prod: &mut [] }, lo, hi, shift, &mut sc)
        } else {
            row::<false>(&mut Rows { src: &done[(t - 1) * w..], out: cur, y, skip, alpha: &[], prod: &mut [] }, lo, hi, shift, &mut sc)
        };
        k_alpha[t * nb..(t + 1) * nb].copy_from_slice(sc.k);
        if bad || !sc.rescale::<false>() {
            return None;
        }
    }
    let last = &alpha[(tn - 1) * w..tn * w];
    let k_last = &k_alpha[(tn - 1) * nb..tn * nb];
    let ends = [len - 1, len.saturating_sub(2)];
    let k_end = ends.iter().map(|&e| k_last[e >> shift]).fold(f64::NEG_INFINITY, f64::max);
    let end: f64 = ends[..len.min(2)].iter().map(|&e| last[2 + e] * pow2(k_last[e >> shift] - k_end)).sum();
    if !(end > 0.0 && end < f64::INFINITY) {
        return None;
    }
    let nll = -(m_sum + ln_pos(end) + k_end * core::f64::consts::LN_2);
    let Some(grad) = grad else { return Some(nll as f32) };

    // β from the end, two rows alternating; each frame's gradient as soon as
    // its occupancies are known.
    occ.fill(0.0);
    let (row0, row1) = bh.split_at_mut(w);
    // A virtual row after the last frame that leaves states L − 1 and L − 2: next[2 + L − 1] = 1.
    row1.fill(0.0);
    row1[2 + len - 1] = 1.0;
    let mut sc = Scales::new(f, nb)?;
    for t in (0..tn).rev() {
        let (lo, hi) = s.band(t);
        let (next, cur) = if (tn - 1 - t) % 2 == 0 { (&*row1, &mut *row0) } else { (&*row0, &mut *row1) };
        let (a_row, y) = (&alpha[t * w..(t + 1) * w], &ys[t * w..(t + 1) * w]);
        if row::<true>(&mut Rows { src: next, out: cur, y, skip, alpha: a_row, prod }, lo, hi, shift, &mut sc) {
            return None;
        }
        // Occupancies: each block's products at 2^{k^α + k^β}, relative to the largest.
        let k_a = &k_alpha[t * nb..(t + 1) * nb];
        let k_top = (0..nb).filter(|&b| sc.psum[b] > 0.0).map(|b| k_a[b] + sc.k[b]).fold(f64::NEG_INFINITY, f64::max);
        let g: f64 = (0..nb).map(|b| sc.psum[b] * pow2(k_a[b] + sc.k[b] - k_top)).sum();
        if !(g > 0.0 && g < f64::INFINITY) {
            return None;
        }
        // Each block's factor from its products to occupancies (psum is free now); 0 for a
        // block without any (its exponents can be far above the others': 2^{…}/g would overflow).
        for b in 0..nb {
            sc.psum[b] = if sc.psum[b] > 0.0 { pow2(k_a[b] + sc.k[b] - k_top) / g } else { 0.0 };
        }
        for (i, (&l, &p)) in s.labels[lo..hi].iter().zip(&prod[2 + lo..2 + hi]).enumerate() {
            if let (Some(o), Some(&to_occ)) = (occ.get_mut(l as usize), sc.psum.get((lo + i) >> shift)) {
                *o += (p * to_occ) as f32;
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
        if !sc.rescale::<true>() {
            return None;
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
        use core::arch::wasm32::*;
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

/// ln x for a positive normal f64 (no f64 log in core): the mantissa in
/// [1, 2) through the f32 log (< 1 ulp of a number below ln 2), the power of
/// two exactly.
fn ln_pos(x: f64) -> f64 {
    let e = exponent(x);
    ln_f32((x * pow2(-e)) as f32) as f64 + e * core::f64::consts::LN_2
}

/// One frame over the band [lo, hi), block by block: α (BACKWARD = false),
/// out[2+s] = (src[2+s] + src[1+s] + skip[2+s]·src[s]) · y[s], or β, with
/// B' = src[2+s] + src[3+s] + skip[4+s]·src[4+s], out[2+s] = B'·y[s] and
/// prod[2+s] = alpha[2+s]·B' — each read times its block's factor (`sc.r`
/// within the block, `sc.f` from the block feeding it); zeros in the two
/// cells either side of the band; the blocks' sums into `sc.sum` (and
/// `sc.psum`). Rows are w = len + 4 wide, state s at 2 + s; alpha and prod
/// are only used backward. Returns whether a value fell below TINY from
/// nonzero inputs.
#[inline(always)]
fn row<const BACKWARD: bool>(rows: &mut Rows, lo: usize, hi: usize, shift: u32, sc: &mut Scales) -> bool {
    let w = rows.out.len();
    if lo >= hi
        || hi + 4 > w
        || rows.src.len() < w
        || rows.skip.len() < w
        || rows.y.len() < hi
        || (BACKWARD && (rows.alpha.len() < w || rows.prod.len() < w))
    {
        return true;
    }
    rows.out[lo] = 0.0;
    rows.out[lo + 1] = 0.0;
    rows.out[hi + 2] = 0.0;
    rows.out[hi + 3] = 0.0;
    sc.sum.fill(0.0);
    sc.psum.fill(0.0);
    let mut bad = false;
    for b in lo >> shift..=(hi - 1) >> shift {
        let (start, end) = (b << shift, (b + 1) << shift);
        let (Some(&r), Some(&f)) = (sc.r.get(b), sc.f.get(b)) else { return true };
        let mut acc = Acc { out: 0.0, prod: 0.0, bad: false };
        let mut s = lo.max(start);
        let stop = hi.min(end);
        if s % 2 == 1 && s < stop {
            // SAFETY: s < hi, hi + 4 ≤ w ≤ every row's length (checked above).
            unsafe { state::<BACKWARD>(rows, s, start, end, r, f, &mut acc) };
            s += 1;
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let mut acc2 = simd::Acc2::new();
            while s + 2 <= stop {
                // SAFETY: s + 2 ≤ hi, hi + 4 ≤ w ≤ every row's length (checked above).
                unsafe { simd::state2::<BACKWARD>(rows, s, start, end, r, f, &mut acc2) };
                s += 2;
            }
            acc2.fold_into(&mut acc);
        }
        while s < stop {
            // SAFETY: s < hi, hi + 4 ≤ w ≤ every row's length (checked above).
            unsafe { state::<BACKWARD>(rows, s, start, end, r, f, &mut acc) };
            s += 1;
        }
        sc.sum[b] = acc.out;
        sc.psum[b] = acc.prod;
        bad |= acc.bad;
    }
    bad
}

/// The rows one frame reads and writes: `src` (the previous α row, or the
/// next β row), `out`, the frame's emissions `y`, the skip masks, and
/// backward α's row and the occupancy products `prod`.
struct Rows<'a> {
    src: &'a [f64],
    out: &'a mut [f64],
    y: &'a [f64],
    skip: &'a [f64],
    alpha: &'a [f64],
    prod: &'a mut [f64],
}

/// A block's running sums and guard.
struct Acc {
    out: f64,
    prod: f64,
    bad: bool,
}

/// State s of `row`, in block [start, end): the same formula, a read's
/// factor r if it lies in the block, f if not.
///
/// # Safety
/// s < hi with hi + 4 ≤ every row's length (out, src, skip, and alpha,
/// prod when BACKWARD), y's length ≥ hi.
#[inline(always)]
unsafe fn state<const BACKWARD: bool>(rows: &mut Rows, s: usize, start: usize, end: usize, r: f64, f: f64, acc: &mut Acc) {
    let Rows { src, out, y, skip, alpha, prod } = rows;
    // SAFETY: every index is < s + 5 ≤ hi + 4 (the caller's contract).
    unsafe {
        let i = 2 + s;
        let at = |j: usize| *src.get_unchecked(j);
        // skip[2 + s] masks the read of s − 2 (α) or, backward, of s + 2 by state s + 2's own.
        let masked = |j: usize, m: usize| f64::from_bits(at(j).to_bits() & skip.get_unchecked(m).to_bits());
        // Buffer index j holds state j − 2.
        let factor = |j: usize| if j >= start + 2 && j < end + 2 { r } else { f };
        let (a, b, c) = if BACKWARD { (i, i + 1, i + 2) } else { (i, i - 1, i - 2) };
        let (va, vb, vc) = (at(a), at(b), masked(c, if BACKWARD { c } else { i }));
        let combo = va * factor(a) + vb * factor(b) + vc * factor(c);
        let ys = *y.get_unchecked(s);
        let v = combo * ys;
        *out.get_unchecked_mut(i) = v;
        acc.out += v;
        acc.bad |= v < TINY && va + vb + vc > 0.0 && ys > 0.0;
        if BACKWARD {
            let p = *alpha.get_unchecked(i) * combo;
            *prod.get_unchecked_mut(i) = p;
            acc.prod += p;
        }
    }
}

/// Two states at a time on wasm: within a block all reads share r; at a
/// block's first pair (α) or last pair (β) the reads from the next block
/// take f, lane by lane.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use super::{Acc, Rows, TINY};
    use core::arch::wasm32::*;

    pub(super) struct Acc2 {
        out: v128,
        prod: v128,
        bad: v128,
    }

    impl Acc2 {
        #[inline(always)]
        pub(super) fn new() -> Self {
            Acc2 { out: f64x2_splat(0.0), prod: f64x2_splat(0.0), bad: f64x2_splat(0.0) }
        }

        #[inline(always)]
        pub(super) fn fold_into(&self, acc: &mut Acc) {
            acc.out += f64x2_extract_lane::<0>(self.out) + f64x2_extract_lane::<1>(self.out);
            acc.prod += f64x2_extract_lane::<0>(self.prod) + f64x2_extract_lane::<1>(self.prod);
            acc.bad |= v128_any_true(self.bad);
        }
    }

    /// # Safety
    /// i + 2 ≤ x.len().
    #[inline(always)]
    unsafe fn ld(x: &[f64], i: usize) -> v128 {
        // SAFETY: the caller's contract; v128_load reads unaligned.
        unsafe { v128_load(x.as_ptr().add(i) as *const v128) }
    }

    /// States s, s + 1 (s even) of `row` in block [start, end).
    ///
    /// # Safety
    /// s + 2 ≤ hi with hi + 4 ≤ every row's length, y's length ≥ hi.
    #[inline(always)]
    pub(super) unsafe fn state2<const BACKWARD: bool>(rows: &mut Rows, s: usize, start: usize, end: usize, r: f64, f: f64, acc: &mut Acc2) {
        let Rows { src, out, y, skip, alpha, prod } = rows;
        // SAFETY: every index is < s + 6 ≤ hi + 4 (the caller's contract).
        unsafe {
            let i = 2 + s;
            let (a, b, c) = if BACKWARD {
                (ld(src, i), ld(src, i + 1), v128_and(ld(src, i + 2), ld(skip, i + 2)))
            } else {
                (ld(src, i), ld(src, i - 1), v128_and(ld(src, i - 2), ld(skip, i)))
            };
            let raw = f64x2_add(f64x2_add(a, b), c);
            let edge = if BACKWARD { s + 2 == end } else { s == start };
            let combo = if edge {
                // α: lane 0 reads s − 1 and s − 2 from the block before, lane 1 s − 1;
                // β: lane 1 reads s + 2 and s + 3 from the block after, lane 0 s + 2.
                let (rv, fv) = (f64x2_splat(r), f64x2_splat(f));
                let mixed = if BACKWARD { f64x2(r, f) } else { f64x2(f, r) };
                f64x2_add(f64x2_add(f64x2_mul(a, rv), f64x2_mul(b, mixed)), f64x2_mul(c, fv))
            } else {
                f64x2_mul(raw, f64x2_splat(r))
            };
            let ys = ld(y, s);
            let v = f64x2_mul(combo, ys);
            v128_store(out.as_mut_ptr().add(i) as *mut v128, v);
            acc.out = f64x2_add(acc.out, v);
            let zero = f64x2_splat(0.0);
            let lost = v128_and(f64x2_lt(v, f64x2_splat(TINY)), f64x2_gt(f64x2_pmin(raw, ys), zero));
            acc.bad = v128_or(acc.bad, lost);
            if BACKWARD {
                let p = f64x2_mul(ld(alpha, i), combo);
                v128_store(prod.as_mut_ptr().add(i) as *mut v128, p);
                acc.prod = f64x2_add(acc.prod, p);
            }
        }
    }
}
