//! Softmax / log-softmax and their gradients against float64 references over
//! (outer, dim, inner) views (rows, columns, tails), with large logits (the
//! max shift), NaN confined to its line, and sizes that do not fit.

mod losses_support;

use losses_support::{assert_close, Rng};
use neurenix_kernels::softmax::*;

const SHAPES: [(usize, usize, usize); 10] =
    [(1, 1, 1), (64, 10, 1), (7, 33, 1), (5, 3, 1), (2, 4, 2), (3, 5, 4), (2, 6, 7), (1, 9, 13), (3, 1, 5), (2, 2, 9)];

/// The line of (o, i): its flat indexes.
fn line(o: usize, i: usize, dim: usize, inner: usize) -> impl Iterator<Item = usize> + Clone {
    (0..dim).map(move |d| (o * dim + d) * inner + i)
}

#[test]
fn forward_and_backward_match_f64() {
    let mut rng = Rng::new(40);
    for (outer, dim, inner) in SHAPES {
        let total = outer * dim * inner;
        for scale in [3.0, 1e4] {
            let x = rng.vec(total, -scale, scale);
            let gy = rng.vec(total, -1.0, 1.0);
            let (mut ls, mut sm, mut gls, mut gsm) = (vec![0.0f32; total], vec![0.0f32; total], vec![0.0f32; total], vec![0.0f32; total]);
            log_softmax(&x, outer, dim, inner, &mut ls);
            softmax(&x, outer, dim, inner, &mut sm);
            log_softmax_backward(&ls, &gy, outer, dim, inner, &mut gls);
            softmax_backward(&sm, &gy, outer, dim, inner, &mut gsm);
            for o in 0..outer {
                for i in 0..inner {
                    let l = line(o, i, dim, inner);
                    let max = l.clone().map(|j| x[j] as f64).fold(f64::NEG_INFINITY, f64::max);
                    let lse = max + l.clone().map(|j| (x[j] as f64 - max).exp()).sum::<f64>().ln();
                    let sum_gy: f64 = l.clone().map(|j| gy[j] as f64).sum();
                    let p = |j: usize| (x[j] as f64 - lse).exp();
                    let sum_gy_p: f64 = l.clone().map(|j| gy[j] as f64 * p(j)).sum();
                    for j in l {
                        let what = format!("({outer},{dim},{inner}) scale {scale} [{j}]");
                        // log-softmax: absolute error relative to the logits' magnitude.
                        assert_close(&format!("log_softmax {what}"), ls[j] as f64, x[j] as f64 - lse, 1e-6, 1e-6 * (1.0 + max.abs()));
                        assert_close(&format!("softmax {what}"), sm[j] as f64, p(j), 1e-5, 1e-7);
                        assert_close(&format!("log_softmax' {what}"), gls[j] as f64, gy[j] as f64 - p(j) * sum_gy, 1e-5, 1e-6);
                        assert_close(&format!("softmax' {what}"), gsm[j] as f64, p(j) * (gy[j] as f64 - sum_gy_p), 1e-4, 1e-6);
                    }
                }
            }
        }
    }
}

#[test]
fn nan_stays_in_its_line() {
    // (3, 4, 5): NaN at o=1, d=2, i=3 poisons only line (1, 3).
    let (outer, dim, inner) = (3, 4, 5);
    let mut x: Vec<f32> = (0..60).map(|v| (v % 7) as f32).collect();
    x[(dim + 2) * inner + 3] = f32::NAN;
    let mut out = vec![0.0f32; 60];
    for f in [log_softmax, softmax] {
        f(&x, outer, dim, inner, &mut out);
        for o in 0..outer {
            for i in 0..inner {
                let poisoned = o == 1 && i == 3;
                assert!(line(o, i, dim, inner).all(|j| out[j].is_nan() == poisoned), "line ({o}, {i})");
            }
        }
    }
    // Rows (inner = 1), 6 rows so the 4-row groups and the leftovers both see it.
    let mut x: Vec<f32> = (0..6 * 10).map(|v| (v % 5) as f32).collect();
    x[4 * 10 + 7] = f32::NAN;
    let mut out = vec![0.0f32; 60];
    log_softmax(&x, 6, 10, 1, &mut out);
    for o in 0..6 {
        assert!(out[o * 10..o * 10 + 10].iter().all(|v| v.is_nan() == (o == 4)), "row {o}");
    }
}

#[test]
fn sizes_that_do_not_fit_write_nothing() {
    let x = [1.0f32; 6];
    let mut out = [7.0f32; 6];
    softmax(&x, 2, 4, 1, &mut out);
    log_softmax(&x, 2, 3, 1, &mut out[..5]);
    softmax_backward(&x, &x[..5], 2, 3, 1, &mut out);
    log_softmax_backward(&x, &x, usize::MAX, 2, 2, &mut out);
    assert_eq!(out, [7.0; 6]);
}
