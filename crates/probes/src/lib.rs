//! Memory-bandwidth probes for the benchmarks: the least work wasm SIMD128
//! can do per byte read (Σx) or read and written (out = x·k), the yardstick
//! for memory-bound kernels such as MSE and L1.
//!
//! A probe must be bound by memory, not by its own arithmetic. A single
//! chain of `f32x4.add` is bound by the add's latency (3–4 cycles per 16
//! bytes, ≈ 78 GB/s here), which a fast L2-resident pass beats; so the read
//! probe keeps `acc` independent accumulators (4, 8 or 12 vectors, chosen by
//! the caller), and bench/contenders/sweep.ts takes the fastest count for
//! each size: when adding accumulators stops helping, what is left is the
//! memory. 16 would not fit V8's 15 usable xmm registers.
//!
//! `exp_limit` is the floor of cross entropy's forward + gradient on rows of
//! logits: the passes no such kernel can skip — the row's max, e^{x−m}
//! stored with its sum, and the stored row scaled by 1/S — run with the
//! kernels' own row functions (losses::softmax_row: the same exp, chains
//! and f64 folds, blocks with a running max from 8192 classes) and nothing
//! else (no target, no loss). bench/contenders/sweep.ts reports cross
//! entropy as a fraction of it: what its target and loss bookkeeping and
//! the API cost on top.
//!
//! Exports follow the kernels' convention (crates/wasm/src/exports.rs):
//! byte addresses in the imported memory, i32 sizes; the memory is the
//! heap's (`env.memory`), so the probes read the very arrays the kernels do.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// Σ x in f32 with ACC independent vector accumulators (not an accurate sum:
/// its only use is to make the loads happen).
pub fn read_sum<const ACC: usize>(x: &[f32]) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let mut acc = [f32x4_splat(0.0); ACC];
        let step = 4 * ACC;
        let mut i = 0;
        while i + step <= x.len() {
            for (k, a) in acc.iter_mut().enumerate() {
                // SAFETY: i + 4k + 4 ≤ i + step ≤ len; v128_load reads unaligned.
                *a = f32x4_add(*a, unsafe { v128_load(x.as_ptr().add(i + 4 * k) as *const v128) });
            }
            i += step;
        }
        let mut s = 0.0;
        for a in acc {
            s += f32x4_extract_lane::<0>(a) + f32x4_extract_lane::<1>(a);
            s += f32x4_extract_lane::<2>(a) + f32x4_extract_lane::<3>(a);
        }
        x[i..].iter().fold(s, |s, &t| s + t)
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        x.iter().fold(0.0f32, |s, &t| s + t)
    }
}

/// The factor of the read+write probe.
pub const K: f32 = 1.0001;

/// out[i] = x[i] · K, 16 floats per iteration: no chain between iterations,
/// so the loop costs little beyond the memory traffic.
pub fn scale_copy(x: &[f32], out: &mut [f32]) {
    let n = x.len().min(out.len());
    let (x, out) = (&x[..n], &mut out[..n]);
    #[allow(unused_mut)] // only the SIMD loop advances it
    let mut i = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        let k = f32x4_splat(K);
        while i + 16 <= n {
            for l in 0..4 {
                // SAFETY: i + 4l + 4 ≤ i + 16 ≤ n for both slices.
                unsafe {
                    let v = v128_load(x.as_ptr().add(i + 4 * l) as *const v128);
                    v128_store(out.as_mut_ptr().add(i + 4 * l) as *mut v128, f32x4_mul(v, k));
                }
            }
            i += 16;
        }
    }
    for (xi, oi) in x[i..].iter().zip(out[i..].iter_mut()) {
        *oi = *xi * K;
    }
}

/// The exp limit over rows of `cols` logits (see the header); returns Σ of the row sums.
pub fn exp_limit(x: &[f32], out: &mut [f32], cols: usize) -> f32 {
    let mut total = 0.0;
    if cols == 0 {
        return total;
    }
    for (xr, er) in x.chunks_exact(cols).zip(out.chunks_exact_mut(cols)) {
        total += softmax_row(xr, er);
    }
    total
}

/// One row's softmax into `e` by the kernels' passes; its sum S.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn softmax_row(x: &[f32], e: &mut [f32]) -> f32 {
    use neurenix_kernels::losses::softmax_row::{blocked, row_exp_sum, row_max, scale_row, LONG};
    if x.len() >= LONG {
        if let Some(b) = blocked(x, Some(&mut *e)) {
            b.scale(e, 1.0 / b.s);
            return b.s;
        }
    }
    let m = row_max(x);
    let s = row_exp_sum(x, m, Some(&mut *e)) as f32;
    scale_row(e, 1.0 / s);
    s
}

/// The host form (tests): the same softmax in plain f64-summed f32.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn softmax_row(x: &[f32], e: &mut [f32]) -> f32 {
    let m = x.iter().fold(f32::NEG_INFINITY, |m, &t| if m < t { t } else { m });
    let mut s = 0.0f64;
    for (xv, ev) in x.iter().zip(e.iter_mut()) {
        *ev = neurenix_kernels::math::exp_neg_flush_f32(*xv - m);
        s += *ev as f64;
    }
    let s = s as f32;
    e.iter_mut().for_each(|v| *v /= s);
    s
}

#[cfg(target_arch = "wasm32")]
mod exports {
    /// Σ x[0..n] with `acc` accumulators (4, 8 or 12; anything else gives NaN).
    ///
    /// # Safety
    /// x is the 4-byte-aligned address of n f32 inside the memory.
    #[no_mangle]
    pub unsafe extern "C" fn bandwidth_read(x: *const f32, n: usize, acc: usize) -> f32 {
        // SAFETY: the caller's contract.
        let x = if n == 0 { &[][..] } else { unsafe { core::slice::from_raw_parts(x, n) } };
        match acc {
            4 => super::read_sum::<4>(x),
            8 => super::read_sum::<8>(x),
            12 => super::read_sum::<12>(x),
            _ => f32::NAN,
        }
    }

    /// out[i] = x[i] · 1.0001 for i < n.
    ///
    /// # Safety
    /// x and out are 4-byte-aligned addresses of n f32 each inside the
    /// memory, not overlapping.
    #[no_mangle]
    pub unsafe extern "C" fn bandwidth_read_write(x: *const f32, out: *mut f32, n: usize) {
        if n == 0 {
            return;
        }
        // SAFETY: the caller's contract.
        let (x, out) = unsafe { (core::slice::from_raw_parts(x, n), core::slice::from_raw_parts_mut(out, n)) };
        super::scale_copy(x, out);
    }

    /// The cross-entropy exp limit over rows × cols logits at x, e^{x−m}/S into out.
    ///
    /// # Safety
    /// x and out are 4-byte-aligned addresses of rows·cols f32 each inside
    /// the memory, not overlapping.
    #[no_mangle]
    pub unsafe extern "C" fn exp_limit(x: *const f32, out: *mut f32, rows: usize, cols: usize) -> f32 {
        let Some(n) = rows.checked_mul(cols).filter(|&n| n > 0) else { return 0.0 };
        // SAFETY: the caller's contract.
        let (x, out) = unsafe { (core::slice::from_raw_parts(x, n), core::slice::from_raw_parts_mut(out, n)) };
        super::exp_limit(x, out, cols)
    }

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_sum_adds_every_element() {
        for n in [0usize, 1, 15, 16, 47, 48, 100, 1000] {
            let x: Vec<f32> = (0..n).map(|i| (i % 7) as f32).collect();
            let want: f32 = x.iter().sum();
            assert_eq!(read_sum::<4>(&x), want, "n={n}");
            assert_eq!(read_sum::<12>(&x), want, "n={n}");
        }
    }

    #[test]
    fn exp_limit_is_a_softmax_per_row() {
        let x: Vec<f32> = (0..3 * 37).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
        let mut out = vec![0.0; x.len()];
        exp_limit(&x, &mut out, 37);
        for (xr, er) in x.chunks(37).zip(out.chunks(37)) {
            let m = xr.iter().cloned().fold(f32::NEG_INFINITY, f32::max) as f64;
            let s: f64 = xr.iter().map(|&v| (v as f64 - m).exp()).sum();
            for (&v, &e) in xr.iter().zip(er) {
                assert!((e as f64 - (v as f64 - m).exp() / s).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn scale_copy_writes_x_times_k() {
        let x: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let mut out = vec![0.0; 37];
        scale_copy(&x, &mut out);
        assert!(x.iter().zip(&out).all(|(a, b)| *b == *a * K));
    }
}
