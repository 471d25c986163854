//! binary_broadcast against a direct index-by-index reference: bias rows,
//! columns, scalars, size-1 and merged dims, transposed (general) strides,
//! 0-d and 8-d shapes, and strides that would read out of bounds.

mod losses_support;

use losses_support::Rng;
use neurenix_kernels::broadcast::binary_broadcast;
use neurenix_kernels::elementwise::BinaryOp;

const OPS: [BinaryOp; 4] = [BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div];

fn apply(op: BinaryOp, a: f32, b: f32) -> f32 {
    match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
    }
}

/// Row-major strides of `shape` broadcast to `out` (0 on broadcast dims), as shape.ts does.
fn strides(shape: &[usize], out: &[usize]) -> Vec<usize> {
    let mut s = vec![0; out.len()];
    let mut stride = 1;
    for i in (0..shape.len()).rev() {
        let o = i + out.len() - shape.len();
        s[o] = if shape[i] == 1 && out[o] != 1 { 0 } else { stride };
        stride *= shape[i];
    }
    s
}

fn reference(op: BinaryOp, a: &[f32], sa: &[usize], b: &[f32], sb: &[usize], shape: &[usize]) -> Vec<f32> {
    let total: usize = shape.iter().product();
    (0..total)
        .map(|flat| {
            let (mut rem, mut ia, mut ib) = (flat, 0, 0);
            for d in (0..shape.len()).rev() {
                let idx = rem % shape[d];
                rem /= shape[d];
                ia += idx * sa[d];
                ib += idx * sb[d];
            }
            apply(op, a[ia], b[ib])
        })
        .collect()
}

fn check(rng: &mut Rng, a_shape: &[usize], b_shape: &[usize], out_shape: &[usize]) {
    let a = rng.vec(a_shape.iter().product(), -3.0, 3.0);
    let b = rng.vec(b_shape.iter().product(), 0.5, 2.0);
    let (sa, sb) = (strides(a_shape, out_shape), strides(b_shape, out_shape));
    run(&a, &sa, &b, &sb, out_shape);
}

fn run(a: &[f32], sa: &[usize], b: &[f32], sb: &[usize], shape: &[usize]) {
    let total: usize = shape.iter().product();
    for op in OPS {
        let mut out = vec![f32::NAN; total + 1];
        binary_broadcast(op, a, sa, b, sb, &mut out[..total], shape);
        assert!(out[total].is_nan(), "wrote past the end");
        let want = reference(op, a, sa, b, sb, shape);
        assert_eq!(out[..total], want[..], "{op:?} shape {shape:?} strides {sa:?} {sb:?}");
    }
}

#[test]
fn numpy_broadcasting_cases() {
    let mut rng = Rng::new(30);
    let cases: &[(&[usize], &[usize], &[usize])] = &[
        (&[64, 128], &[128], &[64, 128]),          // bias row: inner (1, 0)… (1, 1) per row
        (&[64, 10], &[64, 1], &[64, 10]),          // subtract a column: inner (1, 0)
        (&[1, 10], &[7, 10], &[7, 10]),            // inner (1, 1), a repeated
        (&[5, 1], &[1, 9], &[5, 9]),               // outer product: inner (0, 1)
        (&[3, 1, 5], &[4, 1], &[3, 4, 5]),         // inner (1, 0), 3-d
        (&[2, 3, 1], &[2, 3, 1], &[2, 3, 1]),      // trailing size-1
        (&[1], &[1], &[1]),
        (&[6, 1, 1], &[1, 1, 1], &[6, 1, 1]),      // (1, 0) after dropping size-1 dims
        (&[4, 33], &[4, 33], &[4, 33]),            // merges into one row of 132
        (&[2, 1, 2, 1, 2, 1, 2, 1], &[1, 2, 1, 2, 1, 2, 1, 2], &[2; 8]), // 8-d, (0,1)/(1,0) alternating
    ];
    for (a, b, out) in cases {
        check(&mut rng, a, b, out);
        check(&mut rng, b, a, out);
    }
    for n in 0..=33 {
        check(&mut rng, &[3, n], &[n], &[3, n]);
        check(&mut rng, &[n, 3], &[n, 1], &[n, 3]);
    }
}

#[test]
fn general_strides_and_zero_dims() {
    let mut rng = Rng::new(31);
    // a read transposed: (4, 6) from a (6, 4) array — the scalar strided loop.
    let a = rng.vec(24, -1.0, 1.0);
    let b = rng.vec(24, 1.0, 2.0);
    run(&a, &[1, 4], &b, &[6, 1], &[4, 6]);
    run(&a, &[1, 4], &b, &[1, 0], &[4, 6]); // and against a column
    run(&a, &[0, 0], &b, &[1, 4], &[4, 6]); // a broadcast everywhere: inner (0, 4)
    // 0-d: one element.
    run(&a[..1], &[], &b[..1], &[], &[]);
    // An empty shape writes nothing.
    let mut out = [7.0f32; 2];
    binary_broadcast(BinaryOp::Add, &a, &[4, 1], &b, &[4, 1], &mut out, &[0, 4]);
    assert_eq!(out, [7.0; 2]);
}

#[test]
fn strides_that_would_read_out_of_bounds_write_nothing() {
    let a = [1.0f32; 6];
    let mut out = [7.0f32; 6];
    binary_broadcast(BinaryOp::Add, &a, &[3, 1], &a, &[3, 2], &mut out, &[2, 3]); // b needs 8
    binary_broadcast(BinaryOp::Add, &a, &[3, 1], &a, &[3, 1], &mut out[..5], &[2, 3]); // out too short
    binary_broadcast(BinaryOp::Add, &a, &[3, 1], &a, &[3], &mut out, &[2, 3]); // stride count
    binary_broadcast(BinaryOp::Add, &a, &[usize::MAX, 1], &a, &[3, 1], &mut out, &[2, 3]); // overflow
    binary_broadcast(BinaryOp::Add, &a, &[0; 9], &a, &[0; 9], &mut out, &[1; 9]); // 9 dims
    assert_eq!(out, [7.0; 6]);
}
