//! Accuracy of the scalar math (and so of its SIMD twins in simd.rs, which run
//! the same algorithm) against float64 references, over the whole f32 range:
//! every 997th bit pattern of both signs (≈ 4.3 million inputs, NaNs
//! included) plus edge cases. Errors are measured in units in the last place
//! of the correctly rounded f32 result (subnormal ulp below 2⁻¹²⁶).

use neurenix_kernels::math::*;

/// Size of one f32 ulp at the magnitude of `r`.
fn ulp_of(r: f64) -> f64 {
    let e = (((r.to_bits() >> 52) & 0x7ff) as i32 - 1023).max(-126);
    2f64.powi(e - 23)
}

/// Error of `y` in ulps of the reference `r`, with overflow/NaN handled
/// exactly: both NaN, or both infinite with the same sign, is 0; else ∞.
fn ulps(y: f32, r: f64) -> f64 {
    let rf = r as f32;
    if r.is_nan() || y.is_nan() {
        return if r.is_nan() && y.is_nan() { 0.0 } else { f64::INFINITY };
    }
    if rf.is_infinite() || y.is_infinite() {
        // An f32 result at ±FLT_MAX for a reference just past it is fine.
        return if y == rf || (y.abs() == f32::MAX && (r.abs() - f32::MAX as f64) < ulp_of(f32::MAX as f64)) {
            0.0
        } else {
            f64::INFINITY
        };
    }
    (y as f64 - r).abs() / ulp_of(r)
}

/// Max ulp error of `f` against `reference` over the sweep; reports the worst input.
fn sweep(f: impl Fn(f32) -> f32, reference: impl Fn(f64) -> f64) -> (f64, f32) {
    let mut worst = (0.0, 0.0);
    let mut bits: u64 = 0;
    while bits <= u32::MAX as u64 {
        let x = f32::from_bits(bits as u32);
        let e = ulps(f(x), reference(x as f64));
        if !(e <= worst.0) {
            worst = (e, x);
        }
        bits += 997;
    }
    worst
}

fn check(name: &str, bound: f64, f: impl Fn(f32) -> f32, reference: impl Fn(f64) -> f64) {
    let (e, x) = sweep(&f, &reference);
    assert!(e <= bound, "{name}: {e} ulp at x = {x:e} (f = {:e}, ref = {:e})", f(x), reference(x as f64));
}

fn softplus64(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

#[test]
fn exp_within_1_ulp() {
    check("exp", 1.0, exp_f32, f64::exp);
}

/// Max ulp error of `f` over every `step`th f32 from −0 down to −inf (the
/// domain x ≤ 0 of the exp_neg functions: bits 0x8000_0000..=0xff80_0000),
/// plus +0 and NaN, against f64 exp; `floor` is a magnitude below which an
/// absolute error < `floor` is accepted instead (the flush variant).
fn sweep_neg(f: impl Fn(f32) -> f32, step: u32, floor: f64) -> (f64, f32) {
    let mut worst = (0.0, 0.0f32);
    let mut bits: u32 = 0x8000_0000;
    loop {
        let x = f32::from_bits(bits);
        let (y, r) = (f(x), (x as f64).exp());
        let e = if r < floor && (y as f64 - r).abs() < floor { 0.0 } else { ulps(y, r) };
        if !(e <= worst.0) {
            worst = (e, x);
        }
        let Some(next) = bits.checked_add(step).filter(|&b| b <= 0xff80_0000) else { break };
        bits = next;
    }
    for x in [0.0f32, -0.0, f32::NEG_INFINITY] {
        let e = ulps(f(x), (x as f64).exp());
        if !(e <= worst.0) {
            worst = (e, x);
        }
    }
    assert!(f(f32::NAN).is_nan() && f(-f32::NAN).is_nan());
    worst
}

#[test]
fn exp_neg_within_1_ulp_subnormals_included() {
    // Every 13th f32 in [−104, 0] (where the results are not 0: ≈ 8.7e7
    // inputs), then the rest of the negative range more sparsely.
    let (e, x) = sweep_neg(exp_neg_f32, 13, 0.0);
    assert!(e <= 1.0, "exp_neg: {e} ulp at x = {x:e}");
    println!("exp_neg_f32: max {e} ulp at x = {x:e}");
    assert_eq!(exp_neg_f32(-104.0), 0.0);
    assert_eq!(exp_neg_f32(-103.9), f32::from_bits(1)); // 2⁻¹⁴⁹ ≈ e^−103.28, rounded
    assert_eq!(exp_neg_f32(-100.0).to_bits(), ((-100f64).exp() as f32).to_bits());
}

#[test]
fn exp_neg_flush_within_1_ulp_above_2_126() {
    let (e, x) = sweep_neg(exp_neg_flush_f32, 13, 1.2e-38);
    assert!(e <= 1.0, "exp_neg_flush: {e} ulp at x = {x:e}");
    println!("exp_neg_flush_f32: max {e} ulp at x = {x:e} (absolute < 1.2e-38 below 2^-126)");
    assert_eq!(exp_neg_flush_f32(-88.0), 0.0);
    assert_eq!(exp_neg_flush_f32(-1e30), 0.0);
    // Normal results are those of exp_neg_f32, bit for bit.
    for x in [-0.0f32, -1e-8, -0.5, -1.0, -10.0, -50.0, -87.0, -87.3] {
        assert_eq!(exp_neg_flush_f32(x).to_bits(), exp_neg_f32(x).to_bits(), "x = {x}");
    }
}

#[test]
fn ln_within_1_ulp() {
    check("ln", 1.0, ln_f32, f64::ln);
}

#[test]
fn log1p_within_1_5_ulp() {
    check("log1p", 1.5, log1p_f32, f64::ln_1p);
}

#[test]
fn log1p_unit_within_1_ulp_on_0_1() {
    // Its domain only: every 61st f32 in [0, 1].
    let mut worst = (0.0, 0.0f32);
    let mut bits = 0u32;
    while bits <= 1f32.to_bits() {
        let x = f32::from_bits(bits);
        let e = ulps(log1p_unit(x), (x as f64).ln_1p());
        if !(e <= worst.0) {
            worst = (e, x);
        }
        bits += 61;
    }
    assert!(worst.0 <= 1.0, "log1p_unit: {} ulp at x = {:e}", worst.0, worst.1);
    assert!(log1p_unit(f32::NAN).is_nan());
    assert_eq!(log1p_unit(1.0), core::f32::consts::LN_2);
}

#[test]
fn softplus_within_2_ulp() {
    check("softplus", 2.0, softplus_f32, softplus64);
}

#[test]
fn sigmoid_within_2_5_ulp() {
    check("sigmoid", 2.5, sigmoid_f32, |x| 1.0 / (1.0 + (-x).exp()));
}

#[test]
fn tanh_within_1_5_ulp() {
    check("tanh", 1.5, tanh_f32, f64::tanh);
}

#[test]
fn sqrt_correctly_rounded() {
    check("sqrt", 0.5, sqrt_f32, f64::sqrt);
}

#[test]
fn pow_within_1_ulp() {
    for p in [2.0f32, 3.0, -1.0, -2.0, 0.5, 1.5, -0.5, 2.5, 7.0, 1.0 / 3.0, 12.0, -3.0] {
        check(&format!("pow(x, {p})"), 1.0, |x| pow_f32(x, p), |x| torch_pow(x, p as f64));
    }
}

/// f64 `powf` (C pow) with PyTorch's special cases: p = ±0.5 as sqrt / rsqrt.
fn torch_pow(x: f64, p: f64) -> f64 {
    if p == 0.5 {
        x.sqrt()
    } else if p == -0.5 {
        1.0 / x.sqrt()
    } else {
        x.powf(p)
    }
}

#[test]
fn exp_edges() {
    assert_eq!(exp_f32(0.0), 1.0);
    assert_eq!(exp_f32(-0.0), 1.0);
    assert_eq!(exp_f32(f32::INFINITY), f32::INFINITY);
    assert_eq!(exp_f32(f32::NEG_INFINITY), 0.0);
    assert!(exp_f32(f32::NAN).is_nan());
    assert_eq!(exp_f32(88.8), f32::INFINITY);
    assert_eq!(exp_f32(1e30), f32::INFINITY);
    assert_eq!(exp_f32(-1e30), 0.0);
    assert_eq!(exp_f32(-104.0), 0.0);
    // Largest finite result and the subnormal range, against f64.
    for x in [88.72283f32, 88.7228, -87.3, -88.0, -100.0, -103.0, -103.9] {
        assert!(ulps(exp_f32(x), (x as f64).exp()) <= 2.0, "exp({x})");
    }
}

#[test]
fn ln_edges() {
    assert_eq!(ln_f32(1.0), 0.0);
    assert_eq!(ln_f32(0.0), f32::NEG_INFINITY);
    assert_eq!(ln_f32(-0.0), f32::NEG_INFINITY);
    assert_eq!(ln_f32(f32::INFINITY), f32::INFINITY);
    assert!(ln_f32(-1.0).is_nan() && ln_f32(f32::NEG_INFINITY).is_nan() && ln_f32(f32::NAN).is_nan());
    let tiny = f32::from_bits(1); // 2⁻¹⁴⁹
    assert!(ulps(ln_f32(tiny), (tiny as f64).ln()) <= 1.0);
    assert!(ulps(ln_f32(f32::MAX), (f32::MAX as f64).ln()) <= 1.0);
}

#[test]
fn log1p_edges() {
    assert_eq!(log1p_f32(-1.0), f32::NEG_INFINITY);
    assert_eq!(log1p_f32(f32::INFINITY), f32::INFINITY);
    assert!(log1p_f32(-1.5).is_nan() && log1p_f32(f32::NEG_INFINITY).is_nan() && log1p_f32(f32::NAN).is_nan());
    // Tiny arguments are returned exactly (1 + x rounds to 1).
    for x in [1e-30f32, -1e-30, 1e-10, -3e-9, f32::from_bits(1)] {
        assert_eq!(log1p_f32(x), x);
    }
    assert_eq!(log1p_f32(-0.0).to_bits(), (-0.0f32).to_bits());
}

#[test]
fn softplus_sigmoid_tanh_edges() {
    // Finite and right for every finite logit, the tails included.
    assert_eq!(softplus_f32(1e4), 1e4);
    assert_eq!(softplus_f32(-1e4), 0.0);
    assert!(ulps(softplus_f32(-100.0), softplus64(-100.0)) <= 1.0); // e^-100, subnormal-free
    assert!(ulps(softplus_f32(-20.0), softplus64(-20.0)) <= 2.0);
    assert_eq!(softplus_f32(f32::INFINITY), f32::INFINITY);
    assert_eq!(softplus_f32(f32::NEG_INFINITY), 0.0);
    assert!(softplus_f32(f32::NAN).is_nan());
    assert_eq!(sigmoid_f32(1e4), 1.0);
    assert_eq!(sigmoid_f32(-1e4), 0.0);
    assert!(ulps(sigmoid_f32(-88.0), 1.0 / (1.0 + 88f64.exp())) <= 2.0);
    assert!(sigmoid_f32(f32::NAN).is_nan());
    assert_eq!(tanh_f32(1e-30), 1e-30);
    assert_eq!(tanh_f32(-0.0).to_bits(), (-0.0f32).to_bits());
    assert_eq!(tanh_f32(50.0), 1.0);
    assert_eq!(tanh_f32(-f32::INFINITY), -1.0);
    assert!(tanh_f32(f32::NAN).is_nan());
}

#[test]
fn pow_edges() {
    assert_eq!(pow_f32(f32::NAN, 0.0), 1.0);
    assert_eq!(pow_f32(-3.0, 0.0), 1.0);
    assert!(pow_f32(2.0, f32::NAN).is_nan());
    assert_eq!(pow_f32(-2.0, 3.0), -8.0);
    assert_eq!(pow_f32(-2.0, -1.0), -0.5);
    assert_eq!(pow_f32(-0.0, -1.0), f32::NEG_INFINITY);
    assert_eq!(pow_f32(-0.0, -2.0), f32::INFINITY);
    assert_eq!(pow_f32(-0.0, 0.5).to_bits(), (-0.0f32).to_bits()); // torch's sqrt
    assert!(pow_f32(f32::NEG_INFINITY, 0.5).is_nan() && pow_f32(f32::NEG_INFINITY, -0.5).is_nan());
    assert_eq!(pow_f32(-0.0, -0.5), f32::NEG_INFINITY); // torch's rsqrt
    assert_eq!(pow_f32(f32::NEG_INFINITY, 3.0), f32::NEG_INFINITY);
    assert_eq!(pow_f32(f32::NEG_INFINITY, -3.0).to_bits(), (-0.0f32).to_bits());
    assert!(pow_f32(-2.0, 0.5).is_nan() && pow_f32(-8.0, 1.0 / 3.0).is_nan());
    assert!(pow_f32(1.0, f32::INFINITY) == 1.0 && pow_f32(-1.0, f32::NEG_INFINITY) == 1.0); // C pow
    assert_eq!(pow_f32(0.5, f32::INFINITY), 0.0);
    assert_eq!(pow_f32(2.0, f32::INFINITY), f32::INFINITY);
    assert_eq!(pow_f32(0.5, f32::NEG_INFINITY), f32::INFINITY);
    assert_eq!(pow_f32(-2.0, 1e10), f32::INFINITY); // huge even integer
    assert_eq!(pow_f32(10.0, 39.0), f32::INFINITY);
    assert_eq!(pow_f32(10.0, -46.0), 0.0);
    assert_eq!(pow_f32(0.0, -0.5), f32::INFINITY);
    assert_eq!(pow_f32(3.0, 1.0), 3.0);
}
