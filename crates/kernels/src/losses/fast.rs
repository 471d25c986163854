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
//!   every 8 iterations (16 or 32 chunks) instead of every 8 chunks.
//! - BCE-with-logits without weights needs neither the weight nor the
//!   pos_weight multiplications nor their per-chunk loads.

use super::pointwise::{run_scalar, Cycled, Formula, Inputs, Outputs};
use crate::simd::lanes::Four;
use crate::simd::v::{self, splat};
use core::arch::wasm32::*;

/// Iterations between folds of the f32 accumulators into the f64 total:
/// each lane of each accumulator adds at most 8 terms in f32,
/// which bounds the relative error of non-negative sums by ≈ 8·2⁻²⁴ ≈
/// 5e-7 (the bench's accuracy target is 1e-6; measured ~1e-8).
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
    /// `w`: four lanes of the cycled input d (1 when absent).
    fn eval4(&self, m: Masks, x: v128, y: v128, w: v128, scale: v128) -> (v128, v128);
}

/// Σ loss over the chunks of 4 of a, b (b and, when `G`, g have a's
/// length): S chunks per iteration with S accumulators, the scaled
/// gradient into `g` when `G`.
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
    let fold = |acc: &[v128; S]| v::hsum_f64(acc.iter().fold(splat(0.0), |t, &x| f32x4_add(t, x)));
    let mut sum = 0.0f64;
    let mut acc = [splat(0.0); S];
    let (ag, at) = a.as_chunks::<S>();
    let (bg, bt) = b.as_chunks::<S>();
    let (gg, gt) = g.as_chunks_mut::<S>();
    // One iteration: S chunks, their gradients into `gs` if given (Some
    // or None at compile time: two loops below, no per-chunk option).
    let mut iteration = |k: usize, xs: &[[f32; 4]; S], ys: &[[f32; 4]; S], mut gs: Option<&mut [[f32; 4]; S]>| {
        for j in 0..S {
            acc[j] = f32x4_add(acc[j], one(&xs[j], &ys[j], gs.as_deref_mut().map(|g| &mut g[j])));
        }
        if k % FOLD == FOLD - 1 {
            sum += fold(&acc);
            acc = [splat(0.0); S];
        }
    };
    if G {
        for (k, ((xs, ys), gs)) in ag.iter().zip(bg).zip(gg.iter_mut()).enumerate() {
            iteration(k, xs, ys, Some(gs));
        }
    } else {
        for (k, (xs, ys)) in ag.iter().zip(bg).enumerate() {
            iteration(k, xs, ys, None);
        }
    }
    // The leftover chunks (fewer than S) one by one.
    let mut gi = gt.iter_mut();
    for (x, y) in at.iter().zip(bt) {
        acc[0] = f32x4_add(acc[0], one(x, y, if G { gi.next() } else { None }));
    }
    sum + fold(&acc)
}

/// MSE: d = x − y, (d², d·2s) (2s exact: the same bits as (2d)·s).
struct Mse;
impl Fast4 for Mse {
    const STEP: usize = 4;
    const STEP_GRAD: usize = 4;
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
