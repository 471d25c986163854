//! Shared by the loss kernel tests: deterministic data, tolerance checks, and
//! a runner that calls a kernel with every combination of optional outputs.
#![allow(dead_code)]

/// Deterministic uniform numbers in [lo, hi) (64-bit LCG, high bits).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }
    pub fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn vec(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f32> {
        (0..n).map(|_| (lo + (hi - lo) * self.next()) as f32).collect()
    }
}

/// |got − want| ≤ atol + rtol·|want|, NaN only against NaN, inf only against the same inf.
pub fn assert_close(what: &str, got: f64, want: f64, rtol: f64, atol: f64) {
    let ok = if want.is_nan() || got.is_nan() {
        want.is_nan() && got.is_nan()
    } else if want.is_infinite() || got.is_infinite() {
        got == want
    } else {
        (got - want).abs() <= atol + rtol * want.abs()
    };
    assert!(ok, "{what}: got {got:e}, want {want:e} (rtol {rtol:e}, atol {atol:e})");
}

pub fn assert_all_close(what: &str, got: &[f32], want: &[f64], rtol: f64, atol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert_close(&format!("{what}[{i}]"), g as f64, w, rtol, atol);
    }
}

/// What one kernel call produced.
pub struct Outputs {
    pub sum: f64,
    pub loss: Vec<f32>,
    pub grad: Vec<f32>,
}

/// Calls `kernel(loss_out, grad_out)` with all four combinations of present /
/// absent outputs; checks that the sums agree and that present outputs are
/// the same, and returns the outputs of the call with both present.
pub fn run_all(
    loss_len: usize,
    grad_len: usize,
    kernel: impl Fn(Option<&mut [f32]>, Option<&mut [f32]>) -> f64,
) -> Outputs {
    let sentinel = 12345.0f32;
    let mut loss = vec![sentinel; loss_len];
    let mut grad = vec![sentinel; grad_len];
    let sum = kernel(Some(&mut loss), Some(&mut grad));
    let mut loss2 = vec![sentinel; loss_len];
    let mut grad2 = vec![sentinel; grad_len];
    let sums = [
        kernel(Some(&mut loss2), None),
        kernel(None, Some(&mut grad2)),
        kernel(None, None),
    ];
    for s in sums {
        assert!(s.to_bits() == sum.to_bits() || (s.is_nan() && sum.is_nan()), "sum {s} vs {sum}");
    }
    let same = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()));
    assert!(same(&loss, &loss2), "loss_out differs without grad_out");
    assert!(same(&grad, &grad2), "grad_out differs without loss_out");
    Outputs { sum, loss, grad }
}
