/**
 * Turns the kernel module's bytes into typed exports, synchronously. Two
 * builds of the same Rust source are inlined (scripts/wasm-inline-plugin.mjs,
 * deflated; scripts/build-wasm.sh builds them):
 *   - "relaxed-simd" (ts/wasm/neurenix_kernels_relaxed.wasm): polynomials use
 *     `f32x4.relaxed_madd`, which engines fuse into one FMA where the CPU
 *     has it — Node ≥ 22, Deno, Chrome ≥ 114, Firefox ≥ 120 (Node 20 behind
 *     `--experimental-wasm-relaxed-simd`);
 *   - "simd128" (ts/wasm/neurenix_kernels.wasm): everywhere with SIMD128.
 * `bestKernelBuild` picks the first the engine validates (a tiny probe
 * module each), and only that one is inflated and compiled.
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
import simd128Bytes from "./neurenix_kernels.wasm";
import relaxedSimdBytes from "./neurenix_kernels_relaxed.wasm";
import { KERNEL_RESERVED_BYTES } from "./memory";

/** The builds of the kernel module, best first. */
export type KernelBuild = "relaxed-simd" | "simd128";

const BYTES: Record<KernelBuild, () => Uint8Array<ArrayBuffer>> = { "relaxed-simd": relaxedSimdBytes, simd128: simd128Bytes };

/**
 * The wasm value type of each parameter, for readers and for
 * test/kernels/export_arity.test.ts (which checks every export's arity and
 * parameter types against these declarations): a byte address or an i32
 * size, code or flag; an f32 scalar; an f64 result.
 */
type Ptr = number;
type I32 = number;
type F32 = number;
type F64 = number;

/**
 * The module's exports, as crates/wasm/src/exports.rs declares them, in its
 * argument order: op code or kind, inputs, optional inputs, sizes,
 * parameters, outputs, gradient scale.
 */
export interface KernelExports {
  readonly __heap_base: WebAssembly.Global;

  unary(op: I32, x: Ptr, out: Ptr, n: I32): void;
  unary_backward(op: I32, x: Ptr, y: Ptr, gy: Ptr, gx: Ptr, n: I32): void;
  pow_scalar(x: Ptr, p: F32, out: Ptr, n: I32): void;
  pow_scalar_backward(x: Ptr, p: F32, gy: Ptr, gx: Ptr, n: I32): void;
  binary(op: I32, a: Ptr, b: Ptr, out: Ptr, n: I32): void;
  add_in_place(acc: Ptr, x: Ptr, n: I32): void;
  binary_scalar(op: I32, a: Ptr, s: F32, out: Ptr, n: I32): void;
  /** Strides and shape are pointers to `ndim` i32 each. */
  binary_broadcast(
    op: I32,
    a: Ptr, aLen: I32, aStrides: Ptr,
    b: Ptr, bLen: I32, bStrides: Ptr,
    out: Ptr, outLen: I32, shape: Ptr, ndim: I32,
  ): void;

  sum_axis(x: Ptr, outer: I32, dim: I32, inner: I32, out: Ptr): void;
  max_axis(x: Ptr, outer: I32, dim: I32, inner: I32, out: Ptr): void;
  sum(x: Ptr, n: I32): F64;

  matmul(a: Ptr, b: Ptr, out: Ptr, m: I32, k: I32, n: I32, transA: I32, transB: I32, accumulate: I32): void;

  log_softmax(x: Ptr, outer: I32, dim: I32, inner: I32, out: Ptr): void;
  log_softmax_backward(y: Ptr, gy: Ptr, outer: I32, dim: I32, inner: I32, gx: Ptr): void;
  softmax(x: Ptr, outer: I32, dim: I32, inner: I32, out: Ptr): void;
  softmax_backward(y: Ptr, gy: Ptr, outer: I32, dim: I32, inner: I32, gx: Ptr): void;

  elementwise_loss_fwd_bwd(
    kind: I32, a: Ptr, b: Ptr, c: Ptr, d: Ptr, n: I32, dLen: I32, p0: F32, p1: F32, p2: F32,
    lossOut: Ptr, gradOut: Ptr, grad2Out: Ptr, gradScale: F32,
  ): F64;
  cross_entropy_fwd_bwd(
    logits: Ptr, target: Ptr, weight: Ptr, n: I32, classes: I32, inner: I32,
    ignoreIndex: F32, labelSmoothing: F32, probTargets: I32,
    lossOut: Ptr, gradOut: Ptr, gradScale: F32,
  ): F64;
  nll_fwd_bwd(
    input: Ptr, target: Ptr, weight: Ptr, n: I32, classes: I32, inner: I32, ignore: I32,
    lossOut: Ptr, gradOut: Ptr, gradScale: F32,
  ): F64;
  multi_margin_fwd_bwd(
    input: Ptr, target: Ptr, weight: Ptr, n: I32, classes: I32, p: I32, margin: F32,
    lossOut: Ptr, gradOut: Ptr, gradScale: F32,
  ): F64;
  multilabel_margin_fwd_bwd(
    input: Ptr, target: Ptr, n: I32, classes: I32,
    lossOut: Ptr, gradOut: Ptr, workspace: Ptr, gradScale: F32,
  ): F64;
  cosine_embedding_fwd_bwd(
    x1: Ptr, x2: Ptr, y: Ptr, n: I32, d: I32, margin: F32,
    lossOut: Ptr, grad1Out: Ptr, grad2Out: Ptr, gradScale: F32,
  ): F64;
  triplet_margin_fwd_bwd(
    anchor: Ptr, positive: Ptr, negative: Ptr, n: I32, d: I32, p: F32, margin: F32, eps: F32, swap: I32,
    lossOut: Ptr, gradAOut: Ptr, gradPOut: Ptr, gradNOut: Ptr, gradScale: F32,
  ): F64;
  ctc_fwd_bwd(
    logProbs: Ptr, targets: Ptr, targetOffsets: Ptr, inputLengths: Ptr, targetLengths: Ptr,
    targetsLen: I32, steps: I32, batch: I32, classes: I32, workspaceLen: I32, blank: I32, zeroInfinity: I32,
    lossOut: Ptr, gradOut: Ptr, workspace: Ptr,
  ): void;

  sgd_step(
    param: Ptr, grad: Ptr, momentumBuf: Ptr, n: I32,
    lr: F32, momentum: F32, oneMinusDampening: F32, weightDecay: F32, nesterov: I32, firstStep: I32,
  ): void;
  adam_step(
    param: Ptr, grad: Ptr, m: Ptr, v: Ptr, vMax: Ptr, n: I32,
    beta1: F32, beta2: F32, oneMinusBeta1: F32, oneMinusBeta2: F32,
    eps: F32, weightDecay: F32, stepSize: F32, bc2Sqrt: F32,
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

/**
 * The smallest module using relaxed SIMD: three i8x16.splat(0) and one
 * f32x4.relaxed_madd (0xfd 0x105). Engines without relaxed SIMD reject it.
 */
export const RELAXED_SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x13, 0x01, 0x11, 0x00, // code: one body of 17 bytes, no locals
  0x41, 0x00, 0xfd, 0x0f, 0x41, 0x00, 0xfd, 0x0f, 0x41, 0x00, 0xfd, 0x0f, // 3 × (i32.const 0; i8x16.splat)
  0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd; end
]);

/** Whether this engine has WebAssembly with SIMD128. */
export function simd128Available(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(SIMD_PROBE);
}

/** Whether this engine has WebAssembly relaxed SIMD (which implies SIMD128). */
export function relaxedSimdAvailable(): boolean {
  return typeof WebAssembly === "object" && WebAssembly.validate(RELAXED_SIMD_PROBE);
}

/** The best build of the kernels this engine can run; null without SIMD128. */
export function bestKernelBuild(): KernelBuild | null {
  if (relaxedSimdAvailable()) return "relaxed-simd";
  return simd128Available() ? "simd128" : null;
}

/** Compiles and instantiates `build` synchronously (the default of loadKernels's `instantiate`). */
export function instantiateBuild(build: KernelBuild, imports: WebAssembly.Imports): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(BYTES[build]()), imports);
}

let failure: string | null = null;
let loaded: KernelBuild | null = null;

/** Why the last loadKernels returned null (null if it did not). */
export function kernelLoadFailure(): string | null {
  return failure;
}

/** The build the last loadKernels loaded (null if it returned null). */
export function loadedKernelBuild(): KernelBuild | null {
  return loaded;
}

/** How loadKernels picks and makes the instance (tests replace either). */
export interface LoadOptions {
  /** Default: bestKernelBuild(). */
  build?: KernelBuild | null;
  /** Default: instantiateBuild. */
  instantiate?: (build: KernelBuild, imports: WebAssembly.Imports) => WebAssembly.Instance;
}

/**
 * Compiles and instantiates the best build of the kernels synchronously
 * against `memory`. Null (see kernelLoadFailure) where WebAssembly or
 * SIMD128 is missing or the engine refuses to compile; throws if the module
 * does not fit the heap's layout.
 */
export function loadKernels(memory: WebAssembly.Memory, options: LoadOptions = {}): KernelExports | null {
  failure = null;
  loaded = null;
  if (typeof WebAssembly !== "object") {
    failure = "this JavaScript engine has no WebAssembly";
    return null;
  }
  const build = options.build === undefined ? bestKernelBuild() : options.build;
  if (build === null) {
    failure = "this engine has no WebAssembly SIMD128";
    return null;
  }
  let instance: WebAssembly.Instance;
  try {
    instance = (options.instantiate ?? instantiateBuild)(build, { env: { memory } });
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
  loaded = build;
  return kernels;
}
