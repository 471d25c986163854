//! Binary ops with NumPy broadcasting, in the general strided form:
//!   out[idx] = a[Σ_d idx_d · a_strides[d]] op b[Σ_d idx_d · b_strides[d]]
//! for every index idx of `shape` (row-major; `out` is contiguous). Strides
//! are in elements, 0 along broadcast dimensions; at most MAX_DIMS dims.
//!
//! The dimensions are first simplified: size-1 dimensions dropped, and a
//! dimension merged into the next-inner one when both operands step through
//! them contiguously (a (64, 128) + (64, 128) becomes one row of 8192; a bias
//! row (64, 128) + (128) stays two dims). Each innermost row then runs one
//! vector loop for the stride pairs (1, 1), (1, 0) (a bias row), (0, 1) and
//! (0, 0), or a scalar strided loop otherwise; the outer dims are walked with
//! an odometer.
//!
//! Shapes or strides that would read outside `a` or `b` or write outside
//! `out` make the kernel return without writing (the caller validates).

use crate::elementwise::{with_binary, zip, zip_scalar_left, zip_scalar_right, Binary, BinaryOp};

/// The largest number of dimensions `binary_broadcast` accepts.
pub const MAX_DIMS: usize = 8;

/// One simplified dimension: its size and the two operands' strides.
#[derive(Clone, Copy, Default)]
struct Dim {
    size: usize,
    sa: usize,
    sb: usize,
}

/// out = a op b with broadcasting (see the header).
pub fn binary_broadcast(
    op: BinaryOp,
    a: &[f32],
    a_strides: &[usize],
    b: &[f32],
    b_strides: &[usize],
    out: &mut [f32],
    shape: &[usize],
) {
    with_binary!(op, B => run::<B>(a, a_strides, b, b_strides, out, shape))
}

fn run<B: Binary>(a: &[f32], a_strides: &[usize], b: &[f32], b_strides: &[usize], out: &mut [f32], shape: &[usize]) {
    let ndim = shape.len();
    if ndim > MAX_DIMS || a_strides.len() != ndim || b_strides.len() != ndim {
        return;
    }
    // Innermost first; size-1 dims dropped, contiguous neighbours merged.
    let mut dims = [Dim::default(); MAX_DIMS];
    let mut nd = 0;
    let mut total = 1usize;
    let (mut a_end, mut b_end) = (0usize, 0usize); // largest offsets read
    for d in (0..ndim).rev() {
        let (size, sa, sb) = (shape[d], a_strides[d], b_strides[d]);
        let Some(t) = total.checked_mul(size) else { return };
        total = t;
        if size == 0 {
            return;
        }
        if size == 1 {
            continue;
        }
        let (Some(ea), Some(eb)) = (mul_add(size - 1, sa, a_end), mul_add(size - 1, sb, b_end)) else { return };
        (a_end, b_end) = (ea, eb);
        if nd > 0 {
            let last = &mut dims[nd - 1];
            if last.sa.checked_mul(last.size) == Some(sa) && last.sb.checked_mul(last.size) == Some(sb) {
                last.size *= size;
                continue;
            }
        }
        dims[nd] = Dim { size, sa, sb };
        nd += 1;
    }
    if total > out.len() || a_end >= a.len() || b_end >= b.len() {
        return;
    }
    let out = &mut out[..total];
    let inner = if nd == 0 { Dim { size: 1, sa: 1, sb: 1 } } else { dims[0] };
    let outer = if nd == 0 { &[][..] } else { &dims[1..nd] };

    let mut idx = [0usize; MAX_DIMS];
    let (mut ao, mut bo) = (0usize, 0usize);
    for row in out.chunks_exact_mut(inner.size) {
        // a_end/b_end bound every offset reached, so these ranges are in bounds.
        let n = inner.size;
        match (inner.sa, inner.sb) {
            (1, 1) => zip::<B>(&a[ao..ao + n], &b[bo..bo + n], row),
            (1, 0) => zip_scalar_right::<B>(&a[ao..ao + n], b[bo], row),
            (0, 1) => zip_scalar_left::<B>(a[ao], &b[bo..bo + n], row),
            (0, 0) => row.fill(B::f(a[ao], b[bo])),
            (sa, sb) => {
                let (mut i, mut j) = (ao, bo);
                for o in row.iter_mut() {
                    *o = B::f(a[i], b[j]);
                    i += sa;
                    j += sb;
                }
            }
        }
        // Odometer over the outer dims.
        for (k, d) in outer.iter().enumerate() {
            idx[k] += 1;
            ao += d.sa;
            bo += d.sb;
            if idx[k] < d.size {
                break;
            }
            idx[k] = 0;
            ao -= d.sa * d.size;
            bo -= d.sb * d.size;
        }
    }
}

/// x·s + acc without overflow.
fn mul_add(x: usize, s: usize, acc: usize) -> Option<usize> {
    x.checked_mul(s)?.checked_add(acc)
}
