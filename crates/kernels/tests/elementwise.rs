//! Element-wise kernels against float64 references over lengths 0..=33
//! (every SIMD tail), plus the NaN / ±0 rules of the JS backend and PyTorch.

mod losses_support;

use losses_support::{assert_close, Rng};
use neurenix_kernels::elementwise::*;

const OPS: [UnaryOp; 8] = [
    UnaryOp::Neg,
    UnaryOp::Abs,
    UnaryOp::Exp,
    UnaryOp::Log,
    UnaryOp::Sqrt,
    UnaryOp::Relu,
    UnaryOp::Sigmoid,
    UnaryOp::Tanh,
];

/// op(x) in f64.
fn reference(op: UnaryOp, x: f64) -> f64 {
    match op {
        UnaryOp::Neg => -x,
        UnaryOp::Abs => x.abs(),
        UnaryOp::Exp => x.exp(),
        UnaryOp::Log => x.ln(),
        UnaryOp::Sqrt => x.sqrt(),
        UnaryOp::Relu => x.max(0.0),
        UnaryOp::Sigmoid => 1.0 / (1.0 + (-x).exp()),
        UnaryOp::Tanh => x.tanh(),
    }
}

/// op'(x) in f64 by backend.ts's formulas, from the kernel's own y = op(x)
/// (as the backward receives it; 1 − y cancels near saturation either way).
fn reference_grad(op: UnaryOp, x: f64, y: f64) -> f64 {
    match op {
        UnaryOp::Neg => -1.0,
        UnaryOp::Abs => if x > 0.0 { 1.0 } else if x < 0.0 { -1.0 } else { 0.0 },
        UnaryOp::Exp => y,
        UnaryOp::Log => 1.0 / x,
        UnaryOp::Sqrt => 0.5 / y,
        UnaryOp::Relu => if x > 0.0 { 1.0 } else { 0.0 },
        UnaryOp::Sigmoid => y * (1.0 - y),
        UnaryOp::Tanh => 1.0 - y * y,
    }
}

#[test]
fn op_codes_match_typescript() {
    for (code, op) in OPS.iter().enumerate() {
        assert_eq!(UnaryOp::from_code(code as i32), Some(*op));
        assert_eq!(*op as i32, code as i32);
    }
    assert_eq!(UnaryOp::from_code(8), None);
    assert_eq!(UnaryOp::from_code(-1), None);
    let bin = [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div];
    for (code, op) in bin.iter().enumerate() {
        assert_eq!(BinaryOp::from_code(code as i32), Some(*op));
    }
    assert_eq!(BinaryOp::from_code(4), None);
}

#[test]
fn unary_and_backward_match_f64_for_every_tail() {
    let mut rng = Rng::new(1);
    for n in 0..=33 {
        for op in OPS {
            // log/sqrt need positive inputs; the others get both signs.
            let positive = matches!(op, UnaryOp::Log | UnaryOp::Sqrt);
            let x = if positive { rng.vec(n, 0.01, 20.0) } else { rng.vec(n, -9.0, 9.0) };
            let gy = rng.vec(n, -2.0, 2.0);
            let mut y = vec![f32::NAN; n + 1];
            let mut gx = vec![f32::NAN; n + 1];
            unary(op, &x, &mut y[..n]);
            unary_backward(op, &x, &y[..n], &gy, &mut gx[..n]);
            assert!(y[n].is_nan() && gx[n].is_nan(), "{op:?}: wrote past the end");
            for i in 0..n {
                let want = reference(op, x[i] as f64);
                assert_close(&format!("{op:?}({})", x[i]), y[i] as f64, want, 3e-7, 1e-38);
                let d = reference_grad(op, x[i] as f64, y[i] as f64);
                assert_close(&format!("{op:?}'({})", x[i]), gx[i] as f64, gy[i] as f64 * d, 2e-6, 1e-7);
            }
        }
    }
}

#[test]
fn nan_and_signed_zero_rules() {
    let x = [f32::NAN, -0.0, 0.0, -1.0];
    let gy = [1.0f32; 4];
    let mut y = [0.0f32; 4];
    let mut gx = [0.0f32; 4];
    unary(UnaryOp::Relu, &x, &mut y);
    assert!(y[0].is_nan(), "relu keeps NaN, as torch.relu");
    assert_eq!(y[1].to_bits(), (-0.0f32).to_bits(), "relu keeps -0");
    assert_eq!(y[3], 0.0);
    unary_backward(UnaryOp::Relu, &x, &y, &gy, &mut gx);
    assert_eq!(gx, [1.0, 0.0, 0.0, 0.0], "NaN passes the gradient, as torch's threshold_backward");
    unary_backward(UnaryOp::Abs, &x, &y, &gy, &mut gx);
    assert_eq!(gx, [0.0, 0.0, 0.0, -1.0], "sign(NaN) = sign(±0) = 0, as torch.sign");
    unary(UnaryOp::Exp, &x, &mut y);
    assert!(y[0].is_nan());
}

#[test]
fn pow_scalar_matches_f64_and_its_fast_paths() {
    let mut rng = Rng::new(2);
    for p in [0.0f32, 1.0, 2.0, 3.0, 0.5, -1.0, 2.5, -0.5] {
        for n in 0..=33 {
            let x = rng.vec(n, 0.05, 4.0);
            let gy = rng.vec(n, -1.0, 1.0);
            let mut y = vec![0.0f32; n];
            let mut gx = vec![0.0f32; n];
            pow_scalar(&x, p, &mut y);
            pow_scalar_backward(&x, p, &gy, &mut gx);
            for i in 0..n {
                let (xd, pd) = (x[i] as f64, p as f64);
                assert_close(&format!("{}^{p}", x[i]), y[i] as f64, xd.powf(pd), 2e-7, 0.0);
                let d = if p == 0.0 { 0.0 } else { pd * xd.powf(pd - 1.0) };
                assert_close(&format!("d {}^{p}", x[i]), gx[i] as f64, gy[i] as f64 * d, 1e-6, 1e-30);
            }
        }
    }
    // x^2 and x^1 keep Math.pow's answers on negative and special inputs.
    let x = [-3.0f32, f32::NAN, f32::NEG_INFINITY, -0.0];
    let mut y = [0.0f32; 4];
    pow_scalar(&x, 2.0, &mut y);
    assert_eq!(y[0], 9.0);
    assert!(y[1].is_nan());
    assert_eq!(y[2], f32::INFINITY);
    assert_eq!(y[3].to_bits(), 0.0f32.to_bits());
    pow_scalar(&x, 0.0, &mut y);
    assert_eq!(y, [1.0; 4], "x^0 = 1, NaN included");
}

#[test]
fn binary_ops_are_exact_f32_arithmetic() {
    let mut rng = Rng::new(3);
    let ops: [(BinaryOp, fn(f32, f32) -> f32); 4] = [
        (BinaryOp::Add, |a, b| a + b),
        (BinaryOp::Sub, |a, b| a - b),
        (BinaryOp::Mul, |a, b| a * b),
        (BinaryOp::Div, |a, b| a / b),
    ];
    for n in 0..=33 {
        let a = rng.vec(n, -5.0, 5.0);
        let b = rng.vec(n, 0.5, 3.0);
        let s = rng.vec(1, -2.0, 2.0)[0];
        for (op, f) in ops {
            let mut out = vec![f32::NAN; n];
            binary(op, &a, &b, &mut out);
            // f64 then rounded (the JS backend's way) equals the f32 op.
            for i in 0..n {
                assert_eq!(out[i], f(a[i], b[i]));
                assert_eq!(out[i], ((match op {
                    BinaryOp::Add => a[i] as f64 + b[i] as f64,
                    BinaryOp::Sub => a[i] as f64 - b[i] as f64,
                    BinaryOp::Mul => a[i] as f64 * b[i] as f64,
                    BinaryOp::Div => a[i] as f64 / b[i] as f64,
                }) as f32));
            }
            binary_scalar(op, &a, s, &mut out);
            for i in 0..n {
                assert_eq!(out[i], f(a[i], s));
            }
        }
        let mut acc = b.clone();
        add_in_place(&mut acc, &a);
        for i in 0..n {
            assert_eq!(acc[i], b[i] + a[i]);
        }
    }
}

#[test]
fn kernels_stop_at_the_shortest_slice() {
    let a = [1.0f32; 9];
    let mut out = [0.0f32; 5];
    binary(BinaryOp::Add, &a, &a[..7], &mut out);
    assert_eq!(out, [2.0; 5]);
    let mut out = [0.0f32; 9];
    binary(BinaryOp::Add, &a, &a[..6], &mut out);
    assert_eq!(out[5..], [2.0, 0.0, 0.0, 0.0], "nothing written past the common length");
}
