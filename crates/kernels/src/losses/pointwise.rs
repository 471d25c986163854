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
//! gradient the gradient expressions are dead code; the loss output too for
//! the cheap formulas (see `run`), whose tails are scalar; the expensive
//! ones run their last partial chunk padded, so their formula is compiled
//! once (`body_once`). Every access
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
    /// Whether the formula has a second gradient (else it is never stored).
    const SECOND: bool = false;
    /// How many of a, b, c, d the formula reads: the others are dropped at
    /// compile time (their per-chunk handling cost MSE 1.5×).
    const INPUTS: usize = 2;
    /// (loss, ∂loss/∂a, ∂loss/∂(second differentiable input, 0 if none)).
    fn eval<L: Lane>(&self, a: L, b: L, c: L, d: L) -> (L, L, L);
    /// One element by the scalar path of `run_scalar` (a loss redoing a rare
    /// case, e.g. BCE-with-logits' non-finite inputs by PyTorch's literal
    /// formulas); `eval` unless the formula says otherwise.
    #[inline(always)]
    fn eval1(&self, a: f32, b: f32, c: f32, d: f32) -> (f32, f32, f32) {
        self.eval::<f32>(a, b, c, d)
    }
}

/// The inputs of one call (see the header).
#[derive(Clone, Copy)]
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

/// An optional output checked per chunk (for the expensive formulas).
impl Sink for Option<Out<'_>> {
    const ON: bool = true;
    #[inline(always)]
    fn put(&mut self, v: f32) {
        if let Some(o) = self.as_mut() {
            o.put(v);
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn put4(&mut self, v: v128) {
        if let Some(o) = self.as_mut() {
            o.put4(v);
        }
    }
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

/// The inputs cut to a's length, with the ones the formula does not read
/// dropped (`Formula::INPUTS`); None if one is shorter than a (a broken
/// caller contract: the call returns NaN) or d is empty.
#[inline(always)]
fn fit_inputs<F: Formula>(ins: Inputs) -> Option<Inputs> {
    let n = ins.a.len();
    let c = match ins.c {
        Some(c) => Some(c.get(..n)?),
        None => None,
    };
    let b = ins.b.get(..n)?;
    if ins.d.is_some_and(|d| d.is_empty()) && n > 0 {
        return None;
    }
    let c = if F::INPUTS >= 3 { c } else { None };
    let d = if F::INPUTS >= 4 { ins.d } else { None };
    Some(Inputs { a: ins.a, b, c, d })
}

/// Runs `loss` over every element; returns Σ loss, writes the per-element
/// losses and grad_scale · gradients where asked. Not inlined: one function
/// per formula (inlined into the kind dispatch, the thirteen formulas made
/// one huge wasm function that V8 optimised badly: MSE ran 2–4× slower).
#[inline(never)]
pub(crate) fn run<F: Formula>(loss: &F, ins: Inputs, outs: Outputs, grad_scale: f32) -> f64 {
    let n = ins.a.len();
    let Some(ins) = fit_inputs::<F>(ins) else { return f64::NAN };
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (outs_loss, outs_grad, outs_grad2, outs) = {
        let Outputs { loss: l, grad: g, grad2: h } = outs;
        if F::UNROLL {
            (None, None, None, Outputs { loss: l, grad: g, grad2: h })
        } else {
            (l, g, h, Outputs { loss: None, grad: None, grad2: None })
        }
    };
    let lo = outs.loss.and_then(|s| s.get_mut(..n)).map(Out::new);
    let go = outs.grad.and_then(|s| s.get_mut(..n)).map(Out::new);
    let g2 = outs.grad2.and_then(|s| s.get_mut(..n)).map(Out::new);
    if F::UNROLL {
        // Cheap formulas (a few flops per element, small code): the loss and
        // ∂a outputs monomorphised (four bodies), the rare second gradient a
        // runtime option.
        match (lo, go) {
            (Some(l), Some(g)) if F::SECOND => body(loss, ins, l, g, g2, grad_scale),
            (None, Some(g)) if F::SECOND => body(loss, ins, Skip, g, g2, grad_scale),
            (Some(l), Some(g)) => body(loss, ins, l, g, Skip, grad_scale),
            (None, Some(g)) => body(loss, ins, Skip, g, Skip, grad_scale),
            (Some(l), None) => body(loss, ins, l, Skip, Skip, grad_scale),
            (None, None) => body(loss, ins, Skip, Skip, Skip, grad_scale),
        }
    } else {
        // exp/log formulas: a predictable branch per chunk costs nothing
        // next to them, and one copy of the formula keeps the module small.
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            let _ = (lo, go, g2);
            body_once(loss, ins, fit(outs_loss, n), fit(outs_grad, n), fit(outs_grad2, n), grad_scale)
        }
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        match go {
            Some(g) => body(loss, ins, lo, g, g2, grad_scale),
            None => body(loss, ins, lo, Skip, Skip, grad_scale),
        }
    }
}

/// The first n of an optional output (None if shorter).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn fit(s: Option<&mut [f32]>, n: usize) -> Option<&mut [f32]> {
    s.and_then(|s| s.get_mut(..n))
}

/// The expensive formulas on wasm: the formula inlined once, every output
/// a runtime option (∂a and the second gradient computed whenever ∂a is
/// asked for), the last partial chunk padded (0 for a, b; 1 for c, d).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn body_once<F: Formula>(
    loss: &F,
    ins: Inputs,
    mut lo: Option<&mut [f32]>,
    mut go: Option<&mut [f32]>,
    mut g2: Option<&mut [f32]>,
    grad_scale: f32,
) -> f64 {
    let n = ins.a.len();
    let scale = splat(grad_scale);
    let mut d = ins.d.map(Cycled::new);
    let lanes = |x: v128| {
        let mut a = [0.0f32; 4];
        v::store(&mut a, x);
        a
    };
    let mut sum = 0.0f64;
    let mut acc = splat(0.0);
    let mut i = 0;
    let mut k = 0;
    while i < n {
        let m = (n - i).min(4);
        let load = |s: &[f32], fill: f32| match s.get(i..i + 4).and_then(|c| <&[f32; 4]>::try_from(c).ok()) {
            Some(c) => v::load(c),
            None => {
                let mut p = [fill; 4];
                p.iter_mut().zip(s.iter().skip(i)).for_each(|(d, v)| *d = *v);
                v::load(&p)
            }
        };
        let cv = ins.c.map_or(splat(1.0), |c| load(c, 1.0));
        let dv = d.as_mut().map_or(splat(1.0), Cycled::next4);
        let (l, g, h) = loss.eval(Four::<true>(load(ins.a, 0.0)), Four(load(ins.b, 0.0)), Four(cv), Four(dv));
        let put = |out: &mut Option<&mut [f32]>, x: v128| {
            let Some(o) = out.as_deref_mut() else { return };
            match o.get_mut(i..i + 4).and_then(|c| <&mut [f32; 4]>::try_from(c).ok()) {
                Some(c) => v::store(c, x),
                None => o.iter_mut().skip(i).zip(lanes(x)).for_each(|(d, v)| *d = v),
            }
        };
        put(&mut lo, l.0);
        if go.is_some() {
            put(&mut go, f32x4_mul(g.0, scale));
            put(&mut g2, f32x4_mul(h.0, scale));
        }
        if m == 4 {
            acc = f32x4_add(acc, l.0);
            k += 1;
            if k % BLOCK == 0 {
                sum += v::hsum_f64(acc);
                acc = splat(0.0);
            }
        } else {
            sum += lanes(l.0).iter().take(m).map(|&v| v as f64).sum::<f64>();
        }
        i += 4;
    }
    sum + v::hsum_f64(acc)
}

/// The cycled input d (element i reads d[i mod d.len()], d not empty): four
/// lanes by one load where they do not wrap (every chunk when d's length is
/// a multiple of 4, e.g. 100 classes), else one by one. A class weight
/// gathered lane by lane cost MultiLabelSoftMargin a third of its time.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) struct Cycled<'a> {
    d: &'a [f32],
    k: usize,
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
impl<'a> Cycled<'a> {
    #[inline(always)]
    pub(crate) fn new(d: &'a [f32]) -> Self {
        Cycled { d, k: 0 }
    }

    #[inline(always)]
    fn next1(&mut self) -> f32 {
        let v = self.d.get(self.k).copied().unwrap_or(f32::NAN);
        self.k += 1;
        if self.k >= self.d.len() {
            self.k = 0;
        }
        v
    }

    #[inline(always)]
    pub(crate) fn next4(&mut self) -> v128 {
        match self.d.get(self.k..self.k + 4).and_then(|c| <&[f32; 4]>::try_from(c).ok()) {
            Some(c) => {
                self.k += 4;
                if self.k >= self.d.len() {
                    self.k = 0;
                }
                v::load(c)
            }
            None => {
                let (p, q, r, s) = (self.next1(), self.next1(), self.next1(), self.next1());
                f32x4(p, q, r, s)
            }
        }
    }
}

#[inline(always)]
fn body<F: Formula, A: Sink, B: Sink, C: Sink>(loss: &F, ins: Inputs, mut lo: A, mut go: B, mut g2: C, grad_scale: f32) -> f64 {
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
            lo.put4(l.0);
            if B::ON {
                go.put4(f32x4_mul(g.0, scale));
                if C::ON {
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
    {
        let mut ct = ct;
        for (&a, &b) in at.iter().zip(bt) {
            let c = ct.as_mut().and_then(|it| it.next()).map_or(1.0, |c| *c);
            let (l, g, h) = loss.eval(a, b, c, next_d());
            sum += l as f64;
            lo.put(l);
            if B::ON {
                go.put(g * grad_scale);
                if C::ON {
                    g2.put(h * grad_scale);
                }
            }
        }
    }
    sum
}

/// `run` with every element by the scalar `eval1` (no SIMD body): for a loss
/// that redoes a call whose sum came out non-finite (BCE-with-logits takes
/// PyTorch's literal formulas there, see losses/elementwise.rs). Same input
/// contract and outputs as `run`; only instantiated for the losses that use it.
#[inline(never)]
pub(crate) fn run_scalar<F: Formula>(loss: &F, ins: Inputs, outs: Outputs, grad_scale: f32) -> f64 {
    let n = ins.a.len();
    let Some(Inputs { a: _, b, c, d }) = fit_inputs::<F>(ins) else { return f64::NAN };
    let mut lo = outs.loss.and_then(|s| s.get_mut(..n)).map(|s| s.iter_mut());
    let mut go = outs.grad.and_then(|s| s.get_mut(..n)).map(|s| s.iter_mut());
    let mut g2 = if F::SECOND { outs.grad2.and_then(|s| s.get_mut(..n)).map(|s| s.iter_mut()) } else { None };
    let mut ci = c.map(|c| c.iter());
    let mut di = d.map(|p| p.iter().cycle());
    let mut sum = 0.0f64;
    for (&a, &b) in ins.a.iter().zip(b) {
        let cv = ci.as_mut().and_then(|it| it.next()).map_or(1.0, |v| *v);
        let dv = di.as_mut().and_then(|it| it.next()).map_or(1.0, |v| *v);
        let (l, g, h) = loss.eval1(a, b, cv, dv);
        sum += l as f64;
        if let Some(o) = lo.as_mut().and_then(|it| it.next()) {
            *o = l;
        }
        if let Some(o) = go.as_mut().and_then(|it| it.next()) {
            *o = g * grad_scale;
            if let Some(o2) = g2.as_mut().and_then(|it| it.next()) {
                *o2 = h * grad_scale;
            }
        }
    }
    sum
}
