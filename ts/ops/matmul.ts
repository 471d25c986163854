/**
 * matmul with PyTorch's rules: 1-D operands are promoted (and the added
 * dimension removed again), a (…, m, k) · (k, n) product folds the batch into
 * the rows (one kernel call), and batched · batched broadcasts the batch
 * dimensions with one kernel call per output matrix.
 *
 * Backward: dA = dC · Bᵀ and dB = Aᵀ · dC, computed by the same kernel with
 * its transpose flags (no transposed copies), accumulating over batches that
 * a broadcast operand shared.
 */
import { Tensor, record } from "../tensor";
import { checkTensor, describe } from "../errors";
import { kernelsNow } from "../backend/select";
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from "../shape";

interface Plan {
  m: number;
  k: number;
  n: number;
  /** Output batch shape and, per output matrix, the index of the a and b matrices used. */
  batches: number;
  aIndex: number[];
  bIndex: number[];
  outShape: number[];
}

function plan(aShape: readonly number[], bShape: readonly number[]): Plan {
  const a = aShape.length === 1 ? [1, aShape[0]] : aShape.slice();
  const b = bShape.length === 1 ? [bShape[0], 1] : bShape.slice();
  let m = a[a.length - 2];
  const k = a[a.length - 1];
  const n = b[b.length - 1];
  if (b[b.length - 2] !== k) {
    throw new RangeError(
      `matmul: shapes ${formatShape(aShape)} and ${formatShape(bShape)} cannot be multiplied (${k} columns vs ${b[b.length - 2]} rows)`,
    );
  }
  let aBatch = a.slice(0, -2);
  const bBatch = b.slice(0, -2);
  let rowShape = [m];
  if (bBatch.length === 0 && aBatch.length > 0) {
    // (…, m, k) · (k, n): fold the batch into the rows.
    rowShape = [...aBatch, m];
    m *= sizeOf(aBatch);
    aBatch = [];
  }
  const batch = broadcastShapes(aBatch, bBatch, "matmul (batch dimensions)");
  const batches = sizeOf(batch);
  const aStrides = broadcastStrides(aBatch, batch);
  const bStrides = broadcastStrides(bBatch, batch);
  const aIndex = new Array<number>(batches);
  const bIndex = new Array<number>(batches);
  for (let i = 0; i < batches; i++) {
    let rest = i;
    let ai = 0;
    let bi = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const idx = rest % batch[d];
      rest = Math.floor(rest / batch[d]);
      ai += idx * aStrides[d];
      bi += idx * bStrides[d];
    }
    aIndex[i] = ai;
    bIndex[i] = bi;
  }
  const outShape = [...batch, ...rowShape, n];
  if (bShape.length === 1) outShape.pop();
  if (aShape.length === 1) outShape.splice(outShape.length - (bShape.length === 1 ? 1 : 2), 1);
  return { m, k, n, batches, aIndex, bIndex, outShape };
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "matmul");
  if (!(b instanceof Tensor)) throw new TypeError(`matmul: other must be a Tensor, got ${describe(b)}`);
  checkTensor(b, "matmul: other");
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both arguments need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const p = plan(a.shape, b.shape);
  const { m, k, n } = p;
  const out = Tensor.empty(p.outShape);
  const K = kernelsNow();
  const ad = a.data;
  const bd = b.data;
  const od = out.data;
  for (let i = 0; i < p.batches; i++) {
    K.matmul(
      ad.subarray(p.aIndex[i] * m * k, (p.aIndex[i] + 1) * m * k),
      bd.subarray(p.bIndex[i] * k * n, (p.bIndex[i] + 1) * k * n),
      od.subarray(i * m * n, (i + 1) * m * n),
      m, k, n, false, false, false,
    );
  }
  return record(out, "matmul", [a, b], (g) => {
    const ga = a.requiresGrad ? Tensor.empty(a.shape) : null;
    const gb = b.requiresGrad ? Tensor.empty(b.shape) : null;
    const K2 = kernelsNow();
    const gd = g.data;
    const ad2 = a.data;
    const bd2 = b.data;
    const gad = ga?.data;
    const gbd = gb?.data;
    const seenA = new Set<number>();
    const seenB = new Set<number>();
    for (let i = 0; i < p.batches; i++) {
      const gi = gd.subarray(i * m * n, (i + 1) * m * n);
      const ai = p.aIndex[i];
      const bi = p.bIndex[i];
      if (gad !== undefined) {
        // dA(m, k) = dC(m, n) · B(k, n)ᵀ
        K2.matmul(gi, bd2.subarray(bi * k * n, (bi + 1) * k * n), gad.subarray(ai * m * k, (ai + 1) * m * k),
          m, n, k, false, true, seenA.has(ai));
        seenA.add(ai);
      }
      if (gbd !== undefined) {
        // dB(k, n) = A(m, k)ᵀ · dC(m, n)
        K2.matmul(ad2.subarray(ai * m * k, (ai + 1) * m * k), gi, gbd.subarray(bi * k * n, (bi + 1) * k * n),
          k, m, n, true, false, seenB.has(bi));
        seenB.add(bi);
      }
    }
    return [ga, gb];
  });
}
