/**
 * DataLoader: batches of a dataset, as torch.utils.data.DataLoader.
 *
 *   for (const [inputs, targets] of loader) { … }   // one epoch per for-of
 *
 * Each batch is new tensors (rows gathered and stacked along a new first
 * dimension). With shuffle, every epoch draws a new permutation: from a
 * private generator seeded with `seed` (so a run is reproducible and does
 * not disturb nx.manualSeed's stream), else from the global generator. The
 * last, smaller batch is kept unless dropLast. `loader.length` is the number
 * of batches per epoch.
 */
import { Tensor } from "../tensor";
import { describe } from "../errors";
import { formatShape, sameShape } from "../shape";
import { checkBoolean, checkInteger, checkNumber, checkOptions, FINITE } from "../options";
import { Generator, globalGenerator } from "../random";
import { TensorDataset, gatherRows, type Dataset } from "./dataset";

/** Options of `DataLoader` (PyTorch's, camelCased). */
export interface DataLoaderOptions {
  /** Samples per batch (default 1, as PyTorch). */
  batchSize?: number;
  /** A new random order every epoch (default false). */
  shuffle?: boolean;
  /** Seeds the shuffling (default: the global generator). */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * Batches of a dataset (`torch.utils.data.DataLoader`): each for-of is one
 * epoch, reshuffled every epoch when asked.
 *
 * @example
 * ```ts
 * const loader = new nx.data.DataLoader(new nx.data.TensorDataset(nx.randn([100, 4]), nx.zeros([100])), { batchSize: 32, shuffle: true, seed: 0 });
 * for (const [inputs, targets] of loader) inputs.shape; // [32, 4] … [4, 4]
 * ```
 */
export class DataLoader<T extends Tensor[] = [Tensor, Tensor]> implements Iterable<T> {
  /** The dataset batches are drawn from. */
  readonly dataset: Dataset<T>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether every epoch draws a new order. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is dropped. */
  readonly dropLast: boolean;
  private readonly generator: Generator;

  constructor(dataset: Dataset<T>, opts?: DataLoaderOptions) {
    const o = checkOptions(opts, ["batchSize", "shuffle", "seed", "dropLast"], "DataLoader") as DataLoaderOptions;
    if (dataset === null || typeof dataset !== "object" || typeof dataset.get !== "function" || !Number.isInteger(dataset.length)) {
      throw new TypeError(`DataLoader: dataset must have a length and get(index), got ${describe(dataset)}`);
    }
    this.dataset = dataset;
    this.batchSize = checkInteger(o.batchSize ?? 1, "DataLoader: batchSize", { min: 1 });
    this.shuffle = checkBoolean(o.shuffle ?? false, "DataLoader: shuffle");
    this.dropLast = checkBoolean(o.dropLast ?? false, "DataLoader: dropLast");
    if (o.seed !== undefined) checkNumber(o.seed, "DataLoader: seed", FINITE);
    this.generator = o.seed === undefined ? globalGenerator : new Generator(o.seed);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch: the batches, as one tensor per dataset field. */
  *[Symbol.iterator](): Iterator<T> {
    const order = this.epochOrder();
    const batches = this.length;
    for (let b = 0; b < batches; b++) {
      yield this.collate(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    }
  }

  /** 0…n−1, shuffled (Fisher–Yates) when asked. */
  private epochOrder(): number[] {
    const n = this.dataset.length;
    const order = Array.from({ length: n }, (_, i) => i);
    if (this.shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = this.generator.int(i + 1);
        [order[i], order[j]] = [order[j], order[i]];
      }
    }
    return order;
  }

  private collate(indices: number[]): T {
    if (this.dataset instanceof TensorDataset) return gatherRows(this.dataset.tensors, indices, true) as T;
    // Any other dataset: stack its samples field by field.
    const samples = indices.map((i) => this.dataset.get(i));
    return samples[0].map((first, j) => {
      const rows = samples.map((s, k) => {
        const t = s[j];
        if (!(t instanceof Tensor) || !sameShape(t.shape, first.shape)) {
          throw new RangeError(
            `DataLoader: field ${j} of sample ${indices[k]} must be a Tensor of shape ${formatShape(first.shape)} like the batch's first, got ${
              t instanceof Tensor ? formatShape(t.shape) : describe(t)
            }`,
          );
        }
        return t;
      });
      return stack(rows);
    }) as T;
  }
}

/** Stacks same-shape tensors along a new first dimension. */
function stack(rows: Tensor[]): Tensor {
  const out = Tensor.empty([rows.length, ...rows[0].shape]);
  const d = out.data;
  rows.forEach((t, i) => d.set(t.data, i * t.size));
  return out;
}

