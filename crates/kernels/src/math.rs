//! Scalar elementary functions for `no_std` (core has no libm).
//!
//! These are the host path and the SIMD tails, and they are the *scalar twins*
//! of `simd::v`: the same range reduction, the same polynomials, the same
//! clamps and constants (shared from here), so the host tests of this file
//! cover the SIMD math too. Max error measured against float64 over the whole
//! f32 range (tests/math_accuracy.rs):
//!
//! - `exp_f32`: n = round(x·log2 e) by adding 1.5·2²³ (magic-number rounding:
//!   V8 compiles `nearest`/`trunc_sat` slowly), r = x − n·ln2 in two parts
//!   (Cody–Waite), e^r = 1 + r + r²·P(r) with a degree-4 minimax P
//!   (|error| < 3.3e-9 on |r| ≤ 0.35), then ·2^⌊n/2⌋·2^(n−⌊n/2⌋) so that
//!   overflow gives +inf and subnormal results round once. x is clamped to
//!   [−104, 89] with pmin/pmax first (NaN passes through). < 1 ulp (0.94).
//! - `exp_neg_f32` (x ≤ 0, NaN passes; every exp of cross entropy and
//!   softmax after the max shift, and softplus/sigmoid's e^−|x|): the same
//!   reduction, no upper clamp, the polynomial in Estrin's pairs (a shorter
//!   dependency chain), one scale factor 2^(n+64) that is t's bits << 23, then
//!   ·2⁻⁶⁴ (exact for normal results, one rounding for subnormal ones).
//!   < 1 ulp (0.978 over every 13th f32 ≤ 0), subnormal results included.
//! - `exp_neg_flush_f32` (x ≤ 0, NaN passes): as exp_neg_f32 but x clamped
//!   at −88 and the single factor 2^n, which is 0 for n = −127: results
//!   below ≈ 2^−126.5 become 0 (absolute error < 1.2e-38: nothing for
//!   softmax and cross entropy; not for BCE's e^−100 tails, which use
//!   exp_neg_f32). < 1 ulp (0.978) above 2^−126; bit-identical to
//!   exp_neg_f32 for normal results.
//! - `ln_f32`: x = 2^k·m, m ∈ [√½, √2), f = m − 1 exactly, s = f/(2+f),
//!   ln(1+f) = f − (f²/2 − s·(f²/2 + R(s²))) with R the atanh series to s⁸
//!   (truncation < 2e-9), k·ln2 in two parts. Subnormals are scaled by 2²³
//!   first. < 1 ulp (0.79).
//! - `log1p_f32`: u = 1 + x, log1p(x) = ln(u) + (x − (u − 1))/u; the
//!   correction is the rounding error of 1 + x, so tiny x stays exact.
//!   < 1.5 ulp.
//! - `log1p_unit` (x ∈ [0, 1], for softplus): 1 + x = 2^k·(1 + f) with f
//!   exact (x, or (x − 1)/2), so no correction term. < 1 ulp.
//! - `softplus_f32` = max(x, 0) + log1p(e^−|x|), `sigmoid_f32` from e^−|x|
//!   (1/(1+e) or e/(1+e) by sign, so neither side cancels): < 2 ulp (1.54)
//!   and < 2.5 ulp (2.36).
//! - `tanh_f32`: |x| < 0.625: x + x³·P(x²), degree-5 minimax (< 4.4e-9);
//!   else 1 − 2/(e^{2|x|} + 1), which no longer cancels there; computed for
//!   |x| and given x's sign. < 1.5 ulp (1.30).
//! - `sqrt_f32`: the `f32x4.sqrt` instruction on wasm, else Newton in f64,
//!   correctly rounded either way. `pow_f32`: float64 internally, ≤ 0.5 ulp
//!   measured (1 ulp claimed).

// ---- constants shared with simd.rs -------------------------------------

pub(crate) const LOG2E: f32 = core::f32::consts::LOG2_E;
/// 1.5·2²³: adding it rounds to an integer held in the low mantissa bits.
pub(crate) const MAGIC: f32 = 12_582_912.0;
pub(crate) const MAGIC_BITS: i32 = 0x4b40_0000;
/// ln 2 split so that n·LN2_HI is exact for |n| < 2^15.
pub(crate) const LN2_HI: f32 = 0.693_359_375;
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;
/// exp(−104) rounds to 0 and exp(89) overflows, so clamping changes nothing
/// else and keeps n within [−150, 129].
pub(crate) const EXP_LO: f32 = -104.0;
pub(crate) const EXP_HI: f32 = 89.0;
/// e^r ≈ 1 + r + r²·(E0 + r·(E1 + r·(E2 + r·(E3 + r·E4)))), |r| ≤ 0.35.
pub(crate) const E0: f32 = 0.499_999_94;
pub(crate) const E1: f32 = 0.166_665_15;
pub(crate) const E2: f32 = 0.041_668_456;
pub(crate) const E3: f32 = 0.008_369_411;
pub(crate) const E4: f32 = 0.001_381_315_6;

/// Bits of ≈ √½: subtracting them puts the mantissa in [√½, √2).
pub(crate) const SQRT_HALF_BITS: i32 = 0x3f35_04f3;
pub(crate) const MANT_MASK: i32 = 0x007f_ffff;
pub(crate) const MIN_NORMAL: f32 = f32::MIN_POSITIVE;
pub(crate) const TWO_23: f32 = 8_388_608.0;
/// atanh series: ln(1+f) = 2s + s·R, R = z·(L1 + z·(L2 + z·(L3 + z·L4))), z = s².
pub(crate) const L1: f32 = 2.0 / 3.0;
pub(crate) const L2: f32 = 2.0 / 5.0;
pub(crate) const L3: f32 = 2.0 / 7.0;
pub(crate) const L4: f32 = 2.0 / 9.0;

/// tanh(x) ≈ x + x³·(T0 + z·(T1 + z·(T2 + z·(T3 + z·T4)))), z = x², |x| < TANH_SMALL.
pub(crate) const TANH_SMALL: f32 = 0.625;
pub(crate) const T0: f32 = -0.333_332_8;
pub(crate) const T1: f32 = 0.133_314_42;
pub(crate) const T2: f32 = -0.053_739_715;
pub(crate) const T3: f32 = 0.020_639_09;
pub(crate) const T4: f32 = -0.005_704_988_7;

/// `f32x4.pmax` on one lane: b if a < b, else a (NaN in `a` passes through).
#[inline(always)]
pub fn pmax_f32(a: f32, b: f32) -> f32 {
    if a < b { b } else { a }
}

/// `f32x4.pmin` on one lane: b if b < a, else a.
#[inline(always)]
pub fn pmin_f32(a: f32, b: f32) -> f32 {
    if b < a { b } else { a }
}

#[inline(always)]
fn from_bits(b: i32) -> f32 {
    f32::from_bits(b as u32)
}

// ---- exp ------------------------------------------------------------------

#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let x = pmin_f32(pmax_f32(x, EXP_LO), EXP_HI);
    let t = x * LOG2E + MAGIC;
    let nf = t - MAGIC;
    let n = (t.to_bits() as i32).wrapping_sub(MAGIC_BITS);
    let r = (x - nf * LN2_HI) - nf * LN2_LO;
    let p = E0 + r * (E1 + r * (E2 + r * (E3 + r * E4)));
    let p = 1.0 + (r + r * r * p);
    // Two scale factors, each a normal float for n ∈ [−150, 129].
    let n1 = n >> 1;
    let n2 = n.wrapping_sub(n1);
    let s1 = from_bits(n1.wrapping_add(127).wrapping_shl(23));
    let s2 = from_bits(n2.wrapping_add(127).wrapping_shl(23));
    p * s1 * s2
}

/// Lower clamp of exp_neg_f32 (as EXP_LO): n ≥ −150, so 2^(n+64) is normal.
pub(crate) const EXP_NEG_LO: f32 = EXP_LO;
/// Lower clamp of exp_neg_flush_f32: n = round(−88·log2 e) = −127, whose
/// scale factor (n + 127) << 23 is +0.
pub(crate) const EXP_FLUSH_LO: f32 = -88.0;
/// The rounding constant of exp_neg_f32: 1.5·2²³ + 127 + 64, so that t's
/// low mantissa bits hold n + 191 and bits(t) << 23 is 2^(n+64) — the high
/// bits of the constant shift out (t stays in [2²³, 2²⁴), where adding it
/// rounds to an integer as MAGIC does). One op fewer than a subtraction.
pub(crate) const EXP_NEG_MAGIC: f32 = MAGIC + 191.0;
/// 2⁻⁶⁴, the constant second factor of exp_neg_f32.
pub(crate) const TWO_M64: f32 = 5.421_010_9e-20;
/// As EXP_NEG_MAGIC for exp_neg_flush_f32's factor 2^n: n + 127 ≥ 0 there.
pub(crate) const EXP_FLUSH_MAGIC: f32 = MAGIC + 127.0;

/// 1 + r + r²·P(r) with P in Estrin's pairs, Horner in r²:
/// P = (E0 + E1 r) + r²·((E2 + E3 r) + r²·E4) — 6 steps deep instead of 9
/// (measured over x ≤ 0: 0.978 ulp; r⁴·E4 + (…) was 0.993 and one op more).
/// Written as the a·b + c steps of `v::madd`, in the same order.
#[inline(always)]
fn exp_poly(r: f32) -> f32 {
    let r2 = r * r;
    let a = r * E1 + E0;
    let b = r * E3 + E2;
    let p = r2 * (r2 * E4 + b) + a;
    (r2 * p + r) + 1.0
}

/// (t, r) of the reduction x = n·ln2 + r, with n + (magic − MAGIC) held in
/// t's low bits.
#[inline(always)]
fn exp_reduce(x: f32, magic: f32) -> (f32, f32) {
    let t = x * LOG2E + magic;
    let nf = t - magic;
    let r = nf * -LN2_HI + x;
    (t, nf * -LN2_LO + r)
}

/// e^x for x ≤ 0 (and NaN), subnormal results correctly scaled (see the header).
#[inline(always)]
pub fn exp_neg_f32(x: f32) -> f32 {
    let (t, r) = exp_reduce(pmax_f32(x, EXP_NEG_LO), EXP_NEG_MAGIC);
    exp_poly(r) * from_bits(t.to_bits().wrapping_shl(23) as i32) * TWO_M64
}

/// e^x for x ≤ 0 (and NaN), 0 below ≈ 2^−126.5 (see the header).
#[inline(always)]
pub fn exp_neg_flush_f32(x: f32) -> f32 {
    let (t, r) = exp_reduce(pmax_f32(x, EXP_FLUSH_LO), EXP_FLUSH_MAGIC);
    exp_poly(r) * from_bits(t.to_bits().wrapping_shl(23) as i32)
}

// ---- ln / log1p -----------------------------------------------------------

/// ln x for x > 0 (subnormals included); garbage for 0, negatives, inf, NaN.
#[inline(always)]
pub(crate) fn ln_pos(x: f32) -> f32 {
    let sub = x < MIN_NORMAL;
    let xs = if sub { x * TWO_23 } else { x };
    let bias: i32 = if sub { -23 } else { 0 };
    let ix = (xs.to_bits() as i32).wrapping_sub(SQRT_HALF_BITS);
    let k = (ix >> 23).wrapping_add(bias);
    let m = from_bits((ix & MANT_MASK).wrapping_add(SQRT_HALF_BITS));
    ln_reduced(m - 1.0, k as f32)
}

/// k·ln2 + ln(1 + f) for f ∈ [√½ − 1, √2 − 1].
#[inline(always)]
fn ln_reduced(f: f32, kf: f32) -> f32 {
    let s = f / (2.0 + f);
    let z = s * s;
    let r = z * (L1 + z * (L2 + z * (L3 + z * L4)));
    let hfsq = 0.5 * f * f;
    kf * LN2_HI - ((hfsq - (s * (hfsq + r) + kf * LN2_LO)) - f)
}

#[inline(always)]
pub fn ln_f32(x: f32) -> f32 {
    let y = ln_pos(x);
    if x == f32::INFINITY {
        f32::INFINITY
    } else if x == 0.0 {
        f32::NEG_INFINITY
    } else if x >= 0.0 {
        y
    } else {
        f32::NAN // negative or NaN
    }
}

/// log1p for x ∈ [0, 1] (and NaN), as in softplus: 1 + x = 2^k·(1 + f)
/// with f exact — f = x for x < ½, else f = (x − 1)/2, k = 1 (x − 1 is exact
/// by Sterbenz) — so no rounding of 1 + x to correct and one division.
/// ln_reduced is accurate to f = ½ (series truncation < 1e-8). < 1 ulp.
#[inline(always)]
pub fn log1p_unit(x: f32) -> f32 {
    if x < 0.5 { ln_reduced(x, 0.0) } else { ln_reduced((x - 1.0) * 0.5, 1.0) }
}

#[inline(always)]
pub fn log1p_f32(x: f32) -> f32 {
    let u = 1.0 + x;
    let c = (x - (u - 1.0)) / u;
    // c is NaN only for u = 0 or u = inf, where ln(u) is already the answer.
    let c = if c == c { c } else { 0.0 };
    // u = 1: the answer is x itself (this also keeps log1p(−0) = −0).
    if u == 1.0 { x } else { ln_f32(u) + c }
}

// ---- softplus / sigmoid / tanh --------------------------------------------

/// max(x, 0) + log1p(e^−|x|): finite for every finite x, exact in the tails.
#[inline(always)]
pub fn softplus_f32(x: f32) -> f32 {
    pmax_f32(x, 0.0) + log1p_unit(exp_neg_f32(-abs_f32(x)))
}

#[inline(always)]
pub fn sigmoid_f32(x: f32) -> f32 {
    let e = exp_neg_f32(-abs_f32(x));
    let r = 1.0 / (1.0 + e);
    if x < 0.0 { e * r } else { r }
}

#[inline(always)]
pub fn tanh_f32(x: f32) -> f32 {
    // Computed for |x|, then given x's sign (so tanh(−0) = −0).
    let a = abs_f32(x);
    let t = if a < TANH_SMALL {
        let z = a * a;
        a + a * z * (T0 + z * (T1 + z * (T2 + z * (T3 + z * T4))))
    } else {
        1.0 - 2.0 / (exp_f32(a + a) + 1.0) // NaN lands here and stays NaN
    };
    f32::from_bits(t.to_bits() | (x.to_bits() & 0x8000_0000))
}

#[inline(always)]
pub fn abs_f32(x: f32) -> f32 {
    f32::from_bits(x.to_bits() & 0x7fff_ffff)
}

// ---- sqrt -------------------------------------------------------------------

/// Correctly rounded square root; sqrt(−0) = −0, negatives give NaN.
#[inline(always)]
pub fn sqrt_f32(x: f32) -> f32 {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    {
        use core::arch::wasm32::{f32x4_extract_lane, f32x4_splat, f32x4_sqrt};
        f32x4_extract_lane::<0>(f32x4_sqrt(f32x4_splat(x)))
    }
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    {
        sqrt_soft(x)
    }
}

/// Newton's iteration in f64 from a bit-trick guess (error < 4%): four steps
/// reach f64 precision, and an f64 within 1 ulp of √x rounds to the correctly
/// rounded f32 (√x of an f32 is never that close to an f32 midpoint).
#[cfg_attr(all(target_arch = "wasm32", target_feature = "simd128"), allow(dead_code))]
pub(crate) fn sqrt_soft(x: f32) -> f32 {
    if !(x > 0.0) || x == f32::INFINITY {
        return if x < 0.0 { f32::NAN } else { x }; // ±0, +inf, NaN
    }
    let xd = x as f64;
    let mut y = f64::from_bits((xd.to_bits() >> 1).wrapping_add(0x1ff7_a3be_a91d_9b1b));
    let mut i = 0;
    while i < 4 {
        y = 0.5 * (y + xd / y);
        i += 1;
    }
    y as f32
}

// ---- pow --------------------------------------------------------------------

/// PyTorch's `x ** p` (C `pow`, with torch's special cases), rounded to f32:
/// x⁰ = 1 even for NaN, |x| = 1 with p = ±inf is 1 (C pow; Math.pow says
/// NaN), integer p by squaring (negative x allowed), p = 0.5 as sqrt and
/// p = −0.5 as 1/sqrt (torch's sqrt/rsqrt: −inf gives NaN, −0 gives −0 and
/// −inf, where C pow says +inf, +0 and +0), other p as
/// exp(p·ln|x|); negative finite x with non-integer p is NaN. The work is done
/// in f64, so the result is within 1 ulp.
pub fn pow_f32(x: f32, p: f32) -> f32 {
    if p == 0.0 {
        return 1.0;
    }
    if x != x || p != p {
        return f32::NAN;
    }
    let ax = abs_f32(x);
    if abs_f32(p) == f32::INFINITY {
        return if ax == 1.0 {
            1.0
        } else if (ax > 1.0) == (p > 0.0) {
            f32::INFINITY
        } else {
            0.0
        };
    }
    if p == 0.5 {
        return sqrt_f32(x);
    }
    if p == -0.5 && (x == f32::NEG_INFINITY || x == 0.0) {
        // torch's rsqrt: NaN at −inf, ±inf at ±0; other x take the general path.
        return if x == 0.0 { 1.0 / x } else { f32::NAN };
    }
    let is_int = abs_f32(p) >= TWO_23 || (p as i32) as f32 == p;
    if is_int && abs_f32(p) < 2_147_483_648.0 {
        let e = p as i32;
        let mag = powi_f64(x as f64, e.unsigned_abs());
        return (if e < 0 { 1.0 / mag } else { mag }) as f32;
    }
    if x < 0.0 && x != f32::NEG_INFINITY && !is_int {
        return f32::NAN;
    }
    // Here p is non-integer (or a huge even integer): the sign is +.
    if ax == f32::INFINITY {
        return if p > 0.0 { f32::INFINITY } else { 0.0 };
    }
    if ax == 0.0 {
        return if p > 0.0 { 0.0 } else { f32::INFINITY };
    }
    exp_f64(p as f64 * ln_f64(ax as f64)) as f32
}

/// m^q in f64 for m ≥ 0 taken from an f32 (NaN passes) and any finite q ≠ 0:
/// binary powering for integer |q| (relative error < 1e-14), else e^(q·ln m)
/// (its result clamped where an f32 would be 0 or inf anyway). The
/// per-element power of p-norms (TripletMarginLoss with p ∉ {1, 2}), which
/// sums in f64 and skips pow_f32's special cases for negative or odd x.
pub(crate) fn pow_nonneg_f64(m: f32, q: f32) -> f64 {
    if m != m {
        return f64::NAN;
    }
    let mag = abs_f32(q);
    let r = if m == 0.0 || m == f32::INFINITY {
        if m == 0.0 { 0.0 } else { f64::INFINITY }
    } else if (mag as u32) as f32 == mag && mag < 4_294_967_296.0 {
        powi_f64(m as f64, mag as u32)
    } else {
        exp_f64(mag as f64 * ln_f64(m as f64))
    };
    if q < 0.0 { 1.0 / r } else { r }
}

/// x^e by binary powering (≤ 62 multiplications, relative error < 1e-14).
fn powi_f64(x: f64, mut e: u32) -> f64 {
    let mut base = x;
    let mut acc = 1.0;
    while e > 0 {
        if e & 1 == 1 {
            acc *= base;
        }
        base *= base;
        e >>= 1;
    }
    acc
}

/// ln x for positive finite x that came from an f32 (so x is a normal f64).
/// Same reduction as `ln_reduced`, atanh series to s¹⁴ (< 4e-14 relative).
fn ln_f64(x: f64) -> f64 {
    const SQRT_HALF: u64 = 0x3fe6_a09e_667f_3bcd;
    let ix = x.to_bits().wrapping_sub(SQRT_HALF);
    let k = ((ix as i64) >> 52) as f64;
    let m = f64::from_bits((ix & 0x000f_ffff_ffff_ffff).wrapping_add(SQRT_HALF));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let mut series = 1.0 / 15.0;
    let mut d = 13.0;
    while d > 0.0 {
        series = 1.0 / d + z * series;
        d -= 2.0;
    }
    k * core::f64::consts::LN_2 + 2.0 * s * series
}

/// e^y for the results that matter to an f32: clamped to [−110, 90], where
/// the f32 result is already 0 or inf; 2^n·e^r with a degree-13 Taylor series.
fn exp_f64(y: f64) -> f64 {
    let y = if y < -110.0 { -110.0 } else if y > 90.0 { 90.0 } else { y };
    let t = y * core::f64::consts::LOG2_E;
    let nf = (t + if t < 0.0 { -0.5 } else { 0.5 }) as i64 as f64; // round to nearest
    let r = y - nf * core::f64::consts::LN_2;
    let mut p = 1.0;
    let mut k = 13.0;
    while k > 0.0 {
        p = 1.0 + r * p / k;
        k -= 1.0;
    }
    p * f64::from_bits(((nf as i64 + 1023) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqrt_soft_is_correctly_rounded() {
        let mut bits: u32 = 0;
        while bits < 0x7f80_0000 {
            let x = f32::from_bits(bits);
            assert_eq!(sqrt_soft(x).to_bits(), x.sqrt().to_bits(), "x = {x:e}");
            bits += 4099;
        }
        assert_eq!(sqrt_soft(-0.0).to_bits(), (-0.0f32).to_bits());
        assert!(sqrt_soft(-1.0).is_nan() && sqrt_soft(f32::NAN).is_nan());
        assert_eq!(sqrt_soft(f32::INFINITY), f32::INFINITY);
    }
}
