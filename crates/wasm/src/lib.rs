//! The neurenix WebAssembly module: the kernels of crates/kernels exported as
//! plain `extern "C"` functions over the imported linear memory
//! (`env.memory`, created by ts/wasm/memory.ts). All pointer → slice
//! conversion lives in exports.rs; the TypeScript binding is
//! ts/backend/wasm.ts.
//!
//! Only the wasm32 build has contents: on the host (`cargo test
//! --workspace`) this is an empty crate, the kernels being tested directly.
#![cfg_attr(target_arch = "wasm32", no_std)]

#[cfg(target_arch = "wasm32")]
mod exports;

/// Kernels never panic (lengths are checked before any access), so this is
/// unreachable in practice; it traps without linking any formatting code.
#[cfg(target_arch = "wasm32")]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
