//! SGD and Adam steps against float64 transcriptions of PyTorch 1.13's
//! update rules, over lengths 0..=33, every option, several steps in a row.

mod losses_support;

use losses_support::{assert_close, Rng};
use neurenix_kernels::optim::{adam_step, sgd_step};

#[test]
fn sgd_matches_pytorch_rule() {
    let mut rng = Rng::new(50);
    for n in 0..=33 {
        for (momentum, dampening, wd, nesterov) in
            [(0.0, 0.0, 0.0, false), (0.0, 0.0, 0.01, false), (0.9, 0.0, 0.0, false), (0.9, 0.1, 1e-3, false), (0.8, 0.0, 0.05, true)]
        {
            let lr = 0.05f32;
            let mut p = rng.vec(n, -1.0, 1.0);
            let mut buf = vec![0.0f32; n];
            let mut p64: Vec<f64> = p.iter().map(|&v| v as f64).collect();
            let mut buf64 = vec![0.0f64; n];
            for step in 0..4 {
                let g = rng.vec(n, -1.0, 1.0);
                let with_buf = momentum != 0.0;
                let damp = (1.0 - dampening as f64) as f32;
                sgd_step(&mut p, &g, if with_buf { Some(&mut buf) } else { None }, lr, momentum, damp, wd, nesterov, step == 0);
                for i in 0..n {
                    let (m, d) = (momentum as f64, dampening as f64);
                    let mut gi = g[i] as f64 + wd as f64 * p64[i];
                    if with_buf {
                        buf64[i] = if step == 0 { gi } else { m * buf64[i] + (1.0 - d) * gi };
                        gi = if nesterov { gi + m * buf64[i] } else { buf64[i] };
                    }
                    p64[i] -= lr as f64 * gi;
                }
            }
            for i in 0..n {
                let what = format!("sgd n={n} μ={momentum} nesterov={nesterov} [{i}]");
                assert_close(&what, p[i] as f64, p64[i], 0.0, 2e-6);
                if momentum != 0.0 {
                    assert_close(&format!("{what} buf"), buf[i] as f64, buf64[i], 0.0, 2e-6);
                }
            }
        }
    }
}

#[test]
fn adam_matches_pytorch_rule() {
    let mut rng = Rng::new(51);
    // β as PyTorch holds them (Python floats); the kernel gets them rounded.
    let (lr, b1d, b2d, eps) = (1e-2f64, 0.9f64, 0.999f64, 1e-8f32);
    let (b1, b2) = (b1d as f32, b2d as f32);
    let (c1, c2) = ((1.0 - b1d) as f32, (1.0 - b2d) as f32);
    for n in 0..=33 {
        for (wd, amsgrad) in [(0.0f32, false), (0.01, false), (0.0, true), (0.1, true)] {
            let mut p = rng.vec(n, -1.0, 1.0);
            let (mut m, mut v, mut vmax) = (vec![0.0f32; n], vec![0.0f32; n], vec![0.0f32; n]);
            let mut p64: Vec<f64> = p.iter().map(|&x| x as f64).collect();
            let (mut m64, mut v64, mut vmax64) = (vec![0.0f64; n], vec![0.0f64; n], vec![0.0f64; n]);
            for t in 1..=5 {
                let g = rng.vec(n, -1.0, 1.0);
                // The caller's bias corrections, from the float64 betas.
                let step_size = lr / (1.0 - b1d.powi(t));
                let bc2_sqrt = (1.0 - b2d.powi(t)).sqrt();
                let vm = if amsgrad { Some(&mut vmax[..]) } else { None };
                adam_step(&mut p, &g, &mut m, &mut v, vm, b1, b2, c1, c2, eps, wd, step_size as f32, bc2_sqrt as f32);
                for i in 0..n {
                    let gi = g[i] as f64 + wd as f64 * p64[i];
                    m64[i] = b1d * m64[i] + (1.0 - b1d) * gi;
                    v64[i] = b2d * v64[i] + (1.0 - b2d) * gi * gi;
                    let mut vi = v64[i];
                    if amsgrad {
                        vmax64[i] = vmax64[i].max(vi);
                        vi = vmax64[i];
                    }
                    p64[i] -= step_size * m64[i] / (vi.sqrt() / bc2_sqrt + eps as f64);
                }
            }
            for i in 0..n {
                let what = format!("adam n={n} wd={wd} amsgrad={amsgrad} [{i}]");
                assert_close(&what, p[i] as f64, p64[i], 1e-6, 1e-7);
                // m sums gradients of both signs: f32 rounding shows relative to the result.
                assert_close(&format!("{what} m"), m[i] as f64, m64[i], 1e-5, 1e-8);
                assert_close(&format!("{what} v"), v[i] as f64, v64[i], 1e-6, 1e-12);
                if amsgrad {
                    assert_close(&format!("{what} vmax"), vmax[i] as f64, vmax64[i], 1e-6, 1e-12);
                }
            }
        }
    }
}
