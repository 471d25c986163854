//! Element-wise kernels: unary ops and their gradients, x^p, binary ops with
//! an array or a scalar and in-place accumulation.
//!
//! Unary ops (codes shared with ts/backend/backend.ts `UnaryOp`), each with
//! its gradient next to it, gx = gy · op'(x), using y = op(x) where cheaper:
//!   neg    −x                      → −gy
//!   abs    |x|                     → gy · sign(x)   (sign(0) = sign(NaN) = 0, torch.sign)
//!   exp    eˣ                      → gy · y
//!   log    ln x                    → gy / x
//!   sqrt   √x                      → gy / (2y)
//!   relu   x < 0 ? 0 : x           → x ≤ 0 ? 0 : gy (NaN and −0 pass through forward, as torch.relu;
//!                                    NaN passes the gradient backward, as torch's threshold_backward)
//!   sigmoid 1/(1+e⁻ˣ) from e^−|x|  → gy · y · (1 − y)
//!   tanh                           → gy · (1 − y²)
//! The transcendental functions are math.rs / simd.rs (`simd::v`), whose
//! headers give their stable forms and error bounds.
//! Binary ops (codes shared with `BinaryOp`): a + b, a − b, a · b, a / b in
//! f32, which is bit-identical to the JS backend's float64-then-round.
//!
//! Every kernel works on the common prefix of its slices (callers pass equal
//! lengths): a SIMD128 body over 4-lane chunks and a scalar tail; on the host
//! the scalar form does everything.

use crate::math::{abs_f32, exp_f32, ln_f32, pmax_f32, pow_f32, sigmoid_f32, sqrt_f32, tanh_f32};
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::v;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use core::arch::wasm32::*;

/// Element-wise unary ops; the codes are the TypeScript `UnaryOp` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg = 0,
    Abs = 1,
    Exp = 2,
    Log = 3,
    Sqrt = 4,
    Relu = 5,
    Sigmoid = 6,
    Tanh = 7,
}

impl UnaryOp {
    /// The op for a TypeScript code, None for an unknown code.
    pub fn from_code(code: i32) -> Option<Self> {
        Some(match code {
            0 => Self::Neg,
            1 => Self::Abs,
            2 => Self::Exp,
            3 => Self::Log,
            4 => Self::Sqrt,
            5 => Self::Relu,
            6 => Self::Sigmoid,
            7 => Self::Tanh,
            _ => return None,
        })
    }
}

/// Element-wise binary ops; the codes are the TypeScript `BinaryOp` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Add = 0,
    Sub = 1,
    Mul = 2,
    Div = 3,
}

impl BinaryOp {
    /// The op for a TypeScript code, None for an unknown code.
    pub fn from_code(code: i32) -> Option<Self> {
        Some(match code {
            0 => Self::Add,
            1 => Self::Sub,
            2 => Self::Mul,
            3 => Self::Div,
            _ => return None,
        })
    }
}

// ---- unary ops: forward and gradient side by side ---------------------------

/// One unary op: its scalar forward/gradient and their SIMD twins.
trait Unary {
    fn f(x: f32) -> f32;
    fn df(x: f32, y: f32, gy: f32) -> f32;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(x: v128, y: v128, gy: v128) -> v128;
}

struct Neg;
impl Unary for Neg {
    fn f(x: f32) -> f32 {
        -x
    }
    fn df(_: f32, _: f32, gy: f32) -> f32 {
        -gy
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        f32x4_neg(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(_: v128, _: v128, gy: v128) -> v128 {
        f32x4_neg(gy)
    }
}

struct Abs;
impl Unary for Abs {
    fn f(x: f32) -> f32 {
        abs_f32(x)
    }
    fn df(x: f32, _: f32, gy: f32) -> f32 {
        gy * if x > 0.0 {
            1.0
        } else if x < 0.0 {
            -1.0
        } else {
            0.0
        }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        f32x4_abs(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(x: v128, _: v128, gy: v128) -> v128 {
        let zero = f32x4_splat(0.0);
        let pos = v128_and(f32x4_gt(x, zero), f32x4_splat(1.0));
        let neg = v128_and(f32x4_lt(x, zero), f32x4_splat(-1.0));
        f32x4_mul(gy, v128_or(pos, neg))
    }
}

struct Exp;
impl Unary for Exp {
    fn f(x: f32) -> f32 {
        exp_f32(x)
    }
    fn df(_: f32, y: f32, gy: f32) -> f32 {
        gy * y
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        v::exp(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(_: v128, y: v128, gy: v128) -> v128 {
        f32x4_mul(gy, y)
    }
}

struct Log;
impl Unary for Log {
    fn f(x: f32) -> f32 {
        ln_f32(x)
    }
    fn df(x: f32, _: f32, gy: f32) -> f32 {
        gy / x
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        v::ln(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(x: v128, _: v128, gy: v128) -> v128 {
        f32x4_div(gy, x)
    }
}

struct Sqrt;
impl Unary for Sqrt {
    fn f(x: f32) -> f32 {
        sqrt_f32(x)
    }
    fn df(_: f32, y: f32, gy: f32) -> f32 {
        gy / (2.0 * y)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        f32x4_sqrt(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(_: v128, y: v128, gy: v128) -> v128 {
        f32x4_div(gy, f32x4_add(y, y))
    }
}

struct Relu;
impl Unary for Relu {
    fn f(x: f32) -> f32 {
        pmax_f32(x, 0.0) // x < 0 ? 0 : x
    }
    fn df(x: f32, _: f32, gy: f32) -> f32 {
        // x ≤ 0 → 0, else gy: NaN passes the gradient, as torch's threshold_backward.
        if x <= 0.0 { 0.0 } else { gy }
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        v::pmax(x, f32x4_splat(0.0))
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(x: v128, _: v128, gy: v128) -> v128 {
        v128_andnot(gy, f32x4_le(x, f32x4_splat(0.0)))
    }
}

struct Sigmoid;
impl Unary for Sigmoid {
    fn f(x: f32) -> f32 {
        sigmoid_f32(x)
    }
    fn df(_: f32, y: f32, gy: f32) -> f32 {
        gy * y * (1.0 - y)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        v::sigmoid(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(_: v128, y: v128, gy: v128) -> v128 {
        f32x4_mul(f32x4_mul(gy, y), f32x4_sub(f32x4_splat(1.0), y))
    }
}

struct Tanh;
impl Unary for Tanh {
    fn f(x: f32) -> f32 {
        tanh_f32(x)
    }
    fn df(_: f32, y: f32, gy: f32) -> f32 {
        gy * (1.0 - y * y)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        v::tanh(x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(_: v128, y: v128, gy: v128) -> v128 {
        f32x4_mul(gy, f32x4_sub(f32x4_splat(1.0), f32x4_mul(y, y)))
    }
}

fn map<U: Unary>(x: &[f32], out: &mut [f32]) {
    let n = x.len().min(out.len());
    let (x, out) = (&x[..n], &mut out[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (x, out) = {
        let (xc, xt) = x.as_chunks::<4>();
        let (oc, ot) = out.as_chunks_mut::<4>();
        for (xi, oi) in xc.iter().zip(oc.iter_mut()) {
            v::store(oi, U::fv(v::load(xi)));
        }
        (xt, ot)
    };
    for (xi, oi) in x.iter().zip(out.iter_mut()) {
        *oi = U::f(*xi);
    }
}

fn map_backward<U: Unary>(x: &[f32], y: &[f32], gy: &[f32], gx: &mut [f32]) {
    let n = x.len().min(y.len()).min(gy.len()).min(gx.len());
    let (x, y, gy, gx) = (&x[..n], &y[..n], &gy[..n], &mut gx[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (x, y, gy, gx) = {
        let ((xc, xt), (yc, yt)) = (x.as_chunks::<4>(), y.as_chunks::<4>());
        let ((gc, gt), (oc, ot)) = (gy.as_chunks::<4>(), gx.as_chunks_mut::<4>());
        for (((xi, yi), gi), oi) in xc.iter().zip(yc).zip(gc).zip(oc.iter_mut()) {
            v::store(oi, U::dfv(v::load(xi), v::load(yi), v::load(gi)));
        }
        (xt, yt, gt, ot)
    };
    for (((xi, yi), gi), oi) in x.iter().zip(y).zip(gy).zip(gx.iter_mut()) {
        *oi = U::df(*xi, *yi, *gi);
    }
}

/// out[i] = op(x[i]).
pub fn unary(op: UnaryOp, x: &[f32], out: &mut [f32]) {
    match op {
        UnaryOp::Neg => map::<Neg>(x, out),
        UnaryOp::Abs => map::<Abs>(x, out),
        UnaryOp::Exp => map::<Exp>(x, out),
        UnaryOp::Log => map::<Log>(x, out),
        UnaryOp::Sqrt => map::<Sqrt>(x, out),
        UnaryOp::Relu => map::<Relu>(x, out),
        UnaryOp::Sigmoid => map::<Sigmoid>(x, out),
        UnaryOp::Tanh => map::<Tanh>(x, out),
    }
}

/// gx[i] = gy[i] · op'(x[i]), with y = op(x) (see the header for each op).
pub fn unary_backward(op: UnaryOp, x: &[f32], y: &[f32], gy: &[f32], gx: &mut [f32]) {
    match op {
        UnaryOp::Neg => map_backward::<Neg>(x, y, gy, gx),
        UnaryOp::Abs => map_backward::<Abs>(x, y, gy, gx),
        UnaryOp::Exp => map_backward::<Exp>(x, y, gy, gx),
        UnaryOp::Log => map_backward::<Log>(x, y, gy, gx),
        UnaryOp::Sqrt => map_backward::<Sqrt>(x, y, gy, gx),
        UnaryOp::Relu => map_backward::<Relu>(x, y, gy, gx),
        UnaryOp::Sigmoid => map_backward::<Sigmoid>(x, y, gy, gx),
        UnaryOp::Tanh => map_backward::<Tanh>(x, y, gy, gx),
    }
}

// ---- x^p ------------------------------------------------------------------

/// x^1, as a unary op (its gradient is the p = 1 case of pow's).
struct Identity;
impl Unary for Identity {
    fn f(x: f32) -> f32 {
        x
    }
    fn df(_: f32, _: f32, gy: f32) -> f32 {
        gy
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        x
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(_: v128, _: v128, gy: v128) -> v128 {
        gy
    }
}

/// x^2 = x·x: the product of two f32 is exact in f64, so this is pow_f32(x, 2)
/// bit for bit; likewise (2·gy)·x is the gradient formula rounded once.
struct Square;
impl Unary for Square {
    fn f(x: f32) -> f32 {
        x * x
    }
    fn df(x: f32, _: f32, gy: f32) -> f32 {
        (gy + gy) * x
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn fv(x: v128) -> v128 {
        f32x4_mul(x, x)
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn dfv(x: v128, _: v128, gy: v128) -> v128 {
        f32x4_mul(f32x4_add(gy, gy), x)
    }
}

/// out[i] = x[i]^p with `Math.pow` semantics (math.rs `pow_f32`); p = 1 and
/// p = 2 (the common `x.pow(2)`) take a vector path with identical results.
pub fn pow_scalar(x: &[f32], p: f32, out: &mut [f32]) {
    if p == 1.0 {
        map::<Identity>(x, out);
    } else if p == 2.0 {
        map::<Square>(x, out);
    } else {
        for (xi, oi) in x.iter().zip(out.iter_mut()) {
            *oi = pow_f32(*xi, p);
        }
    }
}

/// gx[i] = gy[i] · p · x[i]^(p − 1); all zeros when p = 0.
pub fn pow_scalar_backward(x: &[f32], p: f32, gy: &[f32], gx: &mut [f32]) {
    if p == 1.0 {
        map_backward::<Identity>(x, x, gy, gx);
    } else if p == 2.0 {
        map_backward::<Square>(x, x, gy, gx);
    } else {
        let pm1 = p - 1.0;
        for ((xi, gi), oi) in x.iter().zip(gy).zip(gx.iter_mut()) {
            *oi = if p == 0.0 { 0.0 } else { *gi * p * pow_f32(*xi, pm1) };
        }
    }
}

// ---- binary ops ---------------------------------------------------------------

/// One binary op, scalar and SIMD.
pub(crate) trait Binary {
    fn f(a: f32, b: f32) -> f32;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn v(a: v128, b: v128) -> v128;
}

pub(crate) struct Add;
impl Binary for Add {
    fn f(a: f32, b: f32) -> f32 {
        a + b
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn v(a: v128, b: v128) -> v128 {
        f32x4_add(a, b)
    }
}

pub(crate) struct Sub;
impl Binary for Sub {
    fn f(a: f32, b: f32) -> f32 {
        a - b
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn v(a: v128, b: v128) -> v128 {
        f32x4_sub(a, b)
    }
}

pub(crate) struct Mul;
impl Binary for Mul {
    fn f(a: f32, b: f32) -> f32 {
        a * b
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn v(a: v128, b: v128) -> v128 {
        f32x4_mul(a, b)
    }
}

pub(crate) struct Div;
impl Binary for Div {
    fn f(a: f32, b: f32) -> f32 {
        a / b
    }
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    fn v(a: v128, b: v128) -> v128 {
        f32x4_div(a, b)
    }
}

/// Calls `$body` with `$B` bound to the op type of `$op`, so each op gets its
/// own monomorphic loop (the match stays outside the loop).
macro_rules! with_binary {
    ($op:expr, $B:ident => $body:expr) => {
        match $op {
            $crate::elementwise::BinaryOp::Add => {
                type $B = $crate::elementwise::Add;
                $body
            }
            $crate::elementwise::BinaryOp::Sub => {
                type $B = $crate::elementwise::Sub;
                $body
            }
            $crate::elementwise::BinaryOp::Mul => {
                type $B = $crate::elementwise::Mul;
                $body
            }
            $crate::elementwise::BinaryOp::Div => {
                type $B = $crate::elementwise::Div;
                $body
            }
        }
    };
}
pub(crate) use with_binary;

/// out[i] = a[i] op b[i] over the common length.
pub(crate) fn zip<B: Binary>(a: &[f32], b: &[f32], out: &mut [f32]) {
    let n = a.len().min(b.len()).min(out.len());
    let (a, b, out) = (&a[..n], &b[..n], &mut out[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (a, b, out) = {
        let ((ac, at), (bc, bt)) = (a.as_chunks::<4>(), b.as_chunks::<4>());
        let (oc, ot) = out.as_chunks_mut::<4>();
        for ((ai, bi), oi) in ac.iter().zip(bc).zip(oc.iter_mut()) {
            v::store(oi, B::v(v::load(ai), v::load(bi)));
        }
        (at, bt, ot)
    };
    for ((ai, bi), oi) in a.iter().zip(b).zip(out.iter_mut()) {
        *oi = B::f(*ai, *bi);
    }
}

/// out[i] = a[i] op s.
pub(crate) fn zip_scalar_right<B: Binary>(a: &[f32], s: f32, out: &mut [f32]) {
    let n = a.len().min(out.len());
    let (a, out) = (&a[..n], &mut out[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (a, out) = {
        let sv = f32x4_splat(s);
        let ((ac, at), (oc, ot)) = (a.as_chunks::<4>(), out.as_chunks_mut::<4>());
        for (ai, oi) in ac.iter().zip(oc.iter_mut()) {
            v::store(oi, B::v(v::load(ai), sv));
        }
        (at, ot)
    };
    for (ai, oi) in a.iter().zip(out.iter_mut()) {
        *oi = B::f(*ai, s);
    }
}

/// out[i] = s op b[i].
pub(crate) fn zip_scalar_left<B: Binary>(s: f32, b: &[f32], out: &mut [f32]) {
    let n = b.len().min(out.len());
    let (b, out) = (&b[..n], &mut out[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (b, out) = {
        let sv = f32x4_splat(s);
        let ((bc, bt), (oc, ot)) = (b.as_chunks::<4>(), out.as_chunks_mut::<4>());
        for (bi, oi) in bc.iter().zip(oc.iter_mut()) {
            v::store(oi, B::v(sv, v::load(bi)));
        }
        (bt, ot)
    };
    for (bi, oi) in b.iter().zip(out.iter_mut()) {
        *oi = B::f(s, *bi);
    }
}

/// out[i] = a[i] op b[i].
pub fn binary(op: BinaryOp, a: &[f32], b: &[f32], out: &mut [f32]) {
    with_binary!(op, B => zip::<B>(a, b, out))
}

/// out[i] = a[i] op s.
pub fn binary_scalar(op: BinaryOp, a: &[f32], s: f32, out: &mut [f32]) {
    with_binary!(op, B => zip_scalar_right::<B>(a, s, out))
}

/// acc[i] += x[i] (gradient accumulation).
pub fn add_in_place(acc: &mut [f32], x: &[f32]) {
    let n = acc.len().min(x.len());
    let (acc, x) = (&mut acc[..n], &x[..n]);
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    let (acc, x) = {
        let ((ac, at), (xc, xt)) = (acc.as_chunks_mut::<4>(), x.as_chunks::<4>());
        for (ai, xi) in ac.iter_mut().zip(xc) {
            let s = f32x4_add(v::load(ai), v::load(xi));
            v::store(ai, s);
        }
        (at, xt)
    };
    for (ai, xi) in acc.iter_mut().zip(x) {
        *ai += *xi;
    }
}
