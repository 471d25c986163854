//! The one loop shared by the element-wise losses (MSE, L1, BCE,
//! BCE-with-logits): each loss file supplies only its formula, as a
//! `Pointwise` with a scalar and a 4-lane version of the same expression.
//!
//! The loop walks the input in chunks of 4 (the SIMD body, wasm32 + simd128
//! only) and then element by element (the tail; on the host, everything).
//! The returned Σ loss is accumulated in f32 lanes over blocks of 8 chunks
//! (8 terms per lane) and each block is folded into an f64 total: for
//! non-negative terms that bounds the relative error by ≈ 7·2⁻²⁴ ≈ 4e-7
//! whatever the length; the scalar path adds every term to the f64 total.
//!
//! Optional outputs are monomorphised away (`Skip`), so with `grad_out`
//! absent the gradient expression is dead code and is not computed. Every
//! access goes through iterators: a slice shorter than the input (a broken
//! caller contract) gives NaN or a skipped output, never a panic.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{self, splat};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4, f32x4_add, f32x4_mul, v128};

/// One element-wise loss: (loss, ∂loss/∂x) from input x, target y, weight w
/// and positive-class weight pw (both 1 when absent).
pub(crate) trait Pointwise {
    /// Cheap losses (MSE, L1) are bound by the latency of one accumulator
    /// chain and gain from four; expensive ones (exp/log per element) lose
    /// to the register pressure of four inlined copies (measured: BCE with
    /// logits 7.0× → 5.0× the JS loop when unrolled).
    const UNROLL: bool = false;
    fn one(&self, x: f32, y: f32, w: f32, pw: f32) -> (f32, f32);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn four(&self, x: v128, y: v128, w: v128, pw: v128) -> (v128, v128);
}

/// Chunks per f32 block before folding into f64 (a multiple of 4).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const BLOCK: usize = 8;

/// Splits a slice into the part the SIMD body takes (chunks of 4) and the
/// scalar tail; on the host the tail is everything.
/// With `simd` false, everything is the tail (see `run`).
#[inline(always)]
fn split(s: &[f32], simd: bool) -> (&[[f32; 4]], &[f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        if simd { s.as_chunks::<4>() } else { (&[], s) }
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        let _ = simd;
        (&[], s)
    }
}

/// Where per-element results go, in order: a slice, or nowhere.
trait Sink {
    const ON: bool;
    fn put(&mut self, v: f32);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn put4(&mut self, v: v128);
}

struct Skip;

impl Sink for Skip {
    const ON: bool = false;
    #[inline(always)]
    fn put(&mut self, _: f32) {}
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn put4(&mut self, _: v128) {}
}

struct Out<'a> {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    chunks: core::slice::IterMut<'a, [f32; 4]>,
    tail: core::slice::IterMut<'a, f32>,
}

impl<'a> Out<'a> {
    /// Split as the inputs are (`split`): chunks for the SIMD body, the rest for the tail.
    fn new(s: &'a mut [f32], simd: bool) -> Self {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let (chunks, tail) = if simd { s.as_chunks_mut::<4>() } else { (&mut [][..], s) };
            Out { chunks: chunks.iter_mut(), tail: tail.iter_mut() }
        }
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        {
            let _ = simd;
            Out { tail: s.iter_mut() }
        }
    }
}

impl Sink for Out<'_> {
    const ON: bool = true;
    #[inline(always)]
    fn put(&mut self, v: f32) {
        if let Some(d) = self.tail.next() {
            *d = v;
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn put4(&mut self, x: v128) {
        if let Some(d) = self.chunks.next() {
            v::store(d, x);
        }
    }
}

/// Runs `loss` over every element; returns Σ loss, writes the per-element
/// losses and grad_scale · gradients where asked. `w` has the input's length;
/// `pw` is cycled (element i uses pw[i mod pw.len()]). With `simd` false
/// every element takes the scalar `one` (a loss redoing a rare case).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run<L: Pointwise>(
    loss: &L,
    x: &[f32],
    y: &[f32],
    w: Option<&[f32]>,
    pw: Option<&[f32]>,
    loss_out: Option<&mut [f32]>,
    grad_out: Option<&mut [f32]>,
    grad_scale: f32,
    simd: bool,
) -> f64 {
    let n = x.len();
    let Some(y) = y.get(..n) else { return f64::NAN };
    let w = match w {
        Some(w) => match w.get(..n) {
            Some(w) => Some(w),
            None => return f64::NAN,
        },
        None => None,
    };
    let lo = loss_out.and_then(|s| s.get_mut(..n)).map(|s| Out::new(s, simd));
    let go = grad_out.and_then(|s| s.get_mut(..n)).map(|s| Out::new(s, simd));
    let ins = Ins { x, y, w, pw, simd };
    match (lo, go) {
        (Some(l), Some(g)) => body(loss, ins, l, g, grad_scale),
        (Some(l), None) => body(loss, ins, l, Skip, grad_scale),
        (None, Some(g)) => body(loss, ins, Skip, g, grad_scale),
        (None, None) => body(loss, ins, Skip, Skip, grad_scale),
    }
}

struct Ins<'a> {
    x: &'a [f32],
    y: &'a [f32],
    w: Option<&'a [f32]>,
    pw: Option<&'a [f32]>,
    simd: bool,
}

#[inline(always)]
fn body<L: Pointwise, A: Sink, B: Sink>(loss: &L, ins: Ins, mut lo: A, mut go: B, grad_scale: f32) -> f64 {
    let (xc, xt) = split(ins.x, ins.simd);
    let (yc, yt) = split(ins.y, ins.simd);
    let (wc, wt) = match ins.w {
        Some(w) => {
            let (c, t) = split(w, ins.simd);
            (Some(c.iter()), Some(t.iter()))
        }
        None => (None, None),
    };
    let mut pw = ins.pw.map(|p| p.iter().cycle());
    let mut next_pw = move || pw.as_mut().and_then(|it| it.next()).map_or(1.0, |p| *p);
    let mut sum = 0.0f64;

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let mut wc = wc;
        let scale = splat(grad_scale);
        // One chunk of 4: its losses (returned), outputs and gradients.
        let mut chunk = |xa: &[f32; 4], ya: &[f32; 4]| -> v128 {
            let wv = wc.as_mut().and_then(|it| it.next()).map_or(splat(1.0), v::load);
            let pv = if ins.pw.is_some() {
                let (a, b, c, d) = (next_pw(), next_pw(), next_pw(), next_pw());
                f32x4(a, b, c, d)
            } else {
                splat(1.0)
            };
            let (l, g) = loss.four(v::load(xa), v::load(ya), wv, pv);
            lo.put4(l);
            if B::ON {
                go.put4(f32x4_mul(g, scale));
            }
            l
        };
        // With UNROLL, four independent accumulators: one f32x4_add chain
        // would bound the loop by the add's latency, not by memory. Folded
        // into f64 every BLOCK chunks (two groups of four, or BLOCK chunks).
        let (xg, xr) = if L::UNROLL { xc.as_chunks::<4>() } else { (&[][..], xc) };
        let (yg, yr) = if L::UNROLL { yc.as_chunks::<4>() } else { (&[][..], yc) };
        let (mut a0, mut a1, mut a2, mut a3) = (splat(0.0), splat(0.0), splat(0.0), splat(0.0));
        for (k, (xs, ys)) in xg.iter().zip(yg).enumerate() {
            a0 = f32x4_add(a0, chunk(&xs[0], &ys[0]));
            a1 = f32x4_add(a1, chunk(&xs[1], &ys[1]));
            a2 = f32x4_add(a2, chunk(&xs[2], &ys[2]));
            a3 = f32x4_add(a3, chunk(&xs[3], &ys[3]));
            if k % (BLOCK / 4) == BLOCK / 4 - 1 {
                sum += v::hsum_f64(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)));
                (a0, a1, a2, a3) = (splat(0.0), splat(0.0), splat(0.0), splat(0.0));
            }
        }
        for (k, (xa, ya)) in xr.iter().zip(yr).enumerate() {
            a0 = f32x4_add(a0, chunk(xa, ya));
            if k % BLOCK == BLOCK - 1 {
                sum += v::hsum_f64(a0);
                a0 = splat(0.0);
            }
        }
        sum += v::hsum_f64(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)));
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let _ = (xc, yc, wc);

    let mut wt = wt;
    for (&x, &y) in xt.iter().zip(yt) {
        let w = wt.as_mut().and_then(|it| it.next()).map_or(1.0, |w| *w);
        let (l, g) = loss.one(x, y, w, next_pw());
        sum += l as f64;
        lo.put(l);
        if B::ON {
            go.put(g * grad_scale);
        }
    }
    sum
}
