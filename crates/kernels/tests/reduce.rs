//! Sums and maxima against float64 references: every length 0..=33, axis
//! views with inner = 1 and inner > 1 (odd widths for the SIMD tails), NaN,
//! shapes that do not fit, and the 4e6-element sum within 1e-6 relative.

mod losses_support;

use losses_support::{assert_close, Rng};
use neurenix_kernels::reduce::*;

#[test]
fn sum_matches_f64_for_every_tail_and_for_4e6_elements() {
    let mut rng = Rng::new(10);
    for n in 0..=33 {
        let x = rng.vec(n, -3.0, 3.0);
        let want: f64 = x.iter().map(|&v| v as f64).sum();
        assert_close(&format!("sum n={n}"), sum(&x), want, 1e-12, 1e-12);
    }
    let x = rng.vec(4_000_000, 0.0, 1.0);
    let want: f64 = x.iter().map(|&v| v as f64).sum();
    assert_close("sum of 4e6", sum(&x), want, 1e-6, 0.0);
}

/// (outer, dim, inner) shapes covering inner = 1, tails of 1..3 columns, and dim = 1.
const SHAPES: [(usize, usize, usize); 9] =
    [(1, 1, 1), (3, 7, 1), (2, 33, 1), (4, 5, 2), (3, 6, 4), (2, 9, 7), (1, 1, 13), (5, 3, 9), (2, 300, 5)];

#[test]
fn sum_axis_and_max_axis_match_references() {
    let mut rng = Rng::new(11);
    for (outer, dim, inner) in SHAPES {
        let x = rng.vec(outer * dim * inner, -4.0, 4.0);
        let mut s = vec![f32::NAN; outer * inner + 1];
        let mut m = vec![f32::NAN; outer * inner + 1];
        sum_axis(&x, outer, dim, inner, &mut s[..outer * inner]);
        max_axis(&x, outer, dim, inner, &mut m[..outer * inner]);
        assert!(s[outer * inner].is_nan() && m[outer * inner].is_nan(), "wrote past the end");
        for o in 0..outer {
            for i in 0..inner {
                let col = (0..dim).map(|d| x[(o * dim + d) * inner + i] as f64);
                let want_s: f64 = col.clone().sum();
                let want_m = col.fold(f64::NEG_INFINITY, f64::max);
                let what = format!("({outer},{dim},{inner}) o={o} i={i}");
                // The f64 sum is rounded once to f32.
                assert_close(&format!("sum {what}"), s[o * inner + i] as f64, want_s, 6e-8, 1e-12);
                assert_eq!(m[o * inner + i] as f64, want_m, "max {what}");
            }
        }
    }
}

#[test]
fn max_axis_propagates_nan_and_handles_infinities() {
    // (2, 3, 5): NaN in the first and last position of two columns.
    let mut x = vec![f32::NEG_INFINITY; 30];
    x[0] = f32::NAN; // o=0, d=0, i=0
    x[2 * 5 + 4] = f32::NAN; // o=0, d=2, i=4
    x[15 + 5 + 1] = 7.0; // o=1, d=1, i=1
    let mut m = [0.0f32; 10];
    max_axis(&x, 2, 3, 5, &mut m);
    assert!(m[0].is_nan() && m[4].is_nan());
    assert_eq!(m[1..4], [f32::NEG_INFINITY; 3]);
    assert_eq!(m[6], 7.0);
    // Rows (inner = 1): NaN anywhere, including the SIMD tail.
    for pos in 0..11 {
        let mut row = vec![1.0f32; 11];
        row[pos] = f32::NAN;
        let mut out = [0.0f32];
        max_axis(&row, 1, 11, 1, &mut out);
        assert!(out[0].is_nan(), "NaN at {pos}");
    }
}

#[test]
fn shapes_that_do_not_fit_write_nothing() {
    let x = [1.0f32; 6];
    let mut out = [5.0f32; 2];
    sum_axis(&x, 2, 4, 1, &mut out); // needs 8 inputs
    max_axis(&x, 3, 2, 1, &mut out); // needs 3 outputs
    sum_axis(&x, usize::MAX, 2, 2, &mut out); // overflows
    assert_eq!(out, [5.0, 5.0]);
    sum_axis(&x, 2, 0, 1, &mut out);
    assert_eq!(out, [0.0, 0.0], "an empty axis sums to 0");
}
