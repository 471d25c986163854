//! neurenix kernels: pure functions over slices, `#![no_std]`, no dependencies.
//!
//! Every kernel has a SIMD128 body (compiled when the target has
//! `simd128`) and a scalar twin used on the host (`cargo test`) and for the
//! tails. The wasm crate (crates/wasm) turns pointers into slices and
//! exports these functions under the same names.
#![no_std]

pub mod simd;
pub mod math;
pub mod reduce;
pub mod elementwise;
pub mod broadcast;
pub mod matmul;
pub mod softmax;
pub mod optim;
pub mod losses;
