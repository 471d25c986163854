//! The one loop shared by the element-wise losses (losses/elementwise.rs):
//! each loss supplies only its formula, once, generic over `Lane` (one f32
//! or four lanes of a v128), and this file runs it.
//!
//! Inputs: a and b (the input and target, or input1 and input2) of length n;
//! c, optional, of length n (a weight, the variance, a ±1 label); d,
//! optional and cycled (element i uses d[i mod d.len()]: BCE-with-logits'
//! pos_weight). Absent optional inputs read as 1. Outputs: the per-element
//! losses, grad_scale·∂loss/∂a, and grad_scale·∂loss/∂(the formula's second
//! differentiable input: the target, or the variance), each optional.
//!
//! The loop walks the inputs in chunks of 4 (the SIMD body, wasm32 +
//! simd128 only) and then element by element (the tail; on the host,
//! everything). Σ loss is accumulated in f32 lanes over blocks of 8 chunks
//! and each block is folded into an f64 total: for non-negative terms that
//! bounds the relative error by ≈ 7·2⁻²⁴ ≈ 4e-7 whatever the length; the
//! scalar path adds every term to the f64 total.
//!
//! The ∂a output is monomorphised away when absent (`Skip`), so with no
//! gradient the gradient expressions are dead code. Every access
//! goes through iterators: a slice shorter than the input (a broken caller
//! contract) gives NaN or a skipped output, never a panic.

use crate::simd::lanes::Lane;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v::{self, splat};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::{f32x4, f32x4_add, f32x4_mul, v128};

/// One element-wise loss, written once for every lane type.
pub(crate) trait Formula {
    /// Cheap losses (MSE, L1) are bound by the latency of one accumulator
    /// chain and gain from four; expensive ones (exp/log per element) lose
    /// to the register pressure of four inlined copies (measured: BCE with
    /// logits 7.0× → 5.0× the JS loop when unrolled).
    #[cfg_attr(not(all(target_arch = "wasm32", target_feature = "simd128")), allow(dead_code))]
    const UNROLL: bool = false;
    /// (loss, ∂loss/∂a, ∂loss/∂(second differentiable input, 0 if none)).
    fn eval<L: Lane>(&self, a: L, b: L, c: L, d: L) -> (L, L, L);
}

/// The inputs of one call (see the header).
pub(crate) struct Inputs<'a> {
    pub a: &'a [f32],
    pub b: &'a [f32],
    pub c: Option<&'a [f32]>,
    pub d: Option<&'a [f32]>,
}

/// The outputs of one call, each optional.
pub(crate) struct Outputs<'a> {
    pub loss: Option<&'a mut [f32]>,
    pub grad: Option<&'a mut [f32]>,
    pub grad2: Option<&'a mut [f32]>,
}

/// Chunks per f32 block before folding into f64 (a multiple of 4).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const BLOCK: usize = 8;

/// Splits a slice into the part the SIMD body takes (chunks of 4) and the
/// scalar tail; on the host the tail is everything.
#[inline(always)]
fn split(s: &[f32]) -> (&[[f32; 4]], &[f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        s.as_chunks::<4>()
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
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
    fn new(s: &'a mut [f32]) -> Self {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let (chunks, tail) = s.as_chunks_mut::<4>();
            Out { chunks: chunks.iter_mut(), tail: tail.iter_mut() }
        }
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        {
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
/// losses and grad_scale · gradients where asked.
pub(crate) fn run<F: Formula>(loss: &F, ins: Inputs, outs: Outputs, grad_scale: f32) -> f64 {
    let n = ins.a.len();
    let c = match ins.c {
        Some(c) => match c.get(..n) {
            Some(c) => Some(c),
            None => return f64::NAN,
        },
        None => None,
    };
    let Some(b) = ins.b.get(..n) else { return f64::NAN };
    if ins.d.is_some_and(|d| d.is_empty()) && n > 0 {
        return f64::NAN;
    }
    let ins = Inputs { a: ins.a, b, c, d: ins.d };
    // Per-element losses ("none") and the second gradient (a target or
    // variance requiring grad) are runtime options, one predictable branch
    // per chunk; only ∂a is monomorphised (two bodies per formula: with and
    // without gradients), which keeps the module small.
    let lo = outs.loss.and_then(|s| s.get_mut(..n)).map(Out::new);
    let g2 = outs.grad2.and_then(|s| s.get_mut(..n)).map(Out::new);
    match outs.grad.and_then(|s| s.get_mut(..n)).map(Out::new) {
        Some(g) => body(loss, ins, lo, g, g2, grad_scale),
        None => body(loss, ins, lo, Skip, None, grad_scale),
    }
}

#[inline(always)]
fn body<F: Formula, B: Sink>(loss: &F, ins: Inputs, mut lo: Option<Out>, mut go: B, mut g2: Option<Out>, grad_scale: f32) -> f64 {
    let (ac, at) = split(ins.a);
    let (bc, bt) = split(ins.b);
    let (cc, ct) = match ins.c {
        Some(c) => {
            let (ch, t) = split(c);
            (Some(ch.iter()), Some(t.iter()))
        }
        None => (None, None),
    };
    let mut d = ins.d.map(|p| p.iter().cycle());
    let mut next_d = move || d.as_mut().and_then(|it| it.next()).map_or(1.0, |p| *p);
    let mut sum = 0.0f64;

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let mut cc = cc;
        let scale = splat(grad_scale);
        let has_d = ins.d.is_some();
        // One chunk of 4: its losses (returned), outputs and gradients.
        let mut chunk = |aa: &[f32; 4], ba: &[f32; 4]| -> v128 {
            let cv = cc.as_mut().and_then(|it| it.next()).map_or(splat(1.0), v::load);
            let dv = if has_d {
                let (p, q, r, s) = (next_d(), next_d(), next_d(), next_d());
                f32x4(p, q, r, s)
            } else {
                splat(1.0)
            };
            let (l, g, h) = loss.eval(Four::<true>(v::load(aa)), Four(v::load(ba)), Four(cv), Four(dv));
            if let Some(lo) = lo.as_mut() {
                lo.put4(l.0);
            }
            if B::ON {
                go.put4(f32x4_mul(g.0, scale));
                if let Some(g2) = g2.as_mut() {
                    g2.put4(f32x4_mul(h.0, scale));
                }
            }
            l.0
        };
        // With UNROLL, four independent accumulators: one f32x4_add chain
        // would bound the loop by the add's latency, not by memory. Folded
        // into f64 every BLOCK chunks (two groups of four, or BLOCK chunks).
        let (ag, ar) = if F::UNROLL { ac.as_chunks::<4>() } else { (&[][..], ac) };
        let (bg, br) = if F::UNROLL { bc.as_chunks::<4>() } else { (&[][..], bc) };
        let (mut a0, mut a1, mut a2, mut a3) = (splat(0.0), splat(0.0), splat(0.0), splat(0.0));
        for (k, (xs, ys)) in ag.iter().zip(bg).enumerate() {
            a0 = f32x4_add(a0, chunk(&xs[0], &ys[0]));
            a1 = f32x4_add(a1, chunk(&xs[1], &ys[1]));
            a2 = f32x4_add(a2, chunk(&xs[2], &ys[2]));
            a3 = f32x4_add(a3, chunk(&xs[3], &ys[3]));
            if k % (BLOCK / 4) == BLOCK / 4 - 1 {
                sum += v::hsum_f64(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)));
                (a0, a1, a2, a3) = (splat(0.0), splat(0.0), splat(0.0), splat(0.0));
            }
        }
        for (k, (xa, ya)) in ar.iter().zip(br).enumerate() {
            a0 = f32x4_add(a0, chunk(xa, ya));
            if k % BLOCK == BLOCK - 1 {
                sum += v::hsum_f64(a0);
                a0 = splat(0.0);
            }
        }
        sum += v::hsum_f64(f32x4_add(f32x4_add(a0, a1), f32x4_add(a2, a3)));
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let _ = (ac, bc, cc);

    let mut ct = ct;
    for (&a, &b) in at.iter().zip(bt) {
        let c = ct.as_mut().and_then(|it| it.next()).map_or(1.0, |c| *c);
        let (l, g, h) = loss.eval(a, b, c, next_d());
        sum += l as f64;
        if let Some(lo) = lo.as_mut() {
            lo.put(l);
        }
        if B::ON {
            go.put(g * grad_scale);
            if let Some(g2) = g2.as_mut() {
                g2.put(h * grad_scale);
            }
        }
    }
    sum
}
