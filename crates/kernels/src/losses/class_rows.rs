//! What the row losses over class indices share (cross_entropy_loss.rs,
//! nll_loss.rs, multi_margin_loss.rs, multilabel_margin_loss.rs): a class
//! index stored as a float, the optional per-class weight, and the loop over
//! rows of C scores with their gradient rows and per-row losses. Each loss
//! keeps only its per-row formula. The targets were validated by the caller
//! (ts/losses/class_targets.ts, which also forms the weighted "mean"
//! denominator Σ w_t); these helpers only keep a bad one from panicking.

/// The class a target names: Some(c) for an integral t in [0, classes), else
/// None (negatives, fractions, NaN, out of range).
#[inline(always)]
pub(crate) fn class_index(t: f32, classes: usize) -> Option<usize> {
    let c = t as usize; // saturating: negatives and NaN → 0, rejected by the comparison
    (c as f32 == t && c < classes).then_some(c)
}

/// w_c: 1 without class weights, NaN for a class the weights do not cover.
#[inline(always)]
pub(crate) fn class_weight(w: Option<&[f32]>, c: usize) -> f32 {
    match w {
        Some(w) => w.get(c).copied().unwrap_or(f32::NAN),
        None => 1.0,
    }
}

/// Runs `row(r, x_r, g_r)` over the n rows of C scores of `input` (g_r: the
/// row of `grad_out`, if any), stores each returned loss into loss_out[r] (if
/// any) and returns Σ loss in f64; NaN if `input` is shorter than n·C.
#[inline(always)]
pub(crate) fn sum_rows(
    input: &[f32],
    n: usize,
    classes: usize,
    mut loss_out: Option<&mut [f32]>,
    mut grad_out: Option<&mut [f32]>,
    mut row: impl FnMut(usize, &[f32], Option<&mut [f32]>) -> f32,
) -> f64 {
    let Some(x) = n.checked_mul(classes).and_then(|total| input.get(..total)) else { return f64::NAN };
    let mut sum = 0.0f64;
    for r in 0..n {
        let span = r * classes..(r + 1) * classes;
        let g = grad_out.as_deref_mut().and_then(|g| g.get_mut(span.clone()));
        let loss = row(r, &x[span], g);
        if let Some(l) = loss_out.as_deref_mut().and_then(|l| l.get_mut(r)) {
            *l = loss;
        }
        sum += loss as f64;
    }
    sum
}
