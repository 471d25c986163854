//! Softmax and log-softmax along one axis, and their gradients.
//!
//! x is viewed as (outer, dim, inner); each of the outer·inner lines runs
//! along dim with stride `inner`. With m = max_d x_d (the shift that keeps
//! every exp ≤ 1, so nothing overflows) and s = Σ_d exp(x_d − m):
//!   log_softmax:          y_d = (x_d − m) − ln s
//!   softmax:              y_d = exp(x_d − m) / s
//!   log_softmax_backward: gx_d = gy_d − exp(y_d) · Σ_j gy_j
//!   softmax_backward:     gx_d = y_d · (gy_d − Σ_j gy_j · y_j)
//! NaN anywhere in a line makes the whole line NaN (it reaches s).
//! Every exponent is ≤ 0 (x − m, and y = log_softmax): log_softmax's sum
//! uses math's exp_neg_flush (0 below ≈ 2^−126.5, an absolute error
//! < 1.2e-38 that only reaches ln s); softmax's outputs and the backward
//! use exp_neg, which keeps subnormal results (a later factor may scale them up).
//! s is summed in blocks of 8 terms, the block sums added with Kahan's
//! compensation: plain f32 sums over rows of ~600 classes put ~1e-6 of error
//! into ln s (found by the differential fuzzer through cross entropy's
//! target gradient); this way ≈ 8 ulps at worst whatever the length, with
//! one compensated addition per 8 terms (Kahan on every term cost 15%).
//!
//! Lines are processed four at a time in SIMD lanes: four adjacent columns
//! (contiguous loads) when inner ≥ 4, four adjacent rows (gathered loads)
//! when inner = 1, e.g. logits (64, 10); the leftover lines are scalar, and
//! the host runs every line scalar. Sizes that do not fit the slices make
//! the kernels return without writing.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;
use crate::simd::lanes::Lane;

/// One kernel over one lane group, whose element d is at `base + d·st`
/// (+ lane·ls); `a`, `b` are the inputs (b unused by the forwards).
trait LineKernel {
    /// # Safety
    /// Every such index, for d < dim and every lane, is in bounds of every slice.
    #[allow(clippy::too_many_arguments)]
    unsafe fn run<L: Lane>(a: &[f32], b: &[f32], out: &mut [f32], base: usize, ls: usize, dim: usize, st: usize);
}

/// Terms summed plainly before one compensated addition.
const BLOCK: usize = 8;

/// Kahan's compensated running sum.
struct Kahan<L: Lane> {
    sum: L,
    carry: L,
}

impl<L: Lane> Kahan<L> {
    #[inline(always)]
    fn new() -> Self {
        Self { sum: L::splat(0.0), carry: L::splat(0.0) }
    }

    #[inline(always)]
    fn add(&mut self, v: L) {
        let y = v.sub(self.carry);
        let t = self.sum.add(y);
        self.carry = t.sub(self.sum).sub(y);
        self.sum = t;
    }
}

/// The max of a lane group's lines (the shift that keeps every exp ≤ 1).
///
/// # Safety
/// As `LineKernel::run`.
#[inline(always)]
unsafe fn line_max<L: Lane>(x: &[f32], base: usize, ls: usize, dim: usize, st: usize) -> L {
    let mut m = L::splat(f32::NEG_INFINITY);
    for d in 0..dim {
        // SAFETY: in bounds by this function's contract.
        m = m.max(unsafe { L::load(x, base + d * st, ls) });
    }
    m
}

struct LogSoftmax;
impl LineKernel for LogSoftmax {
    unsafe fn run<L: Lane>(x: &[f32], _: &[f32], out: &mut [f32], base: usize, ls: usize, dim: usize, st: usize) {
        // SAFETY (all loads/stores): in bounds by this function's contract.
        unsafe {
            let m = line_max::<L>(x, base, ls, dim, st);
            let mut s = Kahan::<L>::new();
            let mut d = 0;
            while d < dim {
                // Plain f32 sums of ≤ BLOCK terms, compensated between blocks.
                let end = (d + BLOCK).min(dim);
                let mut b = L::splat(0.0);
                while d < end {
                    b = b.add(L::load(x, base + d * st, ls).sub(m).exp_neg_flush());
                    d += 1;
                }
                s.add(b);
            }
            let ln_s = s.sum.ln();
            for d in 0..dim {
                let i = base + d * st;
                L::store(out, i, ls, L::load(x, i, ls).sub(m).sub(ln_s));
            }
        }
    }
}

struct Softmax;
impl LineKernel for Softmax {
    unsafe fn run<L: Lane>(x: &[f32], _: &[f32], out: &mut [f32], base: usize, ls: usize, dim: usize, st: usize) {
        // SAFETY (all loads/stores): in bounds by this function's contract.
        unsafe {
            let m = line_max::<L>(x, base, ls, dim, st);
            let mut s = Kahan::<L>::new();
            let mut d = 0;
            while d < dim {
                let end = (d + BLOCK).min(dim);
                let mut b = L::splat(0.0);
                while d < end {
                    let i = base + d * st;
                    let e = L::load(x, i, ls).sub(m).exp_neg();
                    L::store(out, i, ls, e);
                    b = b.add(e);
                    d += 1;
                }
                s.add(b);
            }
            for d in 0..dim {
                let i = base + d * st;
                L::store(out, i, ls, L::load(out, i, ls).div(s.sum));
            }
        }
    }
}

struct LogSoftmaxBackward;
impl LineKernel for LogSoftmaxBackward {
    unsafe fn run<L: Lane>(y: &[f32], gy: &[f32], gx: &mut [f32], base: usize, ls: usize, dim: usize, st: usize) {
        // SAFETY (all loads/stores): in bounds by this function's contract.
        unsafe {
            let mut g = L::splat(0.0);
            for d in 0..dim {
                g = g.add(L::load(gy, base + d * st, ls));
            }
            for d in 0..dim {
                let i = base + d * st;
                L::store(gx, i, ls, L::load(gy, i, ls).sub(L::load(y, i, ls).exp_neg().mul(g)));
            }
        }
    }
}

struct SoftmaxBackward;
impl LineKernel for SoftmaxBackward {
    unsafe fn run<L: Lane>(y: &[f32], gy: &[f32], gx: &mut [f32], base: usize, ls: usize, dim: usize, st: usize) {
        // SAFETY (all loads/stores): in bounds by this function's contract.
        unsafe {
            let mut g = L::splat(0.0);
            for d in 0..dim {
                let i = base + d * st;
                g = g.add(L::load(gy, i, ls).mul(L::load(y, i, ls)));
            }
            for d in 0..dim {
                let i = base + d * st;
                L::store(gx, i, ls, L::load(y, i, ls).mul(L::load(gy, i, ls).sub(g)));
            }
        }
    }
}

/// Runs kernel K over every line of (outer, dim, inner).
fn lines<K: LineKernel>(a: &[f32], b: &[f32], out: &mut [f32], outer: usize, dim: usize, inner: usize) {
    let Some(total) = outer.checked_mul(dim).and_then(|t| t.checked_mul(inner)) else { return };
    if a.len() < total || b.len() < total || out.len() < total || total == 0 {
        return;
    }
    let block = dim * inner;
    let mut o = 0;
    // SAFETY (every call): a group of rows o..o + 4 (inner = 1) reaches
    // indexes < (o + 4)·dim ≤ total; a group of columns i..i + 4 of row o
    // reaches < o·block + (dim − 1)·inner + i + 4 ≤ (o + 1)·block ≤ total.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if inner == 1 {
        while o + 4 <= outer {
            unsafe { K::run::<Four<false>>(a, b, out, o * dim, dim, dim, 1) };
            o += 4;
        }
    }
    while o < outer {
        let mut i = 0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        while i + 4 <= inner {
            unsafe { K::run::<Four<true>>(a, b, out, o * block + i, 1, dim, inner) };
            i += 4;
        }
        while i < inner {
            unsafe { K::run::<f32>(a, b, out, o * block + i, 0, dim, inner) };
            i += 1;
        }
        o += 1;
    }
}

/// out = log_softmax(x) along dim (see the header).
pub fn log_softmax(x: &[f32], outer: usize, dim: usize, inner: usize, out: &mut [f32]) {
    lines::<LogSoftmax>(x, x, out, outer, dim, inner)
}

/// out = softmax(x) along dim (see the header).
pub fn softmax(x: &[f32], outer: usize, dim: usize, inner: usize, out: &mut [f32]) {
    lines::<Softmax>(x, x, out, outer, dim, inner)
}

/// gx = gy − exp(y) · Σ_dim gy, with y = log_softmax(x).
pub fn log_softmax_backward(y: &[f32], gy: &[f32], outer: usize, dim: usize, inner: usize, gx: &mut [f32]) {
    lines::<LogSoftmaxBackward>(y, gy, gx, outer, dim, inner)
}

/// gx = y · (gy − Σ_dim gy·y), with y = softmax(x).
pub fn softmax_backward(y: &[f32], gy: &[f32], outer: usize, dim: usize, inner: usize, gx: &mut [f32]) {
    lines::<SoftmaxBackward>(y, gy, gx, outer, dim, inner)
}
