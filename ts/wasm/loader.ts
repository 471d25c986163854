/**
 * Turns the kernel module's bytes (ts/wasm/neurenix_kernels.wasm, inlined by
 * @rollup/plugin-wasm in sync mode) into typed exports, synchronously.
 *
 * The module imports one thing, `env.memory`: the heap's memory
 * (ts/wasm/memory.ts), in which its stack and static data take the first
 * `__heap_base` bytes (checked against KERNEL_RESERVED_BYTES). Everything
 * else is plain `extern "C"` functions over i32 byte addresses
 * (crates/wasm/src/exports.rs): names and argument order below mirror that
 * file; 0 is an absent optional array; flags are 0/1. The optimizer steps
 * also take 1 − dampening / 1 − β, formed here in float64 as PyTorch does.
 *
 * Where the kernels cannot be used `loadKernels` returns null and the
 * library runs on the js backend; `kernelLoadFailure()` then says why, in
 * the engine's words when it refused to compile — e.g. a Content-Security-
 * Policy without 'wasm-unsafe-eval', which rejects every compilation though
 * SIMD128 is there (ts/backend/select.ts warns once and names it).
 */
import neurenixKernels from "./neurenix_kernels.wasm";
import { KERNEL_RESERVED_BYTES } from "./memory";

type Ptr = number;

/** The module's exports, as crates/wasm/src/exports.rs declares them. */
export interface KernelExports {
  readonly __heap_base: WebAssembly.Global;

  unary(op: number, x: Ptr, out: Ptr, n: number): void;
  unary_backward(op: number, x: Ptr, y: Ptr, gy: Ptr, gx: Ptr, n: number): void;
  pow_scalar(x: Ptr, p: number, out: Ptr, n: number): void;
  pow_scalar_backward(x: Ptr, p: number, gy: Ptr, gx: Ptr, n: number): void;
  binary(op: number, a: Ptr, b: Ptr, out: Ptr, n: number): void;
  add_in_place(acc: Ptr, x: Ptr, n: number): void;
  binary_scalar(op: number, a: Ptr, s: number, out: Ptr, n: number): void;
  /** Strides and shape are pointers to `ndim` i32 each. */
  binary_broadcast(
    op: number,
    a: Ptr, aLen: number, aStrides: Ptr,
    b: Ptr, bLen: number, bStrides: Ptr,
    out: Ptr, outLen: number, shape: Ptr, ndim: number,
  ): void;

  sum_axis(x: Ptr, outer: number, dim: number, inner: number, out: Ptr): void;
  max_axis(x: Ptr, outer: number, dim: number, inner: number, out: Ptr): void;
  sum(x: Ptr, n: number): number;
  bandwidth_read(x: Ptr, n: number): number;
  bandwidth_read_write(x: Ptr, out: Ptr, n: number): void;

  matmul(a: Ptr, b: Ptr, out: Ptr, m: number, k: number, n: number, transA: number, transB: number, accumulate: number): void;

  log_softmax(x: Ptr, outer: number, dim: number, inner: number, out: Ptr): void;
  log_softmax_backward(y: Ptr, gy: Ptr, outer: number, dim: number, inner: number, gx: Ptr): void;
  softmax(x: Ptr, outer: number, dim: number, inner: number, out: Ptr): void;
  softmax_backward(y: Ptr, gy: Ptr, outer: number, dim: number, inner: number, gx: Ptr): void;

  mse_fwd_bwd(input: Ptr, target: Ptr, n: number, lossOut: Ptr, gradOut: Ptr, gradScale: number): number;
  l1_fwd_bwd(input: Ptr, target: Ptr, n: number, lossOut: Ptr, gradOut: Ptr, gradScale: number): number;
  bce_fwd_bwd(input: Ptr, target: Ptr, weight: Ptr, n: number, lossOut: Ptr, gradOut: Ptr, gradScale: number): number;
  bce_with_logits_fwd_bwd(
    input: Ptr, target: Ptr, weight: Ptr, posWeight: Ptr, classes: number, n: number,
    lossOut: Ptr, gradOut: Ptr, gradScale: number,
  ): number;
  cross_entropy_fwd_bwd(
    logits: Ptr, target: Ptr, weight: Ptr, n: number, classes: number, inner: number,
    ignoreIndex: number, labelSmoothing: number, probTargets: number,
    lossOut: Ptr, gradOut: Ptr, gradScale: number,
  ): number;

  sgd_step(
    param: Ptr, grad: Ptr, momentumBuf: Ptr, n: number,
    lr: number, momentum: number, oneMinusDampening: number, weightDecay: number, nesterov: number, firstStep: number,
  ): void;
  adam_step(
    param: Ptr, grad: Ptr, m: Ptr, v: Ptr, vMax: Ptr, n: number,
    beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number,
    eps: number, weightDecay: number, stepSize: number, bc2Sqrt: number,
  ): void;
}

/**
 * The smallest module using SIMD128 (a function returning i8x16.splat(0)):
 * engines without SIMD reject it, so the kernels are not even compiled there.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b, // i32.const 0; i8x16.splat; end
]);

/** Whether this engine has WebAssembly with SIMD128. */
export function simd128Available(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
}

let failure: string | null = null;

/** Why the last loadKernels returned null (null if it did not). */
export function kernelLoadFailure(): string | null {
  return failure;
}

/**
 * Compiles and instantiates the kernels synchronously against `memory`.
 * Null (see kernelLoadFailure) where WebAssembly or SIMD128 is missing or
 * the engine refuses to compile; throws if the module does not fit the
 * heap's layout. `instantiate` is the inlined module's (tests replace it).
 */
export function loadKernels(
  memory: WebAssembly.Memory,
  instantiate: (imports: WebAssembly.Imports) => WebAssembly.Instance = neurenixKernels,
): KernelExports | null {
  failure = null;
  if (typeof WebAssembly !== "object") {
    failure = "this JavaScript engine has no WebAssembly";
    return null;
  }
  if (!simd128Available()) {
    failure = "this engine has no WebAssembly SIMD128";
    return null;
  }
  let instance: WebAssembly.Instance;
  try {
    instance = instantiate({ env: { memory } });
  } catch (e) {
    // The engine validates SIMD but will not compile: another missing
    // feature, or a Content-Security-Policy forbidding WebAssembly
    // compilation (CompileError in Chromium, EvalError elsewhere). Fall back
    // to js, remembering the engine's own message.
    if (e instanceof WebAssembly.CompileError || e instanceof EvalError) {
      failure = `the engine refused to compile the kernels: ${e.name}: ${e.message}`;
      return null;
    }
    throw e;
  }
  const kernels = instance.exports as unknown as KernelExports;
  const heapBase = kernels.__heap_base.value as number;
  if (!(heapBase <= KERNEL_RESERVED_BYTES)) {
    throw new Error(
      `neurenix: the kernel module needs ${heapBase} bytes of stack and static data, ` +
        `more than the ${KERNEL_RESERVED_BYTES} reserved for it (ts/wasm/memory.ts)`,
    );
  }
  return kernels;
}
