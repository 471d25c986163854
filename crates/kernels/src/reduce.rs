//! Reductions: Σx (f64), sums and maxima along one axis.
//!
//! x is viewed as (outer, dim, inner); the axis is `dim`:
//!   sum_axis: out[o·inner + i] = Σ_d x[(o·dim + d)·inner + i]
//!   max_axis: out[o·inner + i] = max_d x[(o·dim + d)·inner + i], NaN if any is NaN
//!
//! Accuracy of sums: the SIMD body adds BLOCK = 256 floats into 16 f32 lane
//! partials (16 terms each), then folds them into an f64 total, so the
//! relative error stays near f32's unit roundoff times 16 rather than times
//! n (the mean of 4e6 elements is within 1e-6 of exact). Sums along an axis
//! with inner > 1 accumulate in f64 lanes (f64x2) directly. The host form
//! accumulates every term in f64.
//!
//! Maxima use `pmax` (one instruction in V8, unlike `f32x4.max`), which drops
//! a NaN in its second operand, so NaN is tracked in a separate mask.
//!
//! Shapes that do not fit the slices are ignored (nothing is written): the
//! caller validates, and the kernels never panic.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::{load_at, store_at};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// outer·dim·inner and outer·inner when they fit in `x` and `out`.
fn fits(x: &[f32], out: &[f32], outer: usize, dim: usize, inner: usize) -> Option<(usize, usize)> {
    let total = outer.checked_mul(dim)?.checked_mul(inner)?;
    let rows = outer.checked_mul(inner)?;
    (total <= x.len() && rows <= out.len()).then_some((total, rows))
}

/// Σ x[i], accumulated accurately (see the header).
pub fn sum(x: &[f32]) -> f64 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        const BLOCK: usize = 256;
        let (blocks, tail) = x.as_chunks::<BLOCK>();
        let mut total = 0.0f64;
        for block in blocks {
            let mut acc = [f32x4_splat(0.0); 4];
            for quad in block.as_chunks::<16>().0 {
                for (a, q) in acc.iter_mut().zip(quad.as_chunks::<4>().0) {
                    *a = f32x4_add(*a, v::load(q));
                }
            }
            total += v::hsum_f64(f32x4_add(f32x4_add(acc[0], acc[1]), f32x4_add(acc[2], acc[3])));
        }
        tail.iter().fold(total, |s, &t| s + t as f64)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        x.iter().fold(0.0f64, |s, &t| s + t as f64)
    }
}

/// Sums along `dim` (see the header).
pub fn sum_axis(x: &[f32], outer: usize, dim: usize, inner: usize, out: &mut [f32]) {
    let Some((total, rows)) = fits(x, out, outer, dim, inner) else { return };
    let (x, out) = (&x[..total], &mut out[..rows]);
    if inner == 1 {
        if dim == 0 {
            out.fill(0.0);
            return;
        }
        for (row, o) in x.chunks_exact(dim).zip(out.iter_mut()) {
            *o = sum(row) as f32;
        }
        return;
    }
    for o in 0..outer {
        let base = o * dim * inner;
        #[allow(unused_mut)] // only the SIMD body advances it
        let mut i = 0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        while i + 4 <= inner {
            let (mut lo, mut hi) = (f64x2_splat(0.0), f64x2_splat(0.0));
            for d in 0..dim {
                // SAFETY: base + d·inner + i + 4 ≤ (o + 1)·dim·inner ≤ total.
                let t = unsafe { load_at(x, base + d * inner + i) };
                lo = f64x2_add(lo, f64x2_promote_low_f32x4(t));
                hi = f64x2_add(hi, f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(t, t)));
            }
            let r = i32x4_shuffle::<0, 1, 4, 5>(f32x4_demote_f64x2_zero(lo), f32x4_demote_f64x2_zero(hi));
            // SAFETY: o·inner + i + 4 ≤ (o + 1)·inner ≤ rows.
            unsafe { store_at(out, o * inner + i, r) };
            i += 4;
        }
        for c in i..inner {
            let mut s = 0.0f64;
            for d in 0..dim {
                s += x[base + d * inner + c] as f64;
            }
            out[o * inner + c] = s as f32;
        }
    }
}

/// NaN-propagating maximum for the scalar paths: keeps a NaN once seen.
#[inline(always)]
fn max_nan(m: f32, t: f32) -> f32 {
    if t > m || (t != t && m == m) { t } else { m }
}

/// Maxima along `dim` (see the header); dim = 0 gives −inf.
pub fn max_axis(x: &[f32], outer: usize, dim: usize, inner: usize, out: &mut [f32]) {
    let Some((total, rows)) = fits(x, out, outer, dim, inner) else { return };
    let (x, out) = (&x[..total], &mut out[..rows]);
    if dim == 0 {
        out.fill(f32::NEG_INFINITY);
        return;
    }
    if inner == 1 {
        for (row, o) in x.chunks_exact(dim).zip(out.iter_mut()) {
            *o = max_row(row);
        }
        return;
    }
    for o in 0..outer {
        let base = o * dim * inner;
        #[allow(unused_mut)] // only the SIMD body advances it
        let mut i = 0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        while i + 4 <= inner {
            let mut m = f32x4_splat(f32::NEG_INFINITY);
            let mut nan = f32x4_splat(0.0);
            for d in 0..dim {
                // SAFETY: base + d·inner + i + 4 ≤ (o + 1)·dim·inner ≤ total.
                let t = unsafe { load_at(x, base + d * inner + i) };
                m = v::pmax(m, t);
                nan = v128_or(nan, f32x4_ne(t, t));
            }
            let r = v::select(nan, f32x4_splat(f32::NAN), m);
            // SAFETY: o·inner + i + 4 ≤ (o + 1)·inner ≤ rows.
            unsafe { store_at(out, o * inner + i, r) };
            i += 4;
        }
        for c in i..inner {
            let mut m = x[base + c];
            for d in 1..dim {
                m = max_nan(m, x[base + d * inner + c]);
            }
            out[o * inner + c] = m;
        }
    }
}

/// max of a non-empty contiguous row, NaN if any element is NaN.
fn max_row(row: &[f32]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (mut m, row) = {
        let (chunks, tail) = row.as_chunks::<4>();
        let mut m = f32x4_splat(f32::NEG_INFINITY);
        let mut nan = f32x4_splat(0.0);
        for c in chunks {
            let t = v::load(c);
            m = v::pmax(m, t);
            nan = v128_or(nan, f32x4_ne(t, t));
        }
        (if v128_any_true(nan) { f32::NAN } else { v::hmax(m) }, tail)
    };
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    let mut m = f32::NEG_INFINITY;
    for &t in row {
        m = max_nan(m, t);
    }
    m
}
