/**
 * The "wasm-simd" backend: every Backend method calls the kernel export of
 * the same name (crates/wasm/src/exports.rs) with the views' byte offsets as
 * pointers. All views live in the heap's memory (ts/wasm/memory.ts), which
 * the module imports, so nothing is copied.
 *
 * Per call: pointer = view.byteOffset (null → 0), booleans → 0/1, lengths
 * from the views. The only extra memory is one 96-byte block, allocated once,
 * for binaryBroadcast's strides and shape (its Int32Array view is re-taken
 * only after the memory grows. (The benchmarks' bandwidth probes are a
 * module of their own: crates/probes, bench/lib/probes.ts.)
 */
import type { Backend, F32 } from "./backend";
import { jsBackend } from "./js";
import type { KernelExports } from "../wasm/loader";
import type { Heap } from "../wasm/memory";
import { allocBlock } from "../memory/storage";

/** Largest ndim of binary_broadcast in Rust (broadcast::MAX_DIMS). */
const MAX_DIMS = 8;

const ptr = (v: F32 | null): number => (v === null ? 0 : v.byteOffset);

export function createWasmBackend(k: KernelExports, heap: Heap): Backend {
  // a's strides, b's strides, shape: MAX_DIMS i32 each.
  const dimsPtr = allocBlock(3 * MAX_DIMS * 4); // never freed nor moved
  let dims = heap.i32(dimsPtr, 3 * MAX_DIMS);

  return {
    name: "wasm-simd",

    // ---- element-wise ----
    unary(op, x, out) {
      k.unary(op, x.byteOffset, out.byteOffset, Math.min(x.length, out.length));
    },
    unaryBackward(op, x, y, gy, gx) {
      k.unary_backward(op, x.byteOffset, y.byteOffset, gy.byteOffset, gx.byteOffset, Math.min(gy.length, gx.length));
    },
    powScalar(x, p, out) {
      k.pow_scalar(x.byteOffset, p, out.byteOffset, Math.min(x.length, out.length));
    },
    powScalarBackward(x, p, gy, gx) {
      k.pow_scalar_backward(x.byteOffset, p, gy.byteOffset, gx.byteOffset, Math.min(gy.length, gx.length));
    },
    binary(op, a, b, out) {
      k.binary(op, a.byteOffset, b.byteOffset, out.byteOffset, Math.min(a.length, b.length, out.length));
    },
    addInPlace(acc, x) {
      k.add_in_place(acc.byteOffset, x.byteOffset, Math.min(acc.length, x.length));
    },
    binaryScalar(op, a, s, out) {
      k.binary_scalar(op, a.byteOffset, s, out.byteOffset, Math.min(a.length, out.length));
    },
    binaryBroadcast(op, a, aStrides, b, bStrides, out, outShape) {
      const nd = outShape.length;
      if (nd > MAX_DIMS) {
        jsBackend.binaryBroadcast(op, a, aStrides, b, bStrides, out, outShape);
        return;
      }
      if (dims.buffer !== heap.memory.buffer) dims = heap.i32(dimsPtr, 3 * MAX_DIMS);
      for (let d = 0; d < nd; d++) {
        dims[d] = aStrides[d];
        dims[MAX_DIMS + d] = bStrides[d];
        dims[2 * MAX_DIMS + d] = outShape[d];
      }
      k.binary_broadcast(
        op,
        a.byteOffset, a.length, dimsPtr,
        b.byteOffset, b.length, dimsPtr + 4 * MAX_DIMS,
        out.byteOffset, out.length, dimsPtr + 8 * MAX_DIMS, nd,
      );
    },

    // ---- reductions ----
    sumAxis(x, outer, dim, inner, out) {
      k.sum_axis(x.byteOffset, outer, dim, inner, out.byteOffset);
    },
    maxAxis(x, outer, dim, inner, out) {
      k.max_axis(x.byteOffset, outer, dim, inner, out.byteOffset);
    },
    sum(x) {
      return k.sum(x.byteOffset, x.length);
    },

    // ---- matmul ----
    matmul(a, b, out, m, kk, n, transA, transB, accumulate) {
      k.matmul(a.byteOffset, b.byteOffset, out.byteOffset, m, kk, n, +transA, +transB, +accumulate);
    },

    // ---- softmax ----
    logSoftmax(x, outer, dim, inner, out) {
      k.log_softmax(x.byteOffset, outer, dim, inner, out.byteOffset);
    },
    logSoftmaxBackward(y, gy, outer, dim, inner, gx) {
      k.log_softmax_backward(y.byteOffset, gy.byteOffset, outer, dim, inner, gx.byteOffset);
    },
    softmax(x, outer, dim, inner, out) {
      k.softmax(x.byteOffset, outer, dim, inner, out.byteOffset);
    },
    softmaxBackward(y, gy, outer, dim, inner, gx) {
      k.softmax_backward(y.byteOffset, gy.byteOffset, outer, dim, inner, gx.byteOffset);
    },

    // ---- losses ----
    elementwiseLossFwdBwd(kind, a, b, c, d, params, lossOut, gradOut, grad2Out, gradScale) {
      return k.elementwise_loss_fwd_bwd(
        kind.code, a.byteOffset, b.byteOffset, ptr(c), ptr(d), a.length, d === null ? 0 : d.length,
        params[0] ?? 0, params[1] ?? 0, params[2] ?? 0, ptr(lossOut), ptr(gradOut), ptr(gradOut === null ? null : grad2Out), gradScale,
      );
    },
    nllFwdBwd(input, target, weight, n, classes, inner, ignore, lossOut, gradOut, gradScale) {
      return k.nll_fwd_bwd(
        input.byteOffset, target.byteOffset, ptr(weight), n, classes, inner, ignore, ptr(lossOut), ptr(gradOut), gradScale,
      );
    },
    crossEntropyFwdBwd(logits, target, weight, n, classes, inner, ignoreIndex, labelSmoothing, probTargets, lossOut, gradOut, gradScale) {
      return k.cross_entropy_fwd_bwd(
        logits.byteOffset, target.byteOffset, ptr(weight), n, classes, inner,
        // The kernel compares f32 targets with an f32 ignore_index: an index
        // no float32 holds exactly (e.g. 2**32 + 1) can equal no target, and
        // NaN equals nothing.
        Math.fround(ignoreIndex) === ignoreIndex ? ignoreIndex : NaN, labelSmoothing, +probTargets, ptr(lossOut), ptr(gradOut), gradScale,
      );
    },

    multiMarginFwdBwd(input, target, weight, n, classes, p, margin, lossOut, gradOut, gradScale) {
      return k.multi_margin_fwd_bwd(
        input.byteOffset, target.byteOffset, ptr(weight), n, classes, p, margin, ptr(lossOut), ptr(gradOut), gradScale,
      );
    },
    multilabelMarginFwdBwd(input, target, n, classes, lossOut, gradOut, workspace, gradScale) {
      return k.multilabel_margin_fwd_bwd(
        input.byteOffset, target.byteOffset, n, classes, ptr(lossOut), ptr(gradOut), workspace.byteOffset, gradScale,
      );
    },
    cosineEmbeddingFwdBwd(x1, x2, y, n, d, margin, lossOut, gradOut, grad2Out, gradScale) {
      return k.cosine_embedding_fwd_bwd(
        x1.byteOffset, x2.byteOffset, y.byteOffset, n, d, margin, ptr(lossOut), ptr(gradOut), ptr(grad2Out), gradScale,
      );
    },
    tripletMarginFwdBwd(a, q, r, n, d, p, margin, eps, swap, lossOut, gradOut, grad2Out, grad3Out, gradScale) {
      return k.triplet_margin_fwd_bwd(
        a.byteOffset, q.byteOffset, r.byteOffset, n, d, p, margin, eps, +swap,
        ptr(lossOut), ptr(gradOut), ptr(grad2Out), ptr(grad3Out), gradScale,
      );
    },
    ctcFwdBwd(logProbs, targets, offsets, inputLengths, targetLengths, steps, batch, classes, blank, zeroInfinity, lossOut, gradOut, workspace) {
      k.ctc_fwd_bwd(
        logProbs.byteOffset, targets.byteOffset, offsets.byteOffset, inputLengths.byteOffset, targetLengths.byteOffset,
        targets.length, steps, batch, classes, workspace.length, blank, +zeroInfinity,
        lossOut.byteOffset, ptr(gradOut), workspace.byteOffset,
      );
    },

    // ---- optimizers ----
    sgdStep(param, grad, momentumBuf, lr, momentum, dampening, weightDecay, nesterov, firstStep) {
      k.sgd_step(
        param.byteOffset, grad.byteOffset, ptr(momentumBuf), param.length,
        lr, momentum, 1 - dampening, weightDecay, +nesterov, +firstStep,
      );
    },
    adamStep(param, grad, m, v, vMax, beta1, beta2, eps, weightDecay, stepSize, bc2Sqrt) {
      k.adam_step(
        param.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, ptr(vMax), param.length,
        beta1, beta2, 1 - beta1, 1 - beta2, eps, weightDecay, stepSize, bc2Sqrt,
      );
    },
  };
}
