//! MSE, L1, BCE and BCE-with-logits kernels against float64 references
//! written here (values and analytic gradients), over lengths 0..=33 (every
//! SIMD tail), with and without weight / pos_weight, at the extremes
//! (x = 0 and 1 for BCE, logits ±1e4, ±100, ±88), with NaN, and the 4e6-element
//! MSE mean within 1e-6 relative.

mod losses_support;

use losses_support::{assert_all_close, assert_close, run_all, Rng};
use neurenix_kernels::losses::elementwise::{bce_fwd_bwd, bce_with_logits_fwd_bwd, l1_fwd_bwd, mse_fwd_bwd};

const SCALE: f32 = 0.37;

/// f64 references: (loss, ∂loss/∂x) of one element.
fn mse64(x: f64, y: f64) -> (f64, f64) {
    ((x - y).powi(2), 2.0 * (x - y))
}

fn l1_64(x: f64, y: f64) -> (f64, f64) {
    let d = x - y;
    (d.abs(), if d > 0.0 { 1.0 } else if d < 0.0 { -1.0 } else { 0.0 })
}

fn bce64(x: f64, y: f64, w: f64) -> (f64, f64) {
    let loss = -w * (y * x.ln().max(-100.0) + (1.0 - y) * (1.0 - x).ln().max(-100.0));
    (loss, w * (x - y) / (x * (1.0 - x)).max(1e-12))
}

fn softplus64(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// Written as −w·(p·y·log σ(x) + (1 − y)·log σ(−x)), which is the kernel's
/// formula rearranged into non-negative terms (no cancellation in f64 either).
fn bce_logits64(x: f64, y: f64, w: f64, p: f64) -> (f64, f64) {
    let sigmoid = |z: f64| if z >= 0.0 { 1.0 / (1.0 + (-z).exp()) } else { z.exp() / (1.0 + z.exp()) };
    let loss = w * (p * y * softplus64(-x) + (1.0 - y) * softplus64(x));
    (loss, w * ((1.0 - y) * sigmoid(x) - p * y * sigmoid(-x)))
}

/// Compares one kernel run with the reference over every element.
#[allow(clippy::too_many_arguments)]
fn check(
    what: &str,
    x: &[f32],
    kernel: impl Fn(Option<&mut [f32]>, Option<&mut [f32]>) -> f64,
    reference: impl Fn(usize) -> (f64, f64),
    rtol: f64,
    atol: f64,
) {
    let out = run_all(x.len(), x.len(), kernel);
    let (loss, grad): (Vec<f64>, Vec<f64>) = (0..x.len()).map(&reference).unzip();
    let grad: Vec<f64> = grad.iter().map(|g| g * SCALE as f64).collect();
    assert_all_close(&format!("{what} loss"), &out.loss, &loss, rtol, atol);
    assert_all_close(&format!("{what} grad"), &out.grad, &grad, rtol, atol);
    let total: f64 = out.loss.iter().map(|&l| l as f64).sum();
    assert_close(&format!("{what} sum"), out.sum, total, 1e-12, 0.0);
}

fn f(v: f32) -> f64 {
    v as f64
}

#[test]
fn mse_and_l1_every_length() {
    let mut rng = Rng::new(1);
    for n in 0..=33 {
        let (x, y) = (rng.vec(n, -3.0, 3.0), rng.vec(n, -3.0, 3.0));
        check(
            &format!("mse n={n}"),
            &x,
            |l, g| mse_fwd_bwd(&x, &y, l, g, SCALE),
            |i| mse64(f(x[i]), f(y[i])),
            3e-7,
            1e-12,
        );
        check(
            &format!("l1 n={n}"),
            &x,
            |l, g| l1_fwd_bwd(&x, &y, l, g, SCALE),
            |i| l1_64(f(x[i]), f(y[i])),
            1e-7,
            1e-12,
        );
    }
}

#[test]
fn l1_gradient_is_zero_where_equal() {
    let x = [1.0f32, 2.0, -3.0, 0.0, 5.0];
    let out = run_all(5, 5, |l, g| l1_fwd_bwd(&x, &x, l, g, 1.0));
    assert_eq!(out.sum, 0.0);
    assert!(out.grad.iter().all(|&g| g == 0.0));
}

#[test]
fn bce_every_length_with_and_without_weight() {
    let mut rng = Rng::new(2);
    for n in 0..=33 {
        let x = rng.vec(n, 0.001, 0.999);
        let y = rng.vec(n, 0.0, 1.0);
        let w = rng.vec(n, 0.0, 2.0);
        check(
            &format!("bce n={n}"),
            &x,
            |l, g| bce_fwd_bwd(&x, &y, None, l, g, SCALE),
            |i| bce64(f(x[i]), f(y[i]), 1.0),
            1e-6,
            1e-9,
        );
        check(
            &format!("bce weighted n={n}"),
            &x,
            |l, g| bce_fwd_bwd(&x, &y, Some(&w), l, g, SCALE),
            |i| bce64(f(x[i]), f(y[i]), f(w[i])),
            1e-6,
            1e-9,
        );
    }
}

#[test]
fn bce_clamps_at_0_and_1() {
    // Targets 0/1 and soft, at the ends of [0, 1] and next to them.
    let x = [0.0f32, 0.0, 1.0, 1.0, 0.0, 1.0, 1e-30, 1.0 - 6e-8, 1e-10];
    let y = [0.0f32, 1.0, 1.0, 0.0, 0.5, 0.25, 1.0, 0.0, 0.0];
    let out = run_all(x.len(), x.len(), |l, g| bce_fwd_bwd(&x, &y, None, l, g, 1.0));
    assert_eq!(&out.loss[..4], &[0.0, 100.0, 0.0, 100.0]);
    assert_eq!(out.loss[4], 50.0);
    assert_eq!(out.loss[5], 75.0);
    assert_eq!(out.grad[0], 0.0);
    assert_eq!(out.grad[1], -1e12);
    assert_eq!(out.grad[3], 1e12);
    assert_eq!(out.grad[4], -0.5e12);
    for i in 0..x.len() {
        let (l, g) = bce64(f(x[i]), f(y[i]), 1.0);
        assert_close(&format!("bce edge loss[{i}]"), f(out.loss[i]), l, 1e-6, 0.0);
        assert_close(&format!("bce edge grad[{i}]"), f(out.grad[i]), g, 1e-6, 0.0);
    }
    // ln(1 − x) is exact for tiny x (log1p): −ln(1 − 1e-10) = 1e-10.
    assert_close("bce tiny x", f(out.loss[8]), 1e-10, 1e-6, 0.0);
}

#[test]
fn bce_with_logits_every_length_all_options() {
    let mut rng = Rng::new(3);
    for n in 0..=33 {
        let x = rng.vec(n, -12.0, 12.0);
        let y = rng.vec(n, 0.0, 1.0);
        let w = rng.vec(n, 0.0, 2.0);
        for classes in [1usize, 3, 4, 5] {
            let pw = rng.vec(classes, 0.2, 4.0);
            for (wo, po) in [(None, None), (Some(&w[..]), None), (None, Some(&pw[..])), (Some(&w[..]), Some(&pw[..]))] {
                check(
                    &format!("bce_with_logits n={n} classes={classes} w={} pw={}", wo.is_some(), po.is_some()),
                    &x,
                    |l, g| bce_with_logits_fwd_bwd(&x, &y, wo, po, l, g, SCALE),
                    |i| {
                        let wi = wo.map_or(1.0, |w| f(w[i]));
                        let pi = po.map_or(1.0, |p| f(p[i % classes]));
                        bce_logits64(f(x[i]), f(y[i]), wi, pi)
                    },
                    2e-6,
                    // (1 − y) − l·σ(−x) cancels for soft targets: f32 rounding of terms ≈ 1.
                    5e-7,
                );
            }
        }
    }
}

#[test]
fn bce_with_logits_extreme_logits() {
    let mut x = Vec::new();
    let mut y = Vec::new();
    for v in [1e4f32, -1e4, 100.0, -100.0, 88.0, -88.0, 20.0, -20.0, 0.0, 1e-20] {
        for t in [0.0f32, 1.0, 0.3] {
            x.push(v);
            y.push(t);
        }
    }
    let pw = [2.5f32];
    for po in [None, Some(&pw[..])] {
        let out = run_all(x.len(), x.len(), |l, g| bce_with_logits_fwd_bwd(&x, &y, None, po, l, g, 1.0));
        for i in 0..x.len() {
            let p = po.map_or(1.0, |p| f(p[0]));
            let (l, g) = bce_logits64(f(x[i]), f(y[i]), 1.0, p);
            let what = format!("x={} y={} pw={p}", x[i], y[i]);
            assert!(out.loss[i].is_finite() && out.grad[i].is_finite(), "{what}: not finite");
            // Per-element values stay right in the tails (e.g. 2.06e-9 at x = −20, y = 0);
            // e^-100 ≈ 3.7e-44 is an f32 subnormal, hence the absolute part.
            assert_close(&format!("{what} loss"), f(out.loss[i]), l, 2e-6, 1e-44);
            assert_close(&format!("{what} grad"), f(out.grad[i]), g, 2e-6, 1e-44);
        }
    }
}

#[test]
fn nan_propagates_without_panic() {
    let x = [0.5f32, f32::NAN, 0.25, 0.75, 0.1];
    let y = [0.0f32, 1.0, 1.0, 0.0, 0.5];
    for (name, out) in [
        ("mse", run_all(5, 5, |l, g| mse_fwd_bwd(&x, &y, l, g, 1.0))),
        ("l1", run_all(5, 5, |l, g| l1_fwd_bwd(&x, &y, l, g, 1.0))),
        ("bce", run_all(5, 5, |l, g| bce_fwd_bwd(&x, &y, None, l, g, 1.0))),
        ("bce_with_logits", run_all(5, 5, |l, g| bce_with_logits_fwd_bwd(&x, &y, None, None, l, g, 1.0))),
    ] {
        assert!(out.sum.is_nan(), "{name}: sum");
        assert!(out.loss[1].is_nan(), "{name}: loss[1]");
        assert!(out.loss.iter().enumerate().all(|(i, l)| i == 1 || l.is_finite()), "{name}: NaN leaked");
        // PyTorch's sign(NaN) is 0, so L1's gradient there is 0; the others are NaN.
        assert_eq!(out.grad[1].is_nan(), name != "l1", "{name}: grad[1]");
        assert!(out.grad.iter().enumerate().all(|(i, g)| i == 1 || g.is_finite()), "{name}: NaN leaked into grad");
    }
    // A NaN target too.
    let out = run_all(2, 2, |l, g| mse_fwd_bwd(&[1.0, 2.0], &[f32::NAN, 2.0], l, g, 1.0));
    assert!(out.loss[0].is_nan() && out.loss[1] == 0.0);
}

#[test]
fn short_slices_give_nan_not_panic() {
    let x = [1.0f32; 9];
    let short = [0.0f32; 8];
    assert!(mse_fwd_bwd(&x, &short, None, None, 1.0).is_nan());
    assert!(bce_fwd_bwd(&x, &x, Some(&short), None, None, 1.0).is_nan());
    // A too-short output is skipped; the sum is still computed.
    let mut lo = [0.0f32; 3];
    assert_eq!(l1_fwd_bwd(&x, &[0.0; 9], Some(&mut lo), None, 1.0), 9.0);
    assert_eq!(lo, [0.0; 3]);
}

#[test]
fn mse_mean_of_4e6_within_1e6_relative() {
    let n = 4_000_000;
    let mut rng = Rng::new(4);
    let x = rng.vec(n, -1.0, 1.0);
    let y = rng.vec(n, -1.0, 1.0);
    let mean = mse_fwd_bwd(&x, &y, None, None, 1.0) / n as f64;
    let exact = x.iter().zip(&y).map(|(&a, &b)| (f(a) - f(b)).powi(2)).sum::<f64>() / n as f64;
    assert!(((mean - exact) / exact).abs() < 1e-6, "mean {mean} vs {exact}");
}
