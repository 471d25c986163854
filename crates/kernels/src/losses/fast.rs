//! Fast paths of the hottest element-wise losses for their common case: two
//! inputs (no weight, no pos_weight; a cycled class weight for
//! MultiLabelSoftMargin) and no per-element loss output (the "mean" and
//! "sum" reductions), on wasm SIMD128 only. MSE, L1 and BCE-with-logits
//! with four-lane formulas of their own; KLDiv, SoftMargin, focal and
//! MultiLabelSoftMargin with their shared formula (`Via`). The general
//! path (losses/elementwise.rs over pointwise.rs) stays the reference for
//! every other case, and its scalar formula computes the tails here, so
//! the maths is written once.
//!
//! Compiled for wasm32 + simd128 only (see losses/mod.rs).
//!
//! Why a separate loop (measured on node 20, V8, AMD EPYC):
//! - V8 expands `f32x4.abs` and `f32x4.neg` to three instructions each (it
//!   materialises the mask every time), and LLVM turns `and`/`or`/`xor`
//!   with a sign mask back into those. The masks here are made opaque
//!   (`hidden`) once per call, so each stays one `andps`/`orps`/`xorps`.
//! - The loop walks 2 or 4 chunks of 4 per iteration with as many
//!   independent accumulators, the gradient output fixed at compile time
//!   (no per-chunk option), and folds the f32 lanes into the f64 total
//!   every 8 iterations (16 or 32 chunks) instead of every 8 chunks; MSE
//!   and L1 in blocks of 8 iterations whose first sets the accumulators
//!   (`blocks`).
//! - BCE-with-logits without weights needs neither the weight nor the
//!   pos_weight multiplications nor their per-chunk loads.

use super::pointwise::{run_scalar, Cycled, Formula, Inputs, Outputs};
use crate::simd::lanes::Four;
use crate::simd::v::{self, splat};
use core::arch::wasm32::*;

/// Iterations between folds of the f32 accumulators into the f64 total
/// (`flat`), or per block (`blocks`): each lane of each accumulator adds
/// at most 8 terms in f32, which with the roundings of each term (three
/// for (x − y)²) and of the accumulators' sum bounds the relative error of
/// non-negative sums by ≈ 13·2⁻²⁴ ≈ 7.7e-7 (the bench's accuracy target is
/// 1e-6; measured ~1e-8). Folding every 32 would be ~5% faster at 1e5 but
/// loosen the bound to ~2e-6.
const FOLD: usize = 8;

/// `x` as a value the optimiser cannot see through: a bit mask stays a
/// plain `and`/`or`/`xor` instead of being rewritten as abs/neg.
#[inline(always)]
fn hidden(x: v128) -> v128 {
    core::hint::black_box(x)
}

/// Bit masks of one call.
#[derive(Clone, Copy)]
struct Masks {
    /// 0x8000_0000 per lane.
    sign: v128,
    /// 0x7fff_ffff per lane.
    abs: v128,
}

impl Masks {
    #[inline(always)]
    fn new() -> Self {
        Masks { sign: hidden(i32x4_splat(i32::MIN)), abs: hidden(i32x4_splat(i32::MAX)) }
    }
}

/// One loss's four-lane formula: (loss, grad_scale·∂loss/∂x).
trait Fast4 {
    /// Chunks of 4 per iteration, each with its own accumulator (1 to 4),
    /// without and with the gradient: more independent chunks hide more
    /// latency until the registers run out (16 on x64).
    const STEP: usize;
    const STEP_GRAD: usize;
    /// Whether `body` runs the iterations by `blocks` (formulas of a few
    /// operations) instead of `flat`.
    const BLOCKS: bool = false;
    /// `w`: four lanes of the cycled input d (1 when absent).
    fn eval4(&self, m: Masks, x: v128, y: v128, w: v128, scale: v128) -> (v128, v128);
}

/// Σ loss over the chunks of 4 of a, b (b and, when `G`, g have a's
/// length): S chunks per iteration with S accumulators, the scaled
/// gradient into `g` when `G`; the iterations by `flat` or, for the
/// formulas with `BLOCKS`, by `blocks`.
#[inline(always)]
fn body<F: Fast4, const G: bool, const S: usize>(
    f: &F,
    a: &[[f32; 4]],
    b: &[[f32; 4]],
    d: Option<&[f32]>,
    g: &mut [[f32; 4]],
    scale: f32,
) -> f64 {
    let m = Masks::new();
    let s = splat(scale);
    let mut dc = d.map(Cycled::new);
    let mut one = |x: &[f32; 4], y: &[f32; 4], o: Option<&mut [f32; 4]>| -> v128 {
        let w = dc.as_mut().map_or(splat(1.0), Cycled::next4);
        let (l, d) = f.eval4(m, v::load(x), v::load(y), w, s);
        if let Some(o) = o {
            v::store(o, d);
        }
        l
    };
    let (ag, at) = a.as_chunks::<S>();
    let (bg, bt) = b.as_chunks::<S>();
    let (gg, gt) = g.as_chunks_mut::<S>();
    // The gradients, or an iterator of None when there are none (G is
    // known at compile time: no per-chunk option).
    let sum = match (G, F::BLOCKS) {
        (true, true) => blocks(&mut one, ag, bg, Some(gg)),
        (false, true) => blocks(&mut one, ag, bg, None),
        (true, false) => flat(&mut one, ag, bg, gg.iter_mut().map(Some)),
        (false, false) => flat(&mut one, ag, bg, core::iter::repeat_with(|| None)),
    };
    // The leftover chunks (fewer than S) one by one.
    let mut rest = splat(0.0);
    let mut gi = gt.iter_mut();
    for (x, y) in at.iter().zip(bt) {
        rest = f32x4_add(rest, one(x, y, if G { gi.next() } else { None }));
    }
    sum + v::hsum_f64(rest)
}

/// One chunk of 4: its loss, its gradient stored if given.
trait Chunk: FnMut(&[f32; 4], &[f32; 4], Option<&mut [f32; 4]>) -> v128 {}
impl<T: FnMut(&[f32; 4], &[f32; 4], Option<&mut [f32; 4]>) -> v128> Chunk for T {}

/// `one` over S chunks of x, y: their losses, their gradients into `g`'s.
#[inline(always)]
fn iteration<const S: usize>(
    one: &mut impl Chunk,
    x: &[[f32; 4]; S],
    y: &[[f32; 4]; S],
    mut g: Option<&mut [[f32; 4]; S]>,
) -> [v128; S] {
    let mut t = [splat(0.0); S];
    for j in 0..S {
        t[j] = one(&x[j], &y[j], g.as_deref_mut().map(|g| &mut g[j]));
    }
    t
}

/// acc += t, lane by lane.
#[inline(always)]
fn add<const S: usize>(acc: &mut [v128; S], t: [v128; S]) {
    for (a, t) in acc.iter_mut().zip(t) {
        *a = f32x4_add(*a, t);
    }
}

/// The iterations of xs, ys into S accumulators folded into the f64 total
/// every FOLD iterations: the loop for the long formulas.
#[inline(always)]
fn flat<'g, const S: usize>(
    one: &mut impl Chunk,
    xs: &[[[f32; 4]; S]],
    ys: &[[[f32; 4]; S]],
    gs: impl Iterator<Item = Option<&'g mut [[f32; 4]; S]>>,
) -> f64 {
    let mut sum = 0.0f64;
    let mut acc = [splat(0.0); S];
    for (k, ((x, y), g)) in xs.iter().zip(ys).zip(gs).enumerate() {
        add(&mut acc, iteration(one, x, y, g));
        if k % FOLD == FOLD - 1 {
            sum += sum_f64(acc);
            acc = [splat(0.0); S];
        }
    }
    sum + sum_f64(acc)
}

/// The iterations of xs, ys in blocks of FOLD (`block`), each block's sum
/// widened into an f64x2 total; the gradients into `gs` if given — the
/// loop for MSE and L1, where a few operations per element leave the count
/// of vector operations per byte as the bound at 1e5 elements, not the
/// memory (Σ(x − y) runs at the read probe's speed, Σ(x − y)² at ~90% of
/// it). Against `flat` it saves a reset and an add per accumulator, the
/// horizontal sum per block and the test per iteration.
///
/// A full block is an array of FOLD iterations walked to a bound LLVM
/// cannot see through (`k`), so LLVM unrolls it with an exit test per
/// iteration: no back edge, induction update or V8 stack check per
/// iteration, as a loop over a block had (1e5 elements, kernel alone: MSE
/// forward 0.112 → 0.102 ns/element, with the gradient 0.153 → 0.145).
/// With the exact count it unrolls a block as one basic block and hoists
/// all its loads above the arithmetic, and V8 spills (0.21 ns/element).
#[inline(always)]
fn blocks<const S: usize>(
    one: &mut impl Chunk,
    xs: &[[[f32; 4]; S]],
    ys: &[[[f32; 4]; S]],
    gs: Option<&mut [[[f32; 4]; S]]>,
) -> f64 {
    let (xb, xr) = xs.as_chunks::<FOLD>();
    let (yb, yr) = ys.as_chunks::<FOLD>();
    // A full block's length as LLVM sees it: at most FOLD, not exactly
    // FOLD (see above); each exit test keeps an iteration's loads next to
    // their arithmetic.
    let k = core::hint::black_box(FOLD).min(FOLD);
    let mut total = f64x2_splat(0.0);
    let mut widen = |acc: [v128; S]| {
        let t = acc.into_iter().reduce(|t, x| f32x4_add(t, x)).unwrap_or(splat(0.0));
        let (lo, hi) = (f64x2_promote_low_f32x4(t), f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(t, t)));
        total = f64x2_add(total, f64x2_add(lo, hi));
    };
    match gs {
        Some(gs) => {
            let (gb, gr) = gs.as_chunks_mut::<FOLD>();
            for ((x, y), g) in xb.iter().zip(yb).zip(gb) {
                widen(block(one, &x[..k], &y[..k], g[..k].iter_mut().map(Some)));
            }
            widen(block(one, xr, yr, gr.iter_mut().map(Some)));
        }
        None => {
            for (x, y) in xb.iter().zip(yb) {
                widen(block(one, &x[..k], &y[..k], core::iter::repeat_with(|| None)));
            }
            widen(block(one, xr, yr, core::iter::repeat_with(|| None)));
        }
    }
    f64x2_extract_lane::<0>(total) + f64x2_extract_lane::<1>(total)
}

/// S accumulators over the iterations of xs, ys (zero if none): the first
/// sets them, the others add; the gradients into `gs`' Some.
#[inline(always)]
fn block<'g, const S: usize>(
    one: &mut impl Chunk,
    xs: &[[[f32; 4]; S]],
    ys: &[[[f32; 4]; S]],
    gs: impl Iterator<Item = Option<&'g mut [[f32; 4]; S]>>,
) -> [v128; S] {
    let mut it = xs.iter().zip(ys).zip(gs);
    let mut acc = [splat(0.0); S];
    if let Some(((x, y), g)) = it.next() {
        acc = iteration(one, x, y, g);
    }
    for ((x, y), g) in it {
        add(&mut acc, iteration(one, x, y, g));
    }
    acc
}

/// Σ of the accumulators' lanes in f64.
#[inline(always)]
fn sum_f64<const S: usize>(acc: [v128; S]) -> f64 {
    v::hsum_f64(acc.iter().fold(splat(0.0), |t, &x| f32x4_add(t, x)))
}

/// MSE: d = x − y, (d², d·2s) (2s exact: the same bits as (2d)·s).
struct Mse;
impl Fast4 for Mse {
    const STEP: usize = 4;
    const STEP_GRAD: usize = 4;
    const BLOCKS: bool = true;
    #[inline(always)]
    fn eval4(&self, _: Masks, x: v128, y: v128, _: v128, s2: v128) -> (v128, v128) {
        let d = f32x4_sub(x, y);
        (f32x4_mul(d, d), f32x4_mul(d, s2))
    }
}

/// L1: d = x − y, (|d|, sign(d)·s), sign(d)·s = ±s where |d| > 0, else 0
/// (d = ±0 or NaN: torch.sign's 0).
struct L1;
impl Fast4 for L1 {
    const STEP: usize = 4;
    const STEP_GRAD: usize = 4;
    const BLOCKS: bool = true;
    #[inline(always)]
    fn eval4(&self, m: Masks, x: v128, y: v128, _: v128, s: v128) -> (v128, v128) {
        let d = f32x4_sub(x, y);
        let ad = v128_and(d, m.abs);
        let g = v128_and(v128_xor(v128_and(d, m.sign), s), f32x4_gt(ad, splat(0.0)));
        (ad, g)
    }
}

/// BCE-with-logits without weights, the stable form of elementwise.rs's
/// BceWithLogits with w = p = 1: e = e^−|x|, s = e/(1 + e) = σ(−|x|),
///   a = [x ≥ 0] − y,  loss = a·x + log1p(e),  ∂x = a ∓ s (− for x ≥ 0).
struct BceWithLogits;
impl Fast4 for BceWithLogits {
    // Measured (1e5 logits, fwd+grad): 3.3 ns/element with 3 chunks per
    // iteration, 3.5 with 2, 4.0 with 1, 4.5 with 4 (spills); forward
    // only, 4 is best. (MSE/L1 with 8: 25% slower than with 4.)
    const STEP: usize = 4;
    const STEP_GRAD: usize = 3;
    #[inline(always)]
    fn eval4(&self, m: Masks, x: v128, y: v128, _: v128, s: v128) -> (v128, v128) {
        let e = v::exp_neg(v128_or(x, m.sign)); // e^−|x|: −|x| ≤ 0
        let big_l = v::log1p_unit(e);
        let r = f32x4_div(splat(1.0), f32x4_add(splat(1.0), e));
        let pos = f32x4_ge(x, splat(0.0));
        let a = f32x4_sub(v128_and(pos, splat(1.0)), y);
        let loss = f32x4_add(f32x4_mul(a, x), big_l);
        // ∓s: e·r with the sign bit set where x ≥ 0.
        let sig = v128_xor(f32x4_mul(e, r), v128_and(pos, m.sign));
        (loss, f32x4_mul(f32x4_add(a, sig), s))
    }
}

/// Runs `fast` over the chunks of 4 of a, b and `general` over the tail
/// (fewer than 4 elements, by run_scalar, so the tails match the general
/// path); None for a broken length contract (the general path then
/// answers), and without a gradient unless `FWD`.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn run<F: Fast4, G: Formula, const FWD: bool>(
    fast: &F,
    scale4: f32,
    general: &G,
    a: &[f32],
    b: &[f32],
    d: Option<&[f32]>,
    grad: Option<&mut [f32]>,
    grad_scale: f32,
) -> Option<f64> {
    let n = a.len();
    let b = b.get(..n)?;
    if d.is_some_and(|d| d.is_empty()) {
        return None;
    }
    let (ac, at) = a.as_chunks::<4>();
    let (bc, bt) = b.as_chunks::<4>();
    let (body, gt) = match grad {
        Some(g) => {
            let (gc, gt) = g.get_mut(..n)?.as_chunks_mut::<4>();
            (steps::<F, true>(fast, ac, bc, d, gc, scale4), Some(gt))
        }
        None if FWD => (steps::<F, false>(fast, ac, bc, d, &mut [], scale4), None),
        None => return None,
    };
    // The tail's d: the cycle continued from element n − tail (≤ 3 values).
    let mut dt = [0.0f32; 3];
    let dt = d.map(|d| {
        for (j, v) in dt.iter_mut().enumerate().take(at.len()) {
            *v = d.get((n - at.len() + j) % d.len()).copied().unwrap_or(f32::NAN);
        }
        &dt[..at.len()]
    });
    let tail = Inputs { a: at, b: bt, c: None, d: dt };
    Some(body + run_scalar(general, tail, Outputs { loss: None, grad: gt, grad2: None }, grad_scale))
}

/// `body` with F's step.
#[inline(always)]
fn steps<F: Fast4, const G: bool>(f: &F, a: &[[f32; 4]], b: &[[f32; 4]], d: Option<&[f32]>, g: &mut [[f32; 4]], scale: f32) -> f64 {
    match if G { F::STEP_GRAD } else { F::STEP } {
        4 => body::<F, G, 4>(f, a, b, d, g, scale),
        3 => body::<F, G, 3>(f, a, b, d, g, scale),
        2 => body::<F, G, 2>(f, a, b, d, g, scale),
        _ => body::<F, G, 1>(f, a, b, d, g, scale),
    }
}

/// MSE over a, b: Σ (a − b)², grad_scale·2(a − b) into `grad`.
#[inline(never)]
pub(crate) fn mse<G: Formula>(general: &G, a: &[f32], b: &[f32], grad: Option<&mut [f32]>, grad_scale: f32) -> Option<f64> {
    run::<_, _, true>(&Mse, 2.0 * grad_scale, general, a, b, None, grad, grad_scale)
}

/// L1 over a, b: Σ |a − b|, grad_scale·sign(a − b) into `grad`.
#[inline(never)]
pub(crate) fn l1<G: Formula>(general: &G, a: &[f32], b: &[f32], grad: Option<&mut [f32]>, grad_scale: f32) -> Option<f64> {
    run::<_, _, true>(&L1, grad_scale, general, a, b, None, grad, grad_scale)
}

/// BCE-with-logits without weights over a, b: Σ loss, grad_scale·∂a into `grad`.
#[inline(never)]
pub(crate) fn bce_with_logits<G: Formula>(general: &G, a: &[f32], b: &[f32], grad: Option<&mut [f32]>, grad_scale: f32) -> Option<f64> {
    run::<_, _, true>(&BceWithLogits, grad_scale, general, a, b, None, grad, grad_scale)
}

/// Any formula of elementwise.rs over a, b (and d) on this loop, unchanged (no mask
/// tricks): the loop's unrolling and its fixed outputs are what it gains.
/// `S`, `SG`: chunks per iteration without and with the gradient.
struct Via<'a, F, const S: usize, const SG: usize>(&'a F);
impl<F: Formula, const S: usize, const SG: usize> Fast4 for Via<'_, F, S, SG> {
    const STEP: usize = S;
    const STEP_GRAD: usize = SG;
    #[inline(always)]
    fn eval4(&self, _: Masks, x: v128, y: v128, w: v128, s: v128) -> (v128, v128) {
        let (l, g, _) = self.0.eval(Four::<true>(x), Four(y), Four(splat(1.0)), Four(w));
        (l.0, f32x4_mul(g.0, s))
    }
}

/// A formula over a, b and optionally the cycled d (its fourth input; no c,
/// no second gradient) on this loop: Σ loss, grad_scale·∂a into `grad`.
/// `S`, `SG` as in `Via`; d is read only with `D` (known at compile time:
/// the cycled input's state in the loop cost KLDiv a third of its speed).
/// With the gradient only (None without: the general path then runs); each
/// instantiation costs a few KiB of module.
#[inline(never)]
pub(crate) fn via<G: Formula, const S: usize, const SG: usize, const D: bool>(
    general: &G,
    a: &[f32],
    b: &[f32],
    d: Option<&[f32]>,
    grad: Option<&mut [f32]>,
    grad_scale: f32,
) -> Option<f64> {
    let d = if D { d } else { None };
    run::<_, _, false>(&Via::<G, S, SG>(general), grad_scale, general, a, b, d, grad, grad_scale)
}
