//! The SIMD helpers, in one place: `v`, the SIMD128 versions of the
//! functions in math.rs, four f32 lanes at a time; and `lanes`, the `Lane`
//! abstraction that lets one generic formula run on one f32 (host, tails)
//! or on four lanes of a v128 (wasm), so a formula is written once.
//!
//! Each function is the lane-wise twin of its scalar namesake in math.rs:
//! same algorithm, same constants, same clamps (see that file's header for
//! the math and the measured error bounds), so the host tests of the scalar
//! versions cover these. Branches become `v128_bitselect` on comparison masks.
//!
//! Clamps use `f32x4_pmin`/`f32x4_pmax` (b < a ? b : a, one `minps`/`maxps`
//! each on x86), not `f32x4_min/max`, whose NaN and ±0 rules V8 lowers to a
//! slow instruction sequence; rounding inside exp adds 1.5·2²³ instead of
//! `f32x4_nearest` + `i32x4_trunc_sat_f32x4`. Measured here (node 20): with
//! min/max and nearest/trunc_sat instead, cross entropy fwd+bwd on
//! (256, 1000) logits took 0.92 ms instead of 0.41 ms.
//!
//! `v` is only compiled for wasm32 with the `simd128` target feature;
//! `lanes` everywhere (its f32 form is the host path).

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub mod v {
    use crate::math::*;
    use core::arch::wasm32::*;

    #[inline(always)]
    pub fn splat(x: f32) -> v128 {
        f32x4_splat(x)
    }

    /// Loads 4 lanes from an array reference (unaligned is fine).
    #[inline(always)]
    pub fn load(a: &[f32; 4]) -> v128 {
        // SAFETY: `a` is valid for reading 16 bytes; v128_load has no
        // alignment requirement (it reads unaligned).
        unsafe { v128_load(a.as_ptr() as *const v128) }
    }

    /// Stores 4 lanes into an array reference.
    #[inline(always)]
    pub fn store(a: &mut [f32; 4], x: v128) {
        // SAFETY: `a` is valid for writing 16 bytes and uniquely borrowed;
        // v128_store writes unaligned.
        unsafe { v128_store(a.as_mut_ptr() as *mut v128, x) }
    }

    /// b if a < b, else a (NaN in `a` passes through).
    ///
    /// In the relaxed-SIMD build LLVM lowers `f32x4.pmax(a, b)` to
    /// `f32x4.relaxed_max(a, b)`, which x86 engines run as `maxps(a, b)` =
    /// a > b ? a : b — pmax with the operands swapped: a NaN in `a` gave `b`
    /// (exp(NaN) became 0). Calling relaxed_max(b, a) ourselves gives exactly
    /// pmax(a, b) there, in one instruction (a compare + bitselect would
    /// cost three); on ARM (fmax) a NaN in `b` also propagates, which only
    /// matters where `b` is data rather than a constant bound.
    #[inline(always)]
    pub fn pmax(a: v128, b: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f32x4_relaxed_max(b, a)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f32x4_pmax(a, b)
        }
    }

    /// b if b < a, else a (NaN in `a` passes through); see `pmax` for the
    /// relaxed-SIMD build.
    #[inline(always)]
    pub fn pmin(a: v128, b: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f32x4_relaxed_min(b, a)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f32x4_pmin(a, b)
        }
    }

    /// Lanes of `a` where `mask` is set, else lanes of `b`.
    #[inline(always)]
    pub fn select(mask: v128, a: v128, b: v128) -> v128 {
        v128_bitselect(a, b, mask)
    }

    #[inline(always)]
    pub fn abs(x: v128) -> v128 {
        f32x4_abs(x)
    }

    /// a·b + c. In the relaxed-SIMD build (`target_feature = "relaxed-simd"`,
    /// scripts/build-wasm.sh) one `f32x4.relaxed_madd`, which the engine may
    /// fuse (one rounding, FMA on x86 with it) or not; in the SIMD128 build a
    /// mul and an add, as the scalar twins in math.rs. Polynomials go
    /// through this so the relaxed build gains the FMA everywhere at once.
    #[inline(always)]
    pub fn madd(a: v128, b: v128, c: v128) -> v128 {
        #[cfg(target_feature = "relaxed-simd")]
        {
            f32x4_relaxed_madd(a, b, c)
        }
        #[cfg(not(target_feature = "relaxed-simd"))]
        {
            f32x4_add(f32x4_mul(a, b), c)
        }
    }

    /// Horizontal sum of the 4 lanes, in f32.
    #[inline(always)]
    pub fn hsum(x: v128) -> f32 {
        let s = f32x4_add(x, i32x4_shuffle::<2, 3, 0, 1>(x, x));
        let s = f32x4_add(s, i32x4_shuffle::<1, 0, 3, 2>(s, s));
        f32x4_extract_lane::<0>(s)
    }

    /// Horizontal sum of the 4 lanes, in f64 (for folding short f32 blocks
    /// into a float64 total without a further rounding in f32).
    #[inline(always)]
    pub fn hsum_f64(x: v128) -> f64 {
        let lo = f64x2_promote_low_f32x4(x);
        let hi = f64x2_promote_low_f32x4(i32x4_shuffle::<2, 3, 0, 1>(x, x));
        let s = f64x2_add(lo, hi);
        f64x2_extract_lane::<0>(s) + f64x2_extract_lane::<1>(s)
    }

    /// Horizontal maximum of the 4 lanes; NaN if any lane is NaN.
    #[inline(always)]
    pub fn hmax(x: v128) -> f32 {
        let m = f32x4_max(x, i32x4_shuffle::<2, 3, 0, 1>(x, x));
        let m = f32x4_max(m, i32x4_shuffle::<1, 0, 3, 2>(m, m));
        f32x4_extract_lane::<0>(m)
    }

    #[inline(always)]
    pub fn exp(x: v128) -> v128 {
        let x = pmin(pmax(x, splat(EXP_LO)), splat(EXP_HI));
        let t = f32x4_add(f32x4_mul(x, splat(LOG2E)), splat(MAGIC));
        let nf = f32x4_sub(t, splat(MAGIC));
        let n = i32x4_sub(t, i32x4_splat(MAGIC_BITS));
        let r = f32x4_sub(f32x4_sub(x, f32x4_mul(nf, splat(LN2_HI))), f32x4_mul(nf, splat(LN2_LO)));
        let p = madd(r, splat(E4), splat(E3));
        let p = madd(r, p, splat(E2));
        let p = madd(r, p, splat(E1));
        let p = madd(r, p, splat(E0));
        let p = f32x4_add(splat(1.0), f32x4_add(r, f32x4_mul(f32x4_mul(r, r), p)));
        let n1 = i32x4_shr(n, 1);
        let n2 = i32x4_sub(n, n1);
        let bias = i32x4_splat(127);
        let s1 = i32x4_shl(i32x4_add(n1, bias), 23);
        let s2 = i32x4_shl(i32x4_add(n2, bias), 23);
        f32x4_mul(f32x4_mul(p, s1), s2)
    }

    /// 1 + r + r²·P(r), as math::exp_poly (Estrin's pairs, Horner in r²).
    #[inline(always)]
    fn exp_poly(r: v128) -> v128 {
        let r2 = f32x4_mul(r, r);
        let a = madd(r, splat(E1), splat(E0));
        let b = madd(r, splat(E3), splat(E2));
        let p = madd(r2, madd(r2, splat(E4), b), a);
        f32x4_add(madd(r2, p, r), splat(1.0))
    }

    /// (t, r) of x = n·ln2 + r, as math::exp_reduce.
    #[inline(always)]
    fn exp_reduce(x: v128, magic: f32) -> (v128, v128) {
        let t = madd(x, splat(LOG2E), splat(magic));
        let nf = f32x4_sub(t, splat(magic));
        let r = madd(nf, splat(-LN2_HI), x);
        (t, madd(nf, splat(-LN2_LO), r))
    }

    /// e^x for x ≤ 0 (and NaN), subnormal results included (math::exp_neg_f32).
    #[inline(always)]
    pub fn exp_neg(x: v128) -> v128 {
        let (t, r) = exp_reduce(pmax(x, splat(EXP_NEG_LO)), EXP_NEG_MAGIC);
        f32x4_mul(f32x4_mul(exp_poly(r), i32x4_shl(t, 23)), splat(TWO_M64))
    }

    /// e^x for x ≤ 0 (and NaN), 0 below ≈ 2^−126.5 (math::exp_neg_flush_f32).
    #[inline(always)]
    pub fn exp_neg_flush(x: v128) -> v128 {
        let (t, r) = exp_reduce(pmax(x, splat(EXP_FLUSH_LO)), EXP_FLUSH_MAGIC);
        f32x4_mul(exp_poly(r), i32x4_shl(t, 23))
    }

    /// ln x for x > 0 (subnormals included); garbage for 0, negatives, inf, NaN.
    #[inline(always)]
    fn ln_pos(x: v128) -> v128 {
        let sub = f32x4_lt(x, splat(MIN_NORMAL));
        let xs = select(sub, f32x4_mul(x, splat(TWO_23)), x);
        let bias = v128_and(sub, i32x4_splat(-23));
        let ix = i32x4_sub(xs, i32x4_splat(SQRT_HALF_BITS));
        let k = i32x4_add(i32x4_shr(ix, 23), bias);
        let m = i32x4_add(v128_and(ix, i32x4_splat(MANT_MASK)), i32x4_splat(SQRT_HALF_BITS));
        ln_reduced(f32x4_sub(m, splat(1.0)), f32x4_convert_i32x4(k))
    }

    /// k·ln2 + ln(1 + f), as math::ln_reduced.
    #[inline(always)]
    fn ln_reduced(f: v128, kf: v128) -> v128 {
        let s = f32x4_div(f, f32x4_add(splat(2.0), f));
        let z = f32x4_mul(s, s);
        let r = madd(z, splat(L4), splat(L3));
        let r = madd(z, r, splat(L2));
        let r = f32x4_mul(z, madd(z, r, splat(L1)));
        let hfsq = f32x4_mul(f32x4_mul(splat(0.5), f), f);
        let inner = f32x4_add(f32x4_mul(s, f32x4_add(hfsq, r)), f32x4_mul(kf, splat(LN2_LO)));
        f32x4_sub(f32x4_mul(kf, splat(LN2_HI)), f32x4_sub(f32x4_sub(hfsq, inner), f))
    }

    #[inline(always)]
    pub fn ln(x: v128) -> v128 {
        let y = ln_pos(x);
        let y = select(f32x4_eq(x, splat(f32::INFINITY)), x, y);
        let y = select(f32x4_eq(x, splat(0.0)), splat(f32::NEG_INFINITY), y);
        select(f32x4_ge(x, splat(0.0)), y, splat(f32::NAN))
    }

    /// log1p for x ∈ [0, 1] (and NaN), as math::log1p_unit (exact reduction, one division).
    #[inline(always)]
    pub fn log1p_unit(x: v128) -> v128 {
        let low = f32x4_lt(x, splat(0.5));
        let f = select(low, x, f32x4_mul(f32x4_sub(x, splat(1.0)), splat(0.5)));
        ln_reduced(f, v128_andnot(splat(1.0), low))
    }

    #[inline(always)]
    pub fn log1p(x: v128) -> v128 {
        let u = f32x4_add(splat(1.0), x);
        let c = f32x4_div(f32x4_sub(x, f32x4_sub(u, splat(1.0))), u);
        let c = v128_and(c, f32x4_eq(c, c)); // NaN (u = 0 or inf) → 0
        select(f32x4_eq(u, splat(1.0)), x, f32x4_add(ln(u), c))
    }

    #[inline(always)]
    pub fn sigmoid(x: v128) -> v128 {
        let e = exp_neg(f32x4_neg(abs(x)));
        let r = f32x4_div(splat(1.0), f32x4_add(splat(1.0), e));
        select(f32x4_lt(x, splat(0.0)), f32x4_mul(e, r), r)
    }

    #[inline(always)]
    pub fn tanh(x: v128) -> v128 {
        let a = abs(x);
        let z = f32x4_mul(a, a);
        let p = madd(z, splat(T4), splat(T3));
        let p = madd(z, p, splat(T2));
        let p = madd(z, p, splat(T1));
        let p = madd(z, p, splat(T0));
        let small = f32x4_add(a, f32x4_mul(f32x4_mul(a, z), p));
        let e = exp(f32x4_add(a, a));
        let big = f32x4_sub(splat(1.0), f32x4_div(splat(2.0), f32x4_add(e, splat(1.0))));
        let t = select(f32x4_lt(a, splat(TANH_SMALL)), small, big);
        v128_or(t, v128_and(x, i32x4_splat(i32::MIN))) // t ≥ 0: or-ing x's sign
    }
}

/// 4-lane access for kernels whose loads do not follow a simple chunking of
/// one slice (strided lines, matmul tiles, several optional slices), and the
/// `Lane` abstraction that lets one generic body run on one f32 or on four
/// lanes of a v128.
pub mod lanes {
    use crate::math::{abs_f32, exp_f32, exp_neg_f32, exp_neg_flush_f32, ln_f32, log1p_f32, log1p_unit, pmax_f32, pmin_f32, sqrt_f32};
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    use crate::simd::v;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    use core::arch::wasm32::*;

    /// Calls f(i, true) for i = 0, 4, 8, … while i + 4 ≤ n (wasm only: four
    /// lanes at once), then f(i, false) for the rest, one at a time: the loop
    /// of the row kernels that pick `Four` or `f32` per step.
    #[inline(always)]
    pub fn for_each_step(n: usize, mut f: impl FnMut(usize, bool)) {
        let mut i = 0;
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        while i + 4 <= n {
            f(i, true);
            i += 4;
        }
        while i < n {
            f(i, false);
            i += 1;
        }
    }

    /// x[i..i + 4] as a vector.
    ///
    /// # Safety
    /// `i + 4 <= x.len()`.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    pub unsafe fn load_at(x: &[f32], i: usize) -> v128 {
        debug_assert!(i + 4 <= x.len());
        // SAFETY: in bounds by the caller's contract; v128_load reads unaligned.
        unsafe { v128_load(x.as_ptr().add(i) as *const v128) }
    }

    /// Writes `v` to x[i..i + 4].
    ///
    /// # Safety
    /// `i + 4 <= x.len()`.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    pub unsafe fn store_at(x: &mut [f32], i: usize, v: v128) {
        debug_assert!(i + 4 <= x.len());
        // SAFETY: in bounds by the caller's contract; v128_store writes unaligned.
        unsafe { v128_store(x.as_mut_ptr().add(i) as *mut v128, v) }
    }

    /// One f32, or four lanes (`Four`). Lane l of an access at `i` is element
    /// `i + l·ls` (ls: the distance between the lanes' elements).
    pub trait Lane: Copy {
        fn splat(x: f32) -> Self;
        /// # Safety
        /// Every `i + l·ls` (l < lanes) is in bounds of `x`.
        unsafe fn load(x: &[f32], i: usize, ls: usize) -> Self;
        /// # Safety
        /// Every `i + l·ls` (l < lanes) is in bounds of `x`.
        unsafe fn store(x: &mut [f32], i: usize, ls: usize, v: Self);
        /// Lane l is x[idx[i + l]] (NaN where an index is out of bounds).
        ///
        /// # Safety
        /// Every `i + l` (l < lanes) is in bounds of `idx`.
        unsafe fn gather(x: &[f32], idx: &[usize], i: usize) -> Self;
        fn add(self, o: Self) -> Self;
        fn sub(self, o: Self) -> Self;
        fn mul(self, o: Self) -> Self;
        fn div(self, o: Self) -> Self;
        /// pmax: `o` if self < o, else self (a NaN in `o` is dropped).
        fn max(self, o: Self) -> Self;
        /// pmin: `o` if o < self, else self (a NaN in `o` is dropped).
        fn min(self, o: Self) -> Self;
        fn neg(self) -> Self;
        fn abs(self) -> Self;
        fn exp(self) -> Self;
        /// e^x for x ≤ 0 (and NaN), subnormal results included (math::exp_neg_f32).
        fn exp_neg(self) -> Self;
        /// e^x for x ≤ 0 (and NaN), 0 below ≈ 2^−126.5 (math::exp_neg_flush_f32):
        /// for sums and ratios of exps after a max shift (softmax), not for tails.
        fn exp_neg_flush(self) -> Self;
        fn ln(self) -> Self;
        /// log1p for x ∈ [0, 1] (math::log1p_unit).
        fn log1p_unit(self) -> Self;
        fn log1p(self) -> Self;
        fn sqrt(self) -> Self;

        /// A per-lane condition (bool, or an all-ones/zeros lane mask).
        type Mask: Copy;
        fn lt(self, o: Self) -> Self::Mask;
        fn le(self, o: Self) -> Self::Mask;
        fn eq(self, o: Self) -> Self::Mask;
        /// Lanes of `a` where `m` holds, else lanes of `b`.
        fn select(m: Self::Mask, a: Self, b: Self) -> Self;

        // Composites, written once for both forms.
        #[inline(always)]
        fn gt(self, o: Self) -> Self::Mask {
            o.lt(self)
        }
        #[inline(always)]
        fn ge(self, o: Self) -> Self::Mask {
            o.le(self)
        }
        /// torch.sign: −1, 0 or 1; 0 for ±0 and NaN.
        #[inline(always)]
        fn sign(self) -> Self {
            let zero = Self::splat(0.0);
            Self::select(self.gt(zero), Self::splat(1.0), Self::select(self.lt(zero), Self::splat(-1.0), zero))
        }
        /// e^−|x| ∈ (0, 1], the shared start of softplus and sigmoid.
        #[inline(always)]
        fn exp_neg_abs(self) -> Self {
            self.abs().neg().exp_neg()
        }
        /// log(1 + e^x) = max(x, 0) + log1p(e^−|x|): finite for every finite x.
        #[inline(always)]
        fn softplus(self) -> Self {
            self.max(Self::splat(0.0)).add(self.exp_neg_abs().log1p_unit())
        }
        /// 1/(1 + e^−x) from e^−|x|, so neither side cancels (math::sigmoid_f32).
        #[inline(always)]
        fn sigmoid(self) -> Self {
            let e = self.exp_neg_abs();
            let r = Self::splat(1.0).div(Self::splat(1.0).add(e));
            Self::select(self.lt(Self::splat(0.0)), e.mul(r), r)
        }
    }

    impl Lane for f32 {
        #[inline(always)]
        fn splat(x: f32) -> Self {
            x
        }
        #[inline(always)]
        unsafe fn load(x: &[f32], i: usize, _: usize) -> Self {
            debug_assert!(i < x.len());
            // SAFETY: the caller guarantees i is in bounds.
            unsafe { *x.get_unchecked(i) }
        }
        #[inline(always)]
        unsafe fn store(x: &mut [f32], i: usize, _: usize, v: Self) {
            debug_assert!(i < x.len());
            // SAFETY: the caller guarantees i is in bounds.
            unsafe { *x.get_unchecked_mut(i) = v }
        }
        #[inline(always)]
        unsafe fn gather(x: &[f32], idx: &[usize], i: usize) -> Self {
            // SAFETY: the caller guarantees i is in bounds of idx.
            let k = unsafe { *idx.get_unchecked(i) };
            x.get(k).copied().unwrap_or(f32::NAN)
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            self + o
        }
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            self - o
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            self * o
        }
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            self / o
        }
        #[inline(always)]
        fn max(self, o: Self) -> Self {
            pmax_f32(self, o)
        }
        #[inline(always)]
        fn min(self, o: Self) -> Self {
            pmin_f32(self, o)
        }
        #[inline(always)]
        fn neg(self) -> Self {
            -self
        }
        #[inline(always)]
        fn abs(self) -> Self {
            abs_f32(self)
        }
        #[inline(always)]
        fn exp(self) -> Self {
            exp_f32(self)
        }
        #[inline(always)]
        fn exp_neg(self) -> Self {
            exp_neg_f32(self)
        }
        #[inline(always)]
        fn exp_neg_flush(self) -> Self {
            exp_neg_flush_f32(self)
        }
        #[inline(always)]
        fn ln(self) -> Self {
            ln_f32(self)
        }
        #[inline(always)]
        fn log1p_unit(self) -> Self {
            log1p_unit(self)
        }
        #[inline(always)]
        fn log1p(self) -> Self {
            log1p_f32(self)
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            sqrt_f32(self)
        }
        type Mask = bool;
        #[inline(always)]
        fn lt(self, o: Self) -> bool {
            self < o
        }
        #[inline(always)]
        fn le(self, o: Self) -> bool {
            self <= o
        }
        #[inline(always)]
        fn eq(self, o: Self) -> bool {
            self == o
        }
        #[inline(always)]
        fn select(m: bool, a: Self, b: Self) -> Self {
            if m { a } else { b }
        }
    }

    /// Four lanes in one vector; `CONTIG` when they are adjacent (ls = 1),
    /// else gathered/scattered one by one.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[derive(Clone, Copy)]
    pub struct Four<const CONTIG: bool>(pub v128);

    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    impl<const CONTIG: bool> Lane for Four<CONTIG> {
        #[inline(always)]
        fn splat(x: f32) -> Self {
            Self(f32x4_splat(x))
        }
        #[inline(always)]
        unsafe fn load(x: &[f32], i: usize, ls: usize) -> Self {
            if CONTIG {
                // SAFETY: i + 3 is in bounds (caller).
                Self(unsafe { load_at(x, i) })
            } else {
                // SAFETY: i + l·ls is in bounds for l < 4 (caller).
                let g = |l: usize| unsafe { *x.get_unchecked(i + l * ls) };
                Self(f32x4(g(0), g(1), g(2), g(3)))
            }
        }
        #[inline(always)]
        unsafe fn store(x: &mut [f32], i: usize, ls: usize, v: Self) {
            if CONTIG {
                // SAFETY: i + 3 is in bounds (caller).
                unsafe { store_at(x, i, v.0) }
            } else {
                // SAFETY: i + l·ls is in bounds for l < 4 (caller).
                unsafe {
                    *x.get_unchecked_mut(i) = f32x4_extract_lane::<0>(v.0);
                    *x.get_unchecked_mut(i + ls) = f32x4_extract_lane::<1>(v.0);
                    *x.get_unchecked_mut(i + 2 * ls) = f32x4_extract_lane::<2>(v.0);
                    *x.get_unchecked_mut(i + 3 * ls) = f32x4_extract_lane::<3>(v.0);
                }
            }
        }
        #[inline(always)]
        unsafe fn gather(x: &[f32], idx: &[usize], i: usize) -> Self {
            // SAFETY: the caller guarantees i + 3 is in bounds of idx.
            let g = |l: usize| x.get(unsafe { *idx.get_unchecked(i + l) }).copied().unwrap_or(f32::NAN);
            Self(f32x4(g(0), g(1), g(2), g(3)))
        }
        #[inline(always)]
        fn add(self, o: Self) -> Self {
            Self(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        fn sub(self, o: Self) -> Self {
            Self(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        fn mul(self, o: Self) -> Self {
            Self(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        fn div(self, o: Self) -> Self {
            Self(f32x4_div(self.0, o.0))
        }
        #[inline(always)]
        fn max(self, o: Self) -> Self {
            Self(v::pmax(self.0, o.0))
        }
        #[inline(always)]
        fn min(self, o: Self) -> Self {
            Self(v::pmin(self.0, o.0))
        }
        #[inline(always)]
        fn neg(self) -> Self {
            Self(f32x4_neg(self.0))
        }
        #[inline(always)]
        fn abs(self) -> Self {
            Self(f32x4_abs(self.0))
        }
        #[inline(always)]
        fn exp(self) -> Self {
            Self(v::exp(self.0))
        }
        #[inline(always)]
        fn exp_neg(self) -> Self {
            Self(v::exp_neg(self.0))
        }
        #[inline(always)]
        fn exp_neg_flush(self) -> Self {
            Self(v::exp_neg_flush(self.0))
        }
        #[inline(always)]
        fn ln(self) -> Self {
            Self(v::ln(self.0))
        }
        #[inline(always)]
        fn log1p_unit(self) -> Self {
            Self(v::log1p_unit(self.0))
        }
        #[inline(always)]
        fn log1p(self) -> Self {
            Self(v::log1p(self.0))
        }
        #[inline(always)]
        fn sqrt(self) -> Self {
            Self(f32x4_sqrt(self.0))
        }
        type Mask = v128;
        #[inline(always)]
        fn lt(self, o: Self) -> v128 {
            f32x4_lt(self.0, o.0)
        }
        #[inline(always)]
        fn le(self, o: Self) -> v128 {
            f32x4_le(self.0, o.0)
        }
        #[inline(always)]
        fn eq(self, o: Self) -> v128 {
            f32x4_eq(self.0, o.0)
        }
        #[inline(always)]
        fn select(m: v128, a: Self, b: Self) -> Self {
            Self(v::select(m, a.0, b.0))
        }
    }
}
