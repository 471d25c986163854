//! The MultiLabelMarginLoss kernel against a float64 reference written here
//! from PyTorch 1.13's CPU loops (every listed class j against every class i
//! not in the list, a pair counting where 1 − x_j + x_i > 0): odd class
//! counts, lists of every length (empty, repeated indices, all classes),
//! a zero margin, NaN and inf scores.

mod losses_support;

use losses_support::{assert_all_close, assert_close, run_all, Rng};
use neurenix_kernels::losses::multilabel_margin_loss::multilabel_margin_fwd_bwd;

/// Per-row losses and ∂(Σ loss)/∂x.
fn reference(x: &[f32], t: &[f32], n: usize, c: usize) -> (Vec<f64>, Vec<f64>) {
    let (mut losses, mut grad) = (vec![0.0; n], vec![0.0; n * c]);
    for r in 0..n {
        let row = &t[r * c..(r + 1) * c];
        let list: Vec<usize> = row.iter().take_while(|&&v| v >= 0.0).map(|&v| v as usize).collect();
        let is_t = |i: usize| list.contains(&i);
        for &j in &list {
            for i in (0..c).filter(|&i| !is_t(i)) {
                // float32 arithmetic, as PyTorch: (1 − x_j) + x_i.
                let z = (1.0 - x[r * c + j]) + x[r * c + i];
                if z > 0.0 {
                    losses[r] += z as f64 / c as f64;
                    grad[r * c + i] += 1.0 / c as f64;
                    grad[r * c + j] -= 1.0 / c as f64;
                }
            }
        }
    }
    (losses, grad)
}

fn check(x: &[f32], t: &[f32], n: usize, c: usize) {
    let mut ws = vec![0.0f32; c];
    let ws = std::cell::RefCell::new(&mut ws);
    let out = run_all(n, n * c, |l, g| multilabel_margin_fwd_bwd(x, t, n, c, l, g, &mut ws.borrow_mut(), 1.0));
    let (losses, grad) = reference(x, t, n, c);
    assert_all_close("loss", &out.loss, &losses, 1e-6, 1e-7);
    assert_all_close("grad", &out.grad, &grad, 1e-6, 1e-7);
    let want: f64 = losses.iter().sum();
    assert_close("sum", out.sum, want, 1e-6, 1e-6);
}

#[test]
fn random_rows_every_list_length() {
    let mut rng = Rng::new(7);
    for c in [1usize, 2, 3, 4, 5, 7, 8, 9, 17, 37] {
        let n = c + 2;
        let x = rng.vec(n * c, -2.0, 2.0);
        let mut t = vec![-1.0f32; n * c];
        for r in 0..n {
            // Row r lists min(r, c) classes, repeats allowed.
            for k in 0..r.min(c) {
                t[r * c + k] = (rng.next() * c as f64).floor() as f32;
            }
        }
        check(&x, &t, n, c);
    }
}

#[test]
fn zero_margin_nan_and_inf() {
    // Row 0: 1 − x_0 + x_1 = 0 exactly (no loss, no gradient); row 1: a NaN
    // score adds nothing; row 2: an inf score gives an inf loss.
    let x = [0.75f32, -0.25, 0.5, -3.0, 0.1, f32::NAN, 0.4, 0.8, 0.3, 0.2, f32::INFINITY, -1.0];
    let t = [0.0f32, -1.0, 0.0, 0.0, 3.0, 0.0, -1.0, 1.0, 0.0, -1.0, 0.0, 0.0];
    let mut ws = [0.0f32; 4];
    let (mut l, mut g) = ([0.0f32; 3], [0.0f32; 12]);
    multilabel_margin_fwd_bwd(&x, &t, 3, 4, Some(&mut l), Some(&mut g), &mut ws, 1.0);
    // Row 0: pairs (0, 2): 1.75 − 1 = 0.75 > 0; (0, 1): 0; (0, 3): < 0.
    assert_eq!(l[0], 0.75 / 4.0);
    assert_eq!(&g[..4], &[-0.25, 0.0, 0.25, 0.0]);
    assert_eq!(l[1], 0.475);
    assert_eq!(&g[4..8], &[-0.25, 0.0, 0.5, -0.25]);
    assert_eq!(l[2], f32::INFINITY);
    assert_eq!(&g[8..], &[-0.5, 0.25, 0.25, 0.0]);
}
