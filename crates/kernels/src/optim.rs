//! Optimizer steps over one parameter, in place: PyTorch 1.13's SGD and Adam
//! (the algorithm boxes of torch.optim.SGD / torch.optim.Adam).
//!
//! SGD:  g = grad + wd·p
//!       with a momentum buffer: buf = first ? g : μ·buf + (1 − dampening)·g
//!                               g = nesterov ? g + μ·buf : buf
//!       p −= lr·g
//! Adam: g = grad + wd·p;  m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
//!       with v_max (amsgrad): v_max = max(v_max, v), used as v below
//!       p −= step_size · m / (√v / bc2_sqrt + eps)
//!       where the caller passes step_size = lr / (1 − β1^t), bc2_sqrt = √(1 − β2^t).
//! Computed in f32, as PyTorch does for float32 parameters. The coefficients
//! 1 − dampening, 1 − β1 and 1 − β2 are arguments: PyTorch forms them in
//! float64 from the Python floats and rounds them once, which 1 − f32(β)
//! would not reproduce (1 − f32(0.999) is 1.3e-5 relative away from f32(0.001)).
//!
//! Every slice is processed over the common length; the body runs four
//! lanes at a time (`Lane`) with a scalar tail.

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use crate::simd::lanes::Four;
use crate::simd::lanes::Lane;

/// One SGD step (see the header); `momentum_buf` None means no momentum.
#[allow(clippy::too_many_arguments)]
pub fn sgd_step(
    param: &mut [f32],
    grad: &[f32],
    momentum_buf: Option<&mut [f32]>,
    lr: f32,
    momentum: f32,
    one_minus_dampening: f32,
    weight_decay: f32,
    nesterov: bool,
    first_step: bool,
) {
    let s = Sgd { lr, momentum, damp: one_minus_dampening, wd: weight_decay, nesterov, first_step };
    let has_buf = momentum_buf.is_some();
    let buf = momentum_buf.unwrap_or(&mut []);
    let n = param.len().min(grad.len()).min(if has_buf { buf.len() } else { usize::MAX });
    let mut i = 0;
    // SAFETY (both loops): i + lanes ≤ n ≤ the length of every slice read.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    while i + 4 <= n {
        unsafe { s.at::<Four<true>>(param, grad, buf, has_buf, i) };
        i += 4;
    }
    while i < n {
        unsafe { s.at::<f32>(param, grad, buf, has_buf, i) };
        i += 1;
    }
}

struct Sgd {
    lr: f32,
    momentum: f32,
    damp: f32,
    wd: f32,
    nesterov: bool,
    first_step: bool,
}

impl Sgd {
    /// # Safety
    /// i + lanes of L ≤ the lengths of param, grad and (if has_buf) buf.
    #[inline(always)]
    unsafe fn at<L: Lane>(&self, param: &mut [f32], grad: &[f32], buf: &mut [f32], has_buf: bool, i: usize) {
        // SAFETY: in bounds by this function's contract.
        unsafe {
            let p = L::load(param, i, 1);
            let mut g = L::load(grad, i, 1).add(L::splat(self.wd).mul(p));
            if has_buf {
                let b = if self.first_step {
                    g
                } else {
                    L::splat(self.momentum).mul(L::load(buf, i, 1)).add(L::splat(self.damp).mul(g))
                };
                L::store(buf, i, 1, b);
                g = if self.nesterov { g.add(L::splat(self.momentum).mul(b)) } else { b };
            }
            L::store(param, i, 1, p.sub(L::splat(self.lr).mul(g)));
        }
    }
}

/// One Adam step (see the header); `v_max` Some for amsgrad.
#[allow(clippy::too_many_arguments)]
pub fn adam_step(
    param: &mut [f32],
    grad: &[f32],
    m: &mut [f32],
    v: &mut [f32],
    v_max: Option<&mut [f32]>,
    beta1: f32,
    beta2: f32,
    one_minus_beta1: f32,
    one_minus_beta2: f32,
    eps: f32,
    weight_decay: f32,
    step_size: f32,
    bc2_sqrt: f32,
) {
    let s = Adam { beta1, c1: one_minus_beta1, beta2, c2: one_minus_beta2, eps, wd: weight_decay, step_size, bc2_sqrt };
    let has_max = v_max.is_some();
    let vmax = v_max.unwrap_or(&mut []);
    let n = param.len().min(grad.len()).min(m.len()).min(v.len());
    let n = n.min(if has_max { vmax.len() } else { usize::MAX });
    let mut i = 0;
    // SAFETY (both loops): i + lanes ≤ n ≤ the length of every slice read.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    while i + 4 <= n {
        unsafe { s.at::<Four<true>>(param, grad, m, v, vmax, has_max, i) };
        i += 4;
    }
    while i < n {
        unsafe { s.at::<f32>(param, grad, m, v, vmax, has_max, i) };
        i += 1;
    }
}

struct Adam {
    beta1: f32,
    c1: f32,
    beta2: f32,
    c2: f32,
    eps: f32,
    wd: f32,
    step_size: f32,
    bc2_sqrt: f32,
}

impl Adam {
    /// # Safety
    /// i + lanes of L ≤ the lengths of param, grad, m, v and (if has_max) vmax.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    unsafe fn at<L: Lane>(
        &self,
        param: &mut [f32],
        grad: &[f32],
        m: &mut [f32],
        v: &mut [f32],
        vmax: &mut [f32],
        has_max: bool,
        i: usize,
    ) {
        // SAFETY: in bounds by this function's contract.
        unsafe {
            let p = L::load(param, i, 1);
            let g = L::load(grad, i, 1).add(L::splat(self.wd).mul(p));
            let mi = L::splat(self.beta1).mul(L::load(m, i, 1)).add(L::splat(self.c1).mul(g));
            let mut vi = L::splat(self.beta2).mul(L::load(v, i, 1)).add(L::splat(self.c2).mul(g).mul(g));
            L::store(m, i, 1, mi);
            L::store(v, i, 1, vi);
            if has_max {
                vi = L::load(vmax, i, 1).max(vi);
                L::store(vmax, i, 1, vi);
            }
            let denom = vi.sqrt().div(L::splat(self.bc2_sqrt)).add(L::splat(self.eps));
            L::store(param, i, 1, p.sub(L::splat(self.step_size).mul(mi).div(denom)));
        }
    }
}
