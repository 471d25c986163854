//! The cross-entropy kernel against a float64 reference written here (log-
//! softmax, PyTorch 1.13's loss formulas, and their analytic gradient, which a
//! test checks against central differences): (N, C) and (N, C, d…) layouts
//! with odd sizes (SIMD tails across classes and across positions), class
//! weights, label smoothing, ignore_index (also a real class), probability
//! targets, extreme logits (±1e4, ±100, ±88), NaN, and all samples ignored.

mod losses_support;

use losses_support::{assert_all_close, assert_close, run_all, Rng};
use neurenix_kernels::losses::cross_entropy_loss::cross_entropy_fwd_bwd;

struct Case<'a> {
    x: &'a [f32],
    t: &'a [f32],
    w: Option<&'a [f32]>,
    n: usize,
    c: usize,
    inner: usize,
    ignore: i32,
    eps: f32,
    prob: bool,
}

impl Case<'_> {
    fn at(&self, b: usize, c: usize, j: usize) -> usize {
        (b * self.c + c) * self.inner + j
    }

    /// Per-sample losses and ∂(Σ loss)/∂x, in f64.
    fn reference(&self) -> (Vec<f64>, Vec<f64>) {
        let (c_n, eps) = (self.c, self.eps as f64);
        let w = |c: usize| self.w.map_or(1.0, |w| w[c] as f64);
        let w_sum: f64 = (0..c_n).map(w).sum();
        let mut losses = vec![0.0; self.n * self.inner];
        let mut grad = vec![0.0; self.x.len()];
        for b in 0..self.n {
            for j in 0..self.inner {
                let xs: Vec<f64> = (0..c_n).map(|c| self.x[self.at(b, c, j)] as f64).collect();
                let m = xs.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let lse = m + xs.iter().map(|v| (v - m).exp()).sum::<f64>().ln();
                let logp: Vec<f64> = xs.iter().map(|v| v - lse).collect();
                let p: Vec<f64> = logp.iter().map(|l| l.exp()).collect();
                let (loss, g): (f64, Vec<f64>) = if self.prob {
                    let q: Vec<f64> = (0..c_n).map(|c| (1.0 - eps) * self.t[self.at(b, c, j)] as f64 + eps / c_n as f64).collect();
                    let wq: f64 = (0..c_n).map(|c| w(c) * q[c]).sum();
                    let loss = -(0..c_n).map(|c| w(c) * q[c] * logp[c]).sum::<f64>();
                    (loss, (0..c_n).map(|c| p[c] * wq - w(c) * q[c]).collect())
                } else {
                    let tv = self.t[b * self.inner + j];
                    if tv == self.ignore as f32 {
                        (0.0, vec![0.0; c_n])
                    } else {
                        let t = tv as usize;
                        let smooth = -(0..c_n).map(|c| w(c) * logp[c]).sum::<f64>();
                        let loss = -(1.0 - eps) * w(t) * logp[t] + eps / c_n as f64 * smooth;
                        let g = (0..c_n)
                            .map(|c| {
                                let hit = if c == t { 1.0 } else { 0.0 };
                                (1.0 - eps) * w(t) * (p[c] - hit) + eps / c_n as f64 * (w_sum * p[c] - w(c))
                            })
                            .collect();
                        (loss, g)
                    }
                };
                losses[b * self.inner + j] = loss;
                for c in 0..c_n {
                    grad[self.at(b, c, j)] = g[c];
                }
            }
        }
        (losses, grad)
    }

    fn run(&self, scale: f32) -> losses_support::Outputs {
        run_all(self.n * self.inner, self.x.len(), |l, g| {
            cross_entropy_fwd_bwd(self.x, self.t, self.w, self.n, self.c, self.inner, self.ignore as f32, self.eps, self.prob, l, g, scale)
        })
    }

    fn check(&self, what: &str, atol: f64) {
        let scale = 0.37f32;
        let out = self.run(scale);
        let (loss, grad) = self.reference();
        let grad: Vec<f64> = grad.iter().map(|g| g * scale as f64).collect();
        assert_all_close(&format!("{what} loss"), &out.loss, &loss, 2e-6, atol);
        assert_all_close(&format!("{what} grad"), &out.grad, &grad, 2e-6, atol);
        let total: f64 = out.loss.iter().map(|&l| l as f64).sum();
        assert_close(&format!("{what} sum"), out.sum, total, 1e-12, 1e-12);
    }
}

/// Class-index targets, every `every`-th sample set to `ignore`.
fn class_targets(rng: &mut Rng, count: usize, c: usize, ignore: i32, every: usize) -> Vec<f32> {
    (0..count)
        .map(|i| if every > 0 && i % every == 1 { ignore as f32 } else { ((rng.next() * c as f64) as usize).min(c - 1) as f32 })
        .collect()
}

const SHAPES: [(usize, usize, usize); 12] = [
    (1, 1, 1),
    (3, 5, 1),
    (4, 10, 1),
    (2, 3, 1),
    (5, 13, 1),
    (2, 33, 1),
    (2, 3, 7),
    (2, 21, 9),
    (1, 4, 33),
    (3, 2, 4),
    (2, 6, 5),
    (1, 5, 16),
];

#[test]
fn class_index_targets_all_options() {
    let mut rng = Rng::new(10);
    for (n, c, inner) in SHAPES {
        let x = rng.vec(n * c * inner, -6.0, 6.0);
        let w = rng.vec(c, 0.1, 2.0);
        for ignore in [-100, 1] {
            let t = class_targets(&mut rng, n * inner, c, ignore, 3);
            for wo in [None, Some(&w[..])] {
                for eps in [0.0f32, 0.1, 1.0] {
                    let case = Case { x: &x, t: &t, w: wo, n, c, inner, ignore, eps, prob: false };
                    case.check(&format!("({n},{c},{inner}) ignore={ignore} w={} eps={eps}", wo.is_some()), 2e-6);
                }
            }
        }
    }
}

#[test]
fn probability_targets_all_options() {
    let mut rng = Rng::new(11);
    for (n, c, inner) in SHAPES {
        let x = rng.vec(n * c * inner, -6.0, 6.0);
        let w = rng.vec(c, 0.1, 2.0);
        // Rows of the target are distributions over the classes.
        let mut t = rng.vec(n * c * inner, 0.0, 1.0);
        for b in 0..n {
            for j in 0..inner {
                let s: f32 = (0..c).map(|k| t[(b * c + k) * inner + j]).sum();
                (0..c).for_each(|k| t[(b * c + k) * inner + j] /= s);
            }
        }
        for wo in [None, Some(&w[..])] {
            for eps in [0.0f32, 0.2] {
                let case = Case { x: &x, t: &t, w: wo, n, c, inner, ignore: -100, eps, prob: true };
                case.check(&format!("prob ({n},{c},{inner}) w={} eps={eps}", wo.is_some()), 2e-6);
            }
        }
    }
}

#[test]
fn reference_gradient_matches_central_differences() {
    // Checks the analytic gradient used above (backend.ts's formulas) on the
    // f64 reference loss itself, for every mode.
    let mut rng = Rng::new(12);
    let (n, c, inner) = (2, 4, 3);
    let x = rng.vec(n * c * inner, -2.0, 2.0);
    let w = rng.vec(c, 0.5, 1.5);
    let ti = class_targets(&mut rng, n * inner, c, -100, 4);
    let tp = rng.vec(n * c * inner, 0.0, 1.0);
    for (t, prob) in [(&ti, false), (&tp, true)] {
        for eps in [0.0f32, 0.3] {
            let case = |x: &[f32]| -> f64 {
                let cs = Case { x, t, w: Some(&w), n, c, inner, ignore: -100, eps, prob };
                cs.reference().0.iter().sum()
            };
            let grad = Case { x: &x, t, w: Some(&w), n, c, inner, ignore: -100, eps, prob }.reference().1;
            for i in 0..x.len() {
                let h = 1e-3f32;
                let (mut xp, mut xm) = (x.clone(), x.clone());
                xp[i] += h;
                xm[i] -= h;
                let fd = (case(&xp) - case(&xm)) / ((xp[i] - xm[i]) as f64);
                assert_close(&format!("fd prob={prob} eps={eps} [{i}]"), grad[i], fd, 1e-4, 1e-6);
            }
        }
    }
}

#[test]
fn extreme_logits_stay_exact() {
    // ±1e4 rows: −log p_t must be (m − x_t) + ln S; lse − x_t would be off by ~3e-4.
    let rows: [[f32; 5]; 6] = [
        [1e4, 1e4, 1e4 - 1.0, -1e4, 1e4 - 0.5],
        [-1e4, -1e4, -1e4, -1e4, -1e4],
        [100.0, -100.0, 88.0, -88.0, 0.0],
        [88.0, 88.0, 88.5, 87.0, -88.0],
        [-100.0, -100.0, 100.0, -100.0, -100.0],
        [1e4, -1e4, 0.0, 5e3, -5e3],
    ];
    let x: Vec<f32> = rows.iter().flatten().copied().collect();
    for target in 0..5 {
        let t = vec![target as f32; 6];
        for eps in [0.0f32, 0.1] {
            let case = Case { x: &x, t: &t, w: None, n: 6, c: 5, inner: 1, ignore: -100, eps, prob: false };
            let out = case.run(1.0);
            assert!(out.loss.iter().all(|l| l.is_finite()) && out.grad.iter().all(|g| g.is_finite()));
            // Losses here reach 2e4 (an f32 ulp of 2e-3), so relative there, absolute near 0.
            case.check(&format!("extreme t={target} eps={eps}"), 1e-6);
        }
    }
    // The same as (N, C, inner): positions across lanes.
    let xt: Vec<f32> = (0..5).flat_map(|c| rows.iter().map(move |r| r[c])).collect();
    let t = vec![2.0f32, 0.0, 1.0, 2.0, 2.0, 4.0];
    let case = Case { x: &xt, t: &t, w: None, n: 1, c: 5, inner: 6, ignore: -100, eps: 0.0, prob: false };
    case.check("extreme spatial", 1e-6);
}

#[test]
fn nan_logit_poisons_only_its_sample() {
    for inner in [1usize, 5] {
        let (n, c) = (3, 4);
        let mut x = Rng::new(13).vec(n * c * inner, -1.0, 1.0);
        x[(c + 2) * inner] = f32::NAN; // sample (1, j = 0), class 2
        let t = vec![1.0f32; n * inner];
        let case = Case { x: &x, t: &t, w: None, n, c, inner, ignore: -100, eps: 0.0, prob: false };
        let out = case.run(1.0);
        assert!(out.sum.is_nan());
        for s in 0..n * inner {
            assert_eq!(out.loss[s].is_nan(), s == inner, "inner={inner} loss[{s}]");
        }
        for (i, g) in out.grad.iter().enumerate() {
            let sample = (i / (c * inner)) * inner + i % inner;
            assert_eq!(g.is_nan(), sample == inner, "inner={inner} grad[{i}]");
        }
    }
}

#[test]
fn every_target_ignored_gives_zero_sum_and_zero_gradient() {
    for inner in [1usize, 6] {
        let x = Rng::new(14).vec(2 * 3 * inner, -1.0, 1.0);
        let t = vec![-100.0f32; 2 * inner];
        let case = Case { x: &x, t: &t, w: None, n: 2, c: 3, inner, ignore: -100, eps: 0.1, prob: false };
        let out = case.run(1.0);
        assert_eq!(out.sum, 0.0);
        assert!(out.loss.iter().all(|&l| l == 0.0) && out.grad.iter().all(|&g| g == 0.0));
    }
}

#[test]
fn empty_and_bad_sizes_do_not_panic() {
    assert_eq!(cross_entropy_fwd_bwd(&[], &[], None, 0, 3, 1, -100.0, 0.0, false, None, None, 1.0), 0.0);
    // Too-short logits, targets or weights (a broken caller contract): NaN.
    assert!(cross_entropy_fwd_bwd(&[0.0; 5], &[0.0; 2], None, 2, 3, 1, -100.0, 0.0, false, None, None, 1.0).is_nan());
    assert!(cross_entropy_fwd_bwd(&[0.0; 6], &[0.0; 1], None, 2, 3, 1, -100.0, 0.0, false, None, None, 1.0).is_nan());
    assert!(cross_entropy_fwd_bwd(&[0.0; 6], &[0.0; 2], Some(&[1.0; 2]), 2, 3, 1, -100.0, 0.0, false, None, None, 1.0).is_nan());
    // No classes: every sample's loss is 0 (all targets ignored, checked in TypeScript).
    let mut lo = [f32::NAN; 6];
    assert_eq!(cross_entropy_fwd_bwd(&[], &[-100.0; 6], None, 2, 0, 3, -100.0, 0.0, false, Some(&mut lo), None, 1.0), 0.0);
    assert_eq!(lo, [0.0; 6]);
    assert!(cross_entropy_fwd_bwd(&[], &[], None, usize::MAX, 2, 2, -100.0, 0.0, false, None, None, 1.0).is_nan());
    // An out-of-range or non-integral class (the caller validates these): NaN for that sample.
    let mut lo = [0.0f32; 3];
    let s = cross_entropy_fwd_bwd(&[0.0; 9], &[7.0, 1.5, 2.0], None, 3, 3, 1, -100.0, 0.0, false, Some(&mut lo), None, 1.0);
    assert!(s.is_nan() && lo[0].is_nan() && lo[1].is_nan());
    assert_close("valid sample", lo[2] as f64, 3f64.ln(), 1e-6, 0.0);
}
