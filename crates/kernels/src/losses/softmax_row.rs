//! One contiguous row of logits through softmax, in three plain passes —
//! the common cross entropy case (class-index targets, no class weight, no
//! label smoothing, inner = 1), where the general kernel's per-class weight
//! and target bookkeeping is all overhead (long rows: blocks with a running
//! max, see Blocked):
//!
//! 1. m = max_c x_c, four independent pmax chains (16 classes a step);
//! 2. e_c = e^{x_c − m} (exp_neg_flush: every exponent is ≤ 0), stored into
//!    the gradient when there is one, and S = Σ e_c in two f32 chains of
//!    8 vectors each, added and folded into f64 per block: ≤ 8 roundings
//!    per lane and block, so S's relative error stays ≤ 9·2⁻²⁴ ≈ 5e-7
//!    whatever C is (plain f32 sums put 1e-6 into
//!    ln S at ~600 classes, softmax.rs's header);
//! 3. g_c = e_c·k (k = scale/S; the caller fixes the target class).
//!
//! pmax drops a NaN logit from m, but its e_c is NaN and so is S: the loss
//! and every gradient of the row become NaN, as in the general kernel. A row
//! of −inf (m = −inf) or with +inf (m = +inf) gives NaN exponents the same
//! way (PyTorch: NaN too). wasm (SIMD128) only; the host runs the general
//! scalar path.

#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use crate::math::{exp_neg_flush_f32, pmax_f32};
use crate::simd::v::{self, exp_neg_flush, load, pmax, splat, store};
use core::arch::wasm32::{f32x4_add, f32x4_mul, f32x4_sub};


/// Rows at least this long go in blocks with a running max (Blocked).
pub const LONG: usize = 8192;
/// At most this many blocks per row, of at least MIN_BLOCK classes (8 KB,
/// in L1 between the block's max and its exps).
const BLOCKS: usize = 64;
const MIN_BLOCK: usize = 2048;

/// A long row's softmax (C ≥ LONG), in blocks of ≥ MIN_BLOCK classes (in
/// L1 between the block's max and its exps) with a running max m_b — 0
/// while it is −inf, where e^{−inf − 0} = 0 keeps leading −inf blocks out
/// of NaN — so the row is read twice from L2 instead of three times:
/// m = max x, S = Σ_b S_b·e^{m_b − m} (each block's f64 sum scaled once,
/// not compounded), and the factor e^{m_b − m} that brings a block's stored
/// e_c = e^{x_c − m_b} to the shift m. `blocked` gives None for a row whose
/// max is not finite or whose S is NaN (±inf, NaN, all −inf): the caller
/// redoes it in the plain passes, so its NaN results are theirs.
pub struct Blocked {
    pub m: f32,
    pub s: f32,
    len: usize,
    count: usize,
    factors: [f32; BLOCKS],
}

impl Blocked {
    /// The factor of class c's stored e_c.
    #[inline(always)]
    pub fn factor(&self, c: usize) -> f32 {
        self.factors.get(c / self.len).copied().unwrap_or(1.0)
    }

    /// e_c ← e_c·k·factor(c) over the row.
    #[inline(always)]
    pub fn scale(&self, e: &mut [f32], k: f32) {
        for (eb, &f) in e.chunks_mut(self.len).zip(self.factors.iter().take(self.count)) {
            scale_row(eb, k * f);
        }
    }
}

/// See Blocked; e_c (against the block's shift) into `e` when it is given.
#[inline(always)]
pub fn blocked(x: &[f32], mut e: Option<&mut [f32]>) -> Option<Blocked> {
    let len = x.len().div_ceil(BLOCKS).max(MIN_BLOCK).next_multiple_of(8);
    let mut b = Blocked { m: f32::NEG_INFINITY, s: 0.0, len, count: 0, factors: [0.0; BLOCKS] };
    let mut sums = [0.0f64; BLOCKS];
    let mut eb = e.as_deref_mut().filter(|e| e.len() == x.len()).map(|e| e.chunks_mut(len));
    // ≤ BLOCKS blocks: len ≥ C/BLOCKS.
    for ((xb, shift), sum) in x.chunks(len).zip(b.factors.iter_mut()).zip(sums.iter_mut()) {
        b.m = pmax_f32(b.m, row_max(xb)); // row_max drops NaN: m is never NaN
        *shift = if b.m == f32::NEG_INFINITY { 0.0 } else { b.m };
        *sum = exp_sum::<4>(xb, *shift, eb.as_mut().and_then(|it| it.next()));
        b.count += 1;
    }
    let mut s = 0.0f64;
    for (f, sum) in b.factors.iter_mut().zip(sums).take(b.count) {
        *f = exp_neg_flush_f32(*f - b.m);
        s += sum * *f as f64;
    }
    b.s = s as f32;
    (b.m.is_finite() && !b.s.is_nan()).then_some(b)
}

/// max_c x_c, NaN dropped (−inf for an empty row).
#[inline(always)]
pub fn row_max(x: &[f32]) -> f32 {
    let (x4, tail) = x.as_chunks::<4>();
    let (x16, rest) = x4.as_chunks::<4>();
    let mut m = [splat(f32::NEG_INFINITY); 4];
    for c in x16 {
        // Four independent chains: pmax's latency is not the bound.
        for (m, a) in m.iter_mut().zip(c) {
            *m = pmax(*m, load(a));
        }
    }
    for a in rest {
        m[0] = pmax(m[0], load(a));
    }
    let mv = pmax(pmax(m[0], m[1]), pmax(m[2], m[3]));
    tail.iter().fold(v::hmax(mv), |m, &x| pmax_f32(m, x))
}

/// S = Σ_c e^{x_c − m} (in f64), N vectors a step; e_c stored into `e`
/// when it is given (and as long as x).
/// exp_sum for a whole row: rows of ≥ 64 classes four vectors a step in a
/// function of its own (V8 keeps the loop's values in registers there:
/// 13% faster on C = 1000 than inlined into the caller, two vectors a
/// step), shorter rows two vectors a step inlined (no call).
#[inline(always)]
pub fn row_exp_sum(x: &[f32], m: f32, e: Option<&mut [f32]>) -> f64 {
    if x.len() >= 64 { exp_sum_outlined(x, m, e) } else { exp_sum::<2>(x, m, e) }
}

#[inline(never)]
fn exp_sum_outlined(x: &[f32], m: f32, e: Option<&mut [f32]>) -> f64 {
    exp_sum::<4>(x, m, e)
}

#[inline(always)]
fn exp_sum<const N: usize>(x: &[f32], m: f32, e: Option<&mut [f32]>) -> f64 {
    match e {
        Some(e) if e.len() == x.len() => exp_sum_impl::<true, N>(x, m, e),
        _ => exp_sum_impl::<false, N>(x, m, &mut []),
    }
}

#[inline(always)]
fn exp_sum_impl<const STORE: bool, const N: usize>(x: &[f32], m: f32, e: &mut [f32]) -> f64 {
    let (ms, zero) = (splat(m), splat(0.0));
    let ex = |a: &[f32; 4]| exp_neg_flush(f32x4_sub(load(a), ms));
    let (x4, xtail) = x.as_chunks::<4>();
    let (xn, xrest) = x4.as_chunks::<N>();
    let (e4, etail) = e.as_chunks_mut::<4>();
    let (en, erest) = e4.as_chunks_mut::<N>();
    let mut en = en.iter_mut();
    let mut total = 0.0f64;
    // Vectors alternately into two chains, 8 per chain and block.
    for block in xn.chunks(16 / N) {
        let (mut s0, mut s1) = (zero, zero);
        for c in block {
            let v = c.each_ref().map(ex);
            for (k, &v) in v.iter().enumerate() {
                if k % 2 == 0 {
                    s0 = f32x4_add(s0, v);
                } else {
                    s1 = f32x4_add(s1, v);
                }
            }
            if let Some(d) = if STORE { en.next() } else { None } {
                for (d, v) in d.iter_mut().zip(v) {
                    store(d, v);
                }
            }
        }
        total += v::hsum_f64(f32x4_add(s0, s1));
    }
    // The last 0 to 4·N − 1 classes: vectors, then scalar.
    let mut erest = erest.iter_mut();
    for a in xrest {
        let a = ex(a);
        total += v::hsum_f64(a);
        if let Some(d) = if STORE { erest.next() } else { None } {
            store(d, a);
        }
    }
    let mut etail = etail.iter_mut();
    for &xv in xtail {
        let ev = exp_neg_flush_f32(xv - m);
        total += ev as f64;
        if let Some(d) = if STORE { etail.next() } else { None } {
            *d = ev;
        }
    }
    total
}

/// g_c ← g_c·k over the row.
#[inline(always)]
pub fn scale_row(g: &mut [f32], k: f32) {
    let kv = splat(k);
    let (g4, tail) = g.as_chunks_mut::<4>();
    for d in g4 {
        store(d, f32x4_mul(load(d), kv));
    }
    for d in tail {
        *d *= k;
    }
}
