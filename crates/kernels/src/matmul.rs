//! Matrix product out(m, n) = A(m, k) · B(k, n) (or out += A·B), row-major.
//!
//! With trans_a, `a` holds Aᵀ as a (k, m) array; with trans_b, `b` holds Bᵀ
//! as an (n, k) array, so A(i, p) = a[i·k + p] or a[p·m + i] and
//! B(p, j) = b[p·n + j] or b[j·k + p]. k = 0 gives zeros (or leaves `out`
//! unchanged with accumulate).
//!
//! Blocked for the training hot path (Linear: transB forward, transA for the
//! weight gradient):
//!  - k is cut into blocks of KC; for each block and each panel of NR = 8
//!    columns, B is packed into a KC×8 panel on the stack (whatever its
//!    layout, zero-padded past n), so the inner loop reads it contiguously;
//!  - a register-blocked micro-kernel computes a 4×8 tile of `out` in eight
//!    4-lane accumulators: per p, two panel loads, four broadcasts of A(i, p),
//!    sixteen vector mul/adds (fits the 16 xmm registers V8 has on x86-64);
//!    1–3 leftover rows use the same kernel with fewer rows;
//!  - the tile starts from zero (first k block without accumulate) or from
//!    `out`, and is stored back once per k block.
//! Accumulation is in f32 in the order p = 0, 1, …, k − 1 per element.
//!
//! The 4-lane vector type is v128 on wasm32 + simd128 and [f32; 4] on the
//! host, so the host tests exercise the same blocking, packing and edges.
//! Sizes that do not fit the slices make the kernel return without writing.

use lane::V;

const MR: usize = 4;
const NR: usize = 8;
const KC: usize = 256;

/// A packed KC×8 panel of B: row p holds B(p0 + p, j0 .. j0 + 8) as two vectors.
type Panel = [[[f32; 4]; 2]; KC];

/// out = A·B, or out += A·B with `accumulate` (see the header).
#[allow(clippy::too_many_arguments)]
pub fn matmul(
    a: &[f32],
    b: &[f32],
    out: &mut [f32],
    m: usize,
    k: usize,
    n: usize,
    trans_a: bool,
    trans_b: bool,
    accumulate: bool,
) {
    let (Some(mk), Some(kn), Some(mn)) = (m.checked_mul(k), k.checked_mul(n), m.checked_mul(n)) else { return };
    if a.len() < mk || b.len() < kn || out.len() < mn || mn == 0 {
        return;
    }
    let (a, b, out) = (&a[..mk], &b[..kn], &mut out[..mn]);
    if k == 0 {
        if !accumulate {
            out.fill(0.0);
        }
        return;
    }
    // A(i, p) = a[i·sa_i + p·sa_p].
    let (sa_i, sa_p) = if trans_a { (1, m) } else { (k, 1) };
    let mut panel: Panel = [[[0.0; 4]; 2]; KC];
    let mut p0 = 0;
    while p0 < k {
        let kc = KC.min(k - p0);
        let from_out = accumulate || p0 > 0;
        let mut j0 = 0;
        while j0 < n {
            let nr = NR.min(n - j0);
            pack_b(b, k, n, trans_b, p0, kc, j0, nr, &mut panel);
            let t = Tile { a, sa_i, sa_p, panel: &panel[..kc], n, nr, from_out };
            let mut i0 = 0;
            while i0 + MR <= m {
                t.run::<MR>(i0 * sa_i + p0 * sa_p, out, i0 * n + j0);
                i0 += MR;
            }
            let (a0, o0) = (i0 * sa_i + p0 * sa_p, i0 * n + j0);
            match m - i0 {
                3 => t.run::<3>(a0, out, o0),
                2 => t.run::<2>(a0, out, o0),
                1 => t.run::<1>(a0, out, o0),
                _ => {}
            }
            j0 += NR;
        }
        p0 += KC;
    }
}

/// Copies B(p0 .. p0 + kc, j0 .. j0 + nr) into `panel`, zeros past nr.
#[allow(clippy::too_many_arguments)]
fn pack_b(b: &[f32], k: usize, n: usize, trans_b: bool, p0: usize, kc: usize, j0: usize, nr: usize, panel: &mut Panel) {
    let panel = &mut panel[..kc];
    if trans_b {
        // Rows of b are columns of B: read each contiguously, scatter into lanes.
        for c in 0..NR {
            if c < nr {
                let col = &b[(j0 + c) * k + p0..][..kc];
                for (row, &x) in panel.iter_mut().zip(col) {
                    row[c / 4][c % 4] = x;
                }
            } else {
                for row in panel.iter_mut() {
                    row[c / 4][c % 4] = 0.0;
                }
            }
        }
    } else {
        for (p, row) in panel.iter_mut().enumerate() {
            let src = &b[(p0 + p) * n + j0..][..nr];
            for c in 0..NR {
                row[c / 4][c % 4] = if c < nr { src[c] } else { 0.0 };
            }
        }
    }
}

/// What the micro-kernel needs for one k block and one column panel.
struct Tile<'a> {
    a: &'a [f32],
    sa_i: usize,
    sa_p: usize,
    panel: &'a [[[f32; 4]; 2]],
    n: usize,
    nr: usize,
    from_out: bool,
}

impl Tile<'_> {
    /// out tile of R rows × nr columns at `o0` (+= or =) Σ_p A(rows, p)·panel[p],
    /// A(r, p) being a[a0 + r·sa_i + p·sa_p].
    #[inline(always)]
    fn run<const R: usize>(&self, a0: usize, out: &mut [f32], o0: usize) {
        let mut acc = [[lane::zero(); 2]; R];
        if self.from_out {
            for (r, acc_r) in acc.iter_mut().enumerate() {
                *acc_r = self.load_row(out, o0 + r * self.n);
            }
        }
        for (p, bp) in self.panel.iter().enumerate() {
            let (b0, b1) = (lane::load(&bp[0]), lane::load(&bp[1]));
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let i = a0 + r * self.sa_i + p * self.sa_p;
                debug_assert!(i < self.a.len());
                // SAFETY: the largest index is (m − 1)·sa_i + (k − 1)·sa_p =
                // m·k − 1 for either layout, and matmul checked a.len() ≥ m·k.
                let av = lane::splat(unsafe { *self.a.get_unchecked(i) });
                acc_r[0] = lane::mul_add(acc_r[0], av, b0);
                acc_r[1] = lane::mul_add(acc_r[1], av, b1);
            }
        }
        for (r, acc_r) in acc.iter().enumerate() {
            self.store_row(out, o0 + r * self.n, acc_r);
        }
    }

    /// out[o .. o + nr] as two vectors, zero-padded.
    #[inline(always)]
    fn load_row(&self, out: &[f32], o: usize) -> [V; 2] {
        let mut t = [[0.0f32; 4]; 2];
        let row = &out[o..o + self.nr];
        for (c, &x) in row.iter().enumerate() {
            t[c / 4][c % 4] = x;
        }
        [lane::load(&t[0]), lane::load(&t[1])]
    }

    /// out[o .. o + nr] = the first nr lanes of `v`.
    #[inline(always)]
    fn store_row(&self, out: &mut [f32], o: usize, v: &[V; 2]) {
        let mut t = [[0.0f32; 4]; 2];
        lane::store(&mut t[0], v[0]);
        lane::store(&mut t[1], v[1]);
        let row = &mut out[o..o + self.nr];
        for (c, x) in row.iter_mut().enumerate() {
            *x = t[c / 4][c % 4];
        }
    }
}

/// The 4-lane vector the micro-kernel is written in.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lane {
    use crate::simd::v;
    use core::arch::wasm32::*;

    pub type V = v128;

    #[inline(always)]
    pub fn zero() -> V {
        f32x4_splat(0.0)
    }
    #[inline(always)]
    pub fn splat(x: f32) -> V {
        f32x4_splat(x)
    }
    #[inline(always)]
    pub fn load(x: &[f32; 4]) -> V {
        v::load(x)
    }
    #[inline(always)]
    pub fn store(x: &mut [f32; 4], y: V) {
        v::store(x, y)
    }
    /// acc + a·b, rounded twice (no fused multiply-add in SIMD128).
    #[inline(always)]
    pub fn mul_add(acc: V, a: V, b: V) -> V {
        f32x4_add(acc, f32x4_mul(a, b))
    }
}

/// The host twin of the wasm `lane` module, lane by lane.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lane {
    pub type V = [f32; 4];

    pub fn zero() -> V {
        [0.0; 4]
    }
    pub fn splat(x: f32) -> V {
        [x; 4]
    }
    pub fn load(x: &[f32; 4]) -> V {
        *x
    }
    pub fn store(x: &mut [f32; 4], y: V) {
        *x = y
    }
    pub fn mul_add(acc: V, a: V, b: V) -> V {
        core::array::from_fn(|l| acc[l] + a[l] * b[l])
    }
}
