/**
 * Datasets, as torch.utils.data: anything with a `length` and `get(i)`
 * returning a tuple of tensors. TensorDataset wraps tensors that share their
 * first dimension; sample i is row i of each.
 */
import { Tensor } from "../tensor";
import { checkTensor } from "../errors";
import { formatShape } from "../shape";

/** Anything a DataLoader can batch: samples by index. */
export interface Dataset<T extends Tensor[] = Tensor[]> {
  /** Number of samples. */
  readonly length: number;
  /** Sample `index` (0 ≤ index < length): one tensor per field. */
  get(index: number): T;
}

/**
 * Samples as rows of tensors sharing their first dimension (`torch.utils.data.TensorDataset`).
 *
 * @example
 * ```ts
 * const dataset = new nx.data.TensorDataset(nx.randn([100, 4]), nx.zeros([100]));
 * const [x, y] = dataset.get(0); // shapes [4] and []
 * ```
 */
export class TensorDataset<T extends Tensor[] = [Tensor, Tensor]> implements Dataset<T> {
  /** The tensors, one per field. */
  readonly tensors: T;

  /** Usually `new TensorDataset(inputs, targets)`; every tensor needs the same first dimension. */
  constructor(...tensors: T) {
    if (tensors.length === 0) throw new RangeError("TensorDataset: needs at least one tensor");
    tensors.forEach((t, i) => {
      checkTensor(t, `TensorDataset: argument ${i}`);
      if (t.ndim === 0) throw new RangeError(`TensorDataset: argument ${i} is a scalar; tensors need a first (sample) dimension`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new RangeError(
          `TensorDataset: size mismatch between tensors: argument 0 has ${tensors[0].shape[0]} samples (shape ${formatShape(tensors[0].shape)}), ` +
            `argument ${i} has ${t.shape[0]} (shape ${formatShape(t.shape)})`,
        );
      }
    });
    this.tensors = tensors;
  }

  /** Number of samples (the first dimension). */
  get length(): number {
    return this.tensors[0].shape[0];
  }

  /** Row `index` of every tensor, copied. */
  get(index: number): T {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`TensorDataset: index ${index} is out of range for ${this.length} samples`);
    }
    return gatherRows(this.tensors, [index], false) as T;
  }
}

/**
 * New tensors holding rows `indices` of each tensor, stacked along a new
 * first dimension (`batched`) or, for a single row, without it.
 */
export function gatherRows(tensors: readonly Tensor[], indices: readonly number[], batched: boolean): Tensor[] {
  const outs = tensors.map((t) => Tensor.empty(batched ? [indices.length, ...t.shape.slice(1)] : t.shape.slice(1)));
  // Views after every allocation (growing the memory detaches views).
  tensors.forEach((t, j) => {
    const row = t.shape[0] === 0 ? 0 : t.size / t.shape[0];
    const src = t.data;
    const dst = outs[j].data;
    indices.forEach((idx, b) => dst.set(src.subarray(idx * row, (idx + 1) * row), b * row));
  });
  return outs;
}
