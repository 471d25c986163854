//! The CTC kernel against a brute-force float64 reference: every alignment
//! of T = 5 frames over C = 3 classes (3⁵ paths) whose collapse (merge
//! repeats, drop blanks) is the target, for padded targets with a repeat, a
//! blank other than 0, an empty target and an impossible one; and its
//! gradient: per frame the occupancies sum to one, so with normalised
//! log-probabilities each frame's gradient sums to 0, and it is 0 after a
//! sample's input length.

mod losses_support;

use losses_support::{assert_close, Rng};
use neurenix_kernels::losses::ctc_loss::{ctc_fwd_bwd, workspace_len};

const T: usize = 5;
const C: usize = 3;

/// −log Σ over the label paths of frames 0..tn that collapse to `target`.
fn brute_force(lp: &[f64], n: usize, batch: usize, tn: usize, target: &[usize], blank: usize) -> f64 {
    let mut total = 0.0;
    for code in 0..C.pow(tn as u32) {
        let mut path = vec![0; tn];
        let mut rest = code;
        for p in path.iter_mut() {
            *p = rest % C;
            rest /= C;
        }
        let mut collapsed = Vec::new();
        for (i, &c) in path.iter().enumerate() {
            if c != blank && (i == 0 || path[i - 1] != c) {
                collapsed.push(c);
            }
        }
        if collapsed == target {
            total += path.iter().enumerate().map(|(t, &c)| lp[(t * batch + n) * C + c]).sum::<f64>().exp();
        }
    }
    -total.ln()
}

#[test]
fn losses_match_every_alignment_and_frame_gradients_sum_to_zero() {
    let batch = 4;
    let mut rng = Rng::new(7);
    // Normalised log-probabilities (log-softmax of random logits), exact in f32.
    let mut lp = vec![0.0f32; T * batch * C];
    for row in lp.chunks_mut(C) {
        let logits = rng.vec(C, -2.0, 2.0);
        let lse = logits.iter().map(|&v| (v as f64).exp()).sum::<f64>().ln();
        for (d, &v) in row.iter_mut().zip(&logits) {
            *d = (v as f64 - lse) as f32;
        }
    }
    let lp64: Vec<f64> = lp.iter().map(|&v| v as f64).collect();
    // Sample 0: [1, 1] (a repeat), 1: [2, 1, 2], 2: [] , 3: [1, 2, 1, 2] in 3 frames (impossible).
    let targets = [1.0f32, 1.0, 0.0, 0.0, 2.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 1.0, 2.0];
    let offsets = [0.0f32, 4.0, 8.0, 12.0];
    let input_lengths = [5.0f32, 4.0, 5.0, 3.0];
    let target_lengths = [2.0f32, 3.0, 0.0, 4.0];
    {
        let blank = 0usize;
        let mut loss = vec![0.0f32; batch];
        let mut grad = vec![7.0f32; T * batch * C];
        let mut ws = vec![0.0f32; workspace_len(T, 4, C)];
        ctc_fwd_bwd(&lp, &targets, &offsets, &input_lengths, &target_lengths, T, batch, C, blank, false, &mut loss, Some(&mut grad), &mut ws);
        let expect = [
            brute_force(&lp64, 0, batch, 5, &[1, 1], blank),
            brute_force(&lp64, 1, batch, 4, &[2, 1, 2], blank),
            brute_force(&lp64, 2, batch, 5, &[], blank),
        ];
        for n in 0..3 {
            assert_close(&format!("loss of sample {n}"), loss[n] as f64, expect[n], 2e-6, 1e-6);
        }
        assert_eq!(loss[3], f32::INFINITY, "an impossible alignment costs infinity");
        for n in 0..3 {
            for t in 0..T {
                let row = &grad[(t * batch + n) * C..(t * batch + n + 1) * C];
                let sum: f64 = row.iter().map(|&g| g as f64).sum();
                if t < input_lengths[n] as usize {
                    assert_close(&format!("Σ_c grad of sample {n}, frame {t}"), sum, 0.0, 0.0, 2e-6);
                } else {
                    assert!(row.iter().all(|&g| g == 0.0), "frames after the input length get no gradient");
                }
            }
        }
        // zeroInfinity: the impossible sample costs 0 and gets no gradient.
        let mut grad0 = vec![7.0f32; T * batch * C];
        ctc_fwd_bwd(&lp, &targets, &offsets, &input_lengths, &target_lengths, T, batch, C, blank, true, &mut loss, Some(&mut grad0), &mut ws);
        assert_eq!(loss[3], 0.0);
        assert!((0..T).all(|t| grad0[(t * batch + 3) * C..(t * batch + 4) * C].iter().all(|&g| g == 0.0)));
    }
}

#[test]
fn a_blank_other_than_zero_and_bad_input_never_panic() {
    let batch = 1;
    let lp: Vec<f32> = (0..T * C).map(|i| -((i % C) as f32) - 0.5).collect();
    let lp64: Vec<f64> = lp.iter().map(|&v| v as f64).collect();
    let mut loss = [0.0f32];
    let mut ws = vec![0.0f32; workspace_len(T, 2, C)];
    ctc_fwd_bwd(&lp, &[0.0, 1.0], &[0.0], &[5.0], &[2.0], T, batch, C, 2, false, &mut loss, None, &mut ws);
    assert_close("blank 2", loss[0] as f64, brute_force(&lp64, 0, 1, 5, &[0, 1], 2), 2e-6, 1e-6);
    // A label out of range, an input length beyond T, a workspace too small: NaN, no panic.
    ctc_fwd_bwd(&lp, &[0.0, 9.0], &[0.0], &[5.0], &[2.0], T, batch, C, 2, false, &mut loss, None, &mut ws);
    assert!(loss[0].is_nan());
    ctc_fwd_bwd(&lp, &[0.0, 1.0], &[0.0], &[6.0], &[2.0], T, batch, C, 2, false, &mut loss, None, &mut ws);
    assert!(loss[0].is_nan());
    ctc_fwd_bwd(&lp, &[0.0, 1.0], &[0.0], &[5.0], &[2.0], T, batch, C, 2, false, &mut loss, None, &mut [0.0; 4]);
    assert!(loss[0].is_nan());
}
