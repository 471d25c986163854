//! The CTC kernel against a brute-force float64 reference: every alignment
//! of T = 5 frames over C = 3 classes (3⁵ paths) whose collapse (merge
//! repeats, drop blanks) is the target, for padded targets with a repeat, a
//! blank other than 0, an empty target and an impossible one; and its
//! gradient: per frame the occupancies sum to one, so with normalised
//! log-probabilities each frame's gradient sums to 0, and it is 0 after a
//! sample's input length. Longer sequences against a float64 log-space
//! reference, through the scaled linear-space path (one scale per frame,
//! and per block of 8 states for a long one) and through its fallback to
//! log space (which the guard must choose for tiny states).

mod losses_support;

use losses_support::{assert_all_close, assert_close, Rng};
use neurenix_kernels::losses::ctc_loss::{ctc_fwd_bwd, workspace_len};
use neurenix_kernels::losses::ctc_scaled::{self, Sample};

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

/// log(e^a + e^b) in f64 (−∞ stays −∞).
fn lse(a: f64, b: f64) -> f64 {
    let m = a.max(b);
    if m == f64::NEG_INFINITY { m } else { m + ((a - m).exp() + (b - m).exp()).ln() }
}

/// One sample's loss and gradient (t, c) by the log-space recursions in
/// f64 (PyTorch's algorithm, see ctc_loss.rs), batch of one.
fn log_space_reference(lp: &[f64], steps: usize, classes: usize, target: &[usize], blank: usize) -> (f64, Vec<f64>) {
    let len = 2 * target.len() + 1;
    let label = |s: usize| if s % 2 == 0 { blank } else { target[s / 2] };
    let skip = |s: usize| s > 1 && s % 2 == 1 && label(s) != label(s - 2);
    let at = |t: usize, s: usize| lp[t * classes + label(s)];
    let ninf = f64::NEG_INFINITY;
    let mut alpha = vec![ninf; steps * len];
    let mut beta = vec![ninf; steps * len];
    alpha[0] = at(0, 0);
    if len > 1 {
        alpha[1] = at(0, 1);
    }
    for t in 1..steps {
        for s in 0..len {
            let p = (t - 1) * len + s;
            let mut a = alpha[p];
            if s > 0 {
                a = lse(a, alpha[p - 1]);
            }
            if skip(s) {
                a = lse(a, alpha[p - 2]);
            }
            alpha[t * len + s] = a + at(t, s);
        }
    }
    let last = (steps - 1) * len;
    let nll = -lse(alpha[last + len - 1], if len > 1 { alpha[last + len - 2] } else { ninf });
    beta[last + len - 1] = at(steps - 1, len - 1);
    if len > 1 {
        beta[last + len - 2] = at(steps - 1, len - 2);
    }
    for t in (0..steps - 1).rev() {
        for s in 0..len {
            let q = (t + 1) * len + s;
            let mut b = beta[q];
            if s + 1 < len {
                b = lse(b, beta[q + 1]);
            }
            if s + 2 < len && skip(s + 2) {
                b = lse(b, beta[q + 2]);
            }
            beta[t * len + s] = b + at(t, s);
        }
    }
    let mut grad: Vec<f64> = lp.iter().map(|v| v.exp()).collect();
    for t in 0..steps {
        for s in 0..len {
            let c = label(s);
            grad[t * classes + c] -= (alpha[t * len + s] + beta[t * len + s] - at(t, s) + nll).exp();
        }
    }
    (nll, grad)
}

/// Log-softmax of `logits` rows of `classes`, exact in f32.
fn log_softmax(logits: &[f32], classes: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; logits.len()];
    for (row, d) in logits.chunks(classes).zip(out.chunks_mut(classes)) {
        let m = row.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v as f64));
        let lse = m + row.iter().map(|&v| (v as f64 - m).exp()).sum::<f64>().ln();
        for (o, &v) in d.iter_mut().zip(row) {
            *o = (v as f64 - lse) as f32;
        }
    }
    out
}

/// The scaled path's answers for one sample with one scale per frame and
/// with blocks of 8 states (None: it declined), and the kernel's.
#[allow(clippy::type_complexity)]
fn every_path(lp: &[f32], steps: usize, classes: usize, target: &[usize]) -> ([Option<(f32, Vec<f32>)>; 2], (f32, Vec<f32>)) {
    let mut labels = vec![0.0f32; 2 * target.len() + 1];
    for (i, &c) in target.iter().enumerate() {
        labels[2 * i + 1] = c as f32;
    }
    let mut ws = vec![0.0f32; workspace_len(steps, target.len(), classes)];
    let sample = Sample { log_probs: lp, n: 0, batch: 1, classes, steps, labels: &labels };
    let scaled = [ctc_scaled::ONE_BLOCK, ctc_scaled::SMALL_BLOCKS].map(|shift| {
        let mut grad = vec![0.0f32; lp.len()];
        ctc_scaled::run(&sample, Some(&mut grad), &mut ws, shift).map(|nll| (nll, grad))
    });
    let targets: Vec<f32> = target.iter().map(|&c| c as f32).collect();
    let mut loss = [0.0f32];
    let mut kgrad = vec![0.0f32; lp.len()];
    let tl = [target.len() as f32];
    ctc_fwd_bwd(lp, &targets, &[0.0], &[steps as f32], &tl, steps, 1, classes, 0, false, &mut loss, Some(&mut kgrad), &mut ws);
    (scaled, (loss[0], kgrad))
}

#[test]
fn the_scaled_paths_match_float64_log_space_short_and_long() {
    let classes = 30;
    let mut rng = Rng::new(11);
    // (frames, target length, blocks of 8 needed): beyond a few hundred frames the edges of
    // the band fall more than 2^500 below its middle, too far for one scale per frame.
    for (trial, (steps, tl, blocks)) in [(100usize, 30usize, false), (100, 1, false), (100, 0, false), (100, 49, false), (700, 120, true)].into_iter().enumerate() {
        let lp = log_softmax(&rng.vec(steps * classes, -3.0, 3.0), classes);
        let target: Vec<usize> = (0..tl).map(|i| 1 + (i * 7 + trial) % (classes - 1)).collect();
        let lp64: Vec<f64> = lp.iter().map(|&v| v as f64).collect();
        let (want, want_grad) = log_space_reference(&lp64, steps, classes, &target, 0);
        let ([one, small], (loss, grad)) = every_path(&lp, steps, classes, &target);
        let what = format!("T = {steps}, target length {tl}");
        assert_eq!(one.is_none(), blocks, "{what}: one scale per frame declines exactly when expected");
        let (small_loss, small_grad) = small.unwrap_or_else(|| panic!("{what}: blocks of 8 declined"));
        let first = one.clone().unwrap_or((small_loss, small_grad.clone()));
        assert_eq!((first.0, &first.1), (loss, &grad), "{what}: the kernel used the first scaled result");
        assert_close(&format!("{what}: loss"), loss as f64, want, 1e-6, 1e-6);
        assert_all_close(&format!("{what}: gradient"), &grad, &want_grad, 1e-5, 2e-6);
        // Both block sizes agree where both run.
        assert_close(&format!("{what}: blocks of 8, loss"), small_loss as f64, loss as f64, 1e-6, 0.0);
        let g64: Vec<f64> = grad.iter().map(|&g| g as f64).collect();
        assert_all_close(&format!("{what}: blocks of 8, gradient"), &small_grad, &g64, 1e-6, 1e-7);
    }
}

#[test]
fn tiny_states_send_the_sample_to_log_space_with_the_same_result() {
    let (steps, classes) = (40, 3);
    // Blank 30 nats below label 1 in every frame: the all-blank prefix (state 0) falls below
    // 2^-500 of its neighbours by frame ~12 — a path the scaled path cannot keep.
    let mut logits = vec![0.0f32; steps * classes];
    for row in logits.chunks_mut(classes) {
        row.copy_from_slice(&[-30.0, 0.0, -30.0]);
    }
    // And one frame where a needed emission is 400 nats below its frame's best.
    let mut far = logits.clone();
    far[20 * classes..21 * classes].copy_from_slice(&[400.0, 0.0, 400.0]);
    for (what, logits, target) in [("tiny state", &logits, vec![1usize]), ("far emission", &far, vec![1, 2, 1])] {
        let lp = log_softmax(logits, classes);
        let lp64: Vec<f64> = lp.iter().map(|&v| v as f64).collect();
        let (want, want_grad) = log_space_reference(&lp64, steps, classes, &target, 0);
        let (scaled, (loss, grad)) = every_path(&lp, steps, classes, &target);
        assert!(scaled.iter().all(|r| r.is_none()), "{what}: the scaled paths must decline");
        assert_close(&format!("{what}: loss"), loss as f64, want, 1e-6, 1e-6);
        assert_all_close(&format!("{what}: gradient"), &grad, &want_grad, 1e-5, 2e-6);
    }
}

#[test]
fn every_block_size_gives_the_same_result() {
    // Blocks of 2 to 32 states and one block for the row: the rescaling is exact (powers of
    // two), so only rounding differs. A workspace large enough for blocks of 2.
    let classes = 7;
    let mut rng = Rng::new(23);
    for (steps, tl) in [(5usize, 2usize), (40, 13), (120, 40)] {
        let lp = log_softmax(&rng.vec(steps * classes, -2.5, 2.5), classes);
        let mut labels = vec![0.0f32; 2 * tl + 1];
        for i in 0..tl {
            labels[2 * i + 1] = (1 + (i * 5) % (classes - 1)) as f32;
        }
        let mut ws = vec![0.0f32; 4 * workspace_len(steps, tl, classes)];
        let sample = Sample { log_probs: &lp, n: 0, batch: 1, classes, steps, labels: &labels };
        let mut one_grad = vec![0.0f32; lp.len()];
        let one = ctc_scaled::run(&sample, Some(&mut one_grad), &mut ws, ctc_scaled::ONE_BLOCK).expect("one block");
        let want: Vec<f64> = one_grad.iter().map(|&g| g as f64).collect();
        for shift in 1..=5 {
            let mut grad = vec![0.0f32; lp.len()];
            let loss = ctc_scaled::run(&sample, Some(&mut grad), &mut ws, shift).unwrap_or_else(|| panic!("blocks of {}", 1 << shift));
            let what = format!("T = {steps}, blocks of {}", 1 << shift);
            assert_close(&format!("{what}: loss"), loss as f64, one as f64, 1e-6, 0.0);
            assert_all_close(&format!("{what}: gradient"), &grad, &want, 1e-5, 1e-7);
        }
    }
}

#[test]
fn a_trained_models_peaky_output_stays_on_the_scaled_path() {
    // Blank 15 logits above the rest in every frame, each target label spiking once at its
    // aligned frame (as a CTC-trained model outputs): blocks of 8 keep every state within
    // range at 600 frames (one scale per frame would not), and match log space.
    let (steps, tl, classes) = (600usize, 100usize, 30usize);
    let mut rng = Rng::new(9);
    let mut logits = rng.vec(steps * classes, -2.0, 2.0);
    let target: Vec<usize> = (0..tl).map(|i| 1 + (i * 7) % (classes - 1)).collect();
    for t in 0..steps {
        logits[t * classes] += 15.0;
    }
    for (i, &c) in target.iter().enumerate() {
        logits[(i * steps / tl + steps / (2 * tl)) * classes + c] += 30.0;
    }
    let lp = log_softmax(&logits, classes);
    let lp64: Vec<f64> = lp.iter().map(|&v| v as f64).collect();
    let (want, want_grad) = log_space_reference(&lp64, steps, classes, &target, 0);
    let ([_, small], (loss, grad)) = every_path(&lp, steps, classes, &target);
    let (s_loss, s_grad) = small.expect("blocks of 8 declined a trained model's output");
    assert_eq!((s_loss, &s_grad), (loss, &grad), "the kernel used blocks of 8");
    assert_close("loss", loss as f64, want, 1e-5, 1e-6);
    assert_all_close("gradient", &grad, &want_grad, 1e-5, 2e-6);
}
