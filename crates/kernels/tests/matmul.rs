//! The blocked matmul (its host twin runs the same packing, tiling and
//! k-blocking as the SIMD build) against a float64 reference: every
//! transpose / accumulate combination, shapes off the 4×8 tile and across the
//! 256-wide k blocks, k = 0, and sizes that do not fit.

mod losses_support;

use losses_support::{assert_close, Rng};
use neurenix_kernels::matmul::matmul;

/// out(m,n) (+)= A·B in f64, from the stored layouts, and Σ|a||b| for the tolerance.
fn reference(a: &[f32], b: &[f32], m: usize, k: usize, n: usize, ta: bool, tb: bool) -> (Vec<f64>, Vec<f64>) {
    let at = |i: usize, p: usize| a[if ta { p * m + i } else { i * k + p }] as f64;
    let bt = |p: usize, j: usize| b[if tb { j * k + p } else { p * n + j }] as f64;
    let mut out = vec![0.0; m * n];
    let mut mag = vec![0.0; m * n];
    for i in 0..m {
        for j in 0..n {
            for p in 0..k {
                out[i * n + j] += at(i, p) * bt(p, j);
                mag[i * n + j] += (at(i, p) * bt(p, j)).abs();
            }
        }
    }
    (out, mag)
}

fn check(rng: &mut Rng, m: usize, k: usize, n: usize) {
    let a = rng.vec(m * k, -1.0, 1.0);
    let b = rng.vec(k * n, -1.0, 1.0);
    let start = rng.vec(m * n, -1.0, 1.0);
    for flags in 0..8 {
        let (ta, tb, acc) = (flags & 1 != 0, flags & 2 != 0, flags & 4 != 0);
        let (want, mag) = reference(&a, &b, m, k, n, ta, tb);
        let mut out = start.clone();
        out.push(f32::NAN); // sentinel past the end
        matmul(&a, &b, &mut out[..m * n], m, k, n, ta, tb, acc);
        assert!(out[m * n].is_nan(), "wrote past the end");
        for idx in 0..m * n {
            let w = want[idx] + if acc { start[idx] as f64 } else { 0.0 };
            // f32 accumulation over k terms: error ≤ k·eps·Σ|a||b| (loosely).
            let tol = (k as f64 + 2.0) * 6e-8 * (mag[idx] + 1.0);
            let what = format!("{m}x{k}x{n} ta={ta} tb={tb} acc={acc} [{idx}]");
            assert_close(&what, out[idx] as f64, w, 0.0, tol);
        }
    }
}

#[test]
fn small_and_ragged_shapes() {
    let mut rng = Rng::new(20);
    for m in 1..=9 {
        for n in [1, 3, 7, 8, 9, 16, 17] {
            for k in [1, 2, 5] {
                check(&mut rng, m, k, n);
            }
        }
    }
}

#[test]
fn shapes_across_k_blocks_and_of_the_mlp() {
    let mut rng = Rng::new(21);
    for (m, k, n) in [(37, 53, 29), (5, 256, 9), (6, 257, 8), (13, 600, 11), (64, 784, 10), (10, 64, 128)] {
        check(&mut rng, m, k, n);
    }
}

#[test]
fn k_zero_gives_zeros_or_leaves_out() {
    let mut out = [3.0f32; 6];
    matmul(&[], &[], &mut out, 2, 0, 3, false, true, true);
    assert_eq!(out, [3.0; 6]);
    matmul(&[], &[], &mut out, 2, 0, 3, true, false, false);
    assert_eq!(out, [0.0; 6]);
}

#[test]
fn identity_and_exact_small_integers() {
    // Integers keep every partial sum exact, so the result is exact.
    let a: Vec<f32> = (0..12).map(|v| v as f32).collect(); // 3×4
    let b: Vec<f32> = (0..20).map(|v| (v % 7) as f32 - 3.0).collect(); // 4×5
    let mut out = vec![0.0f32; 15];
    matmul(&a, &b, &mut out, 3, 4, 5, false, false, false);
    let (want, _) = reference(&a, &b, 3, 4, 5, false, false);
    assert_eq!(out.iter().map(|&v| v as f64).collect::<Vec<_>>(), want);
}

#[test]
fn sizes_that_do_not_fit_write_nothing() {
    let a = [1.0f32; 6];
    let mut out = [9.0f32; 4];
    matmul(&a, &a, &mut out, 2, 4, 2, false, false, false); // a needs 8
    matmul(&a, &a, &mut out, 2, 3, 3, false, false, false); // out needs 6
    matmul(&a, &a, &mut out, usize::MAX, 2, 2, false, false, false); // overflow
    assert_eq!(out, [9.0; 4]);
}
