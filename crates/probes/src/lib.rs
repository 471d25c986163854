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
    fn scale_copy_writes_x_times_k() {
        let x: Vec<f32> = (0..37).map(|i| i as f32).collect();
        let mut out = vec![0.0; 37];
        scale_copy(&x, &mut out);
        assert!(x.iter().zip(&out).all(|(a, b)| *b == *a * K));
    }
}
