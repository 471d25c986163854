/**
 * CTCLoss (blank = 0, zeroInfinity = false): the connectionist temporal
 * classification loss of Graves et al., for unsegmented sequence labelling
 * (speech, handwriting): the negative log of the total probability of every
 * alignment of the target y (with blanks and repeats) to the T input frames:
 *   ℓ_n = −log Σ_{alignments π of y_n} Π_t p_t(π_t)
 * computed by the forward–backward recursions per sample over its own
 * input and target lengths: in linear space in float64 with power-of-two
 * scales per frame or per block of states (one exp per emission), and in
 * log space, as PyTorch, for a sample where a path falls too far below its
 * neighbours for that (no path is ever dropped). The gradient with respect to logProbs is PyTorch's
 * e^{lp} − e^{log(αβ) + ℓ − lp} (exact for the logits when logProbs is a
 * logSoftmax); 0 after a sample's input length.
 * Inputs: logProbs (T, N, C) or (T, C) (log-probabilities, e.g.
 * logits.logSoftmax(2)); targets (N, S) padded, or 1-D holding every
 * target one after the other (Σ targetLengths), or (S) when unbatched;
 * inputLengths and targetLengths: a Tensor or numbers, one per sample.
 * Reductions: "none" gives the (N) losses; "sum" their sum; "mean" divides
 * each loss by its target length (at least 1) and then averages over the
 * batch, as PyTorch. zeroInfinity turns infinite losses (no alignment is
 * possible: too short an input) and their gradients into 0.
 * Errors (RangeError): lengths beyond the input or the targets, target
 * indices out of range, a blank outside [0, C).
 * The kernels are crates/kernels/src/losses/ctc_scaled.rs and ctc_loss.rs
 * on wasm-simd, ts/backend/js_ctc_scaled.ts and js_ctc.ts on js.
 * NOTE: no gradient with respect to the lengths or targets (none exists).
 */
import { Tensor, record, residentViews } from "../tensor";
import { kernelsNow } from "../backend/select";
import { ctcWorkspaceLength } from "../backend/backend";
import { Loss, type LossOptions } from "./loss";
import { booleanOption, checkOptions, integerOption } from "../options";
import { checkTensor, describe, isTensor } from "../errors";
import { formatShape } from "../shape";
import { needsGrad } from "../autograd/graph";

export interface CTCLossOptions extends LossOptions {
  /** The blank label's class index (default 0). */
  blank?: number;
  /** Infinite losses (and their gradients) become 0 (default false). */
  zeroInfinity?: boolean;
}

/** CTCLoss's input and target lengths: a Tensor or numbers, one per sample (a number when unbatched). */
export type CTCLengths = Tensor | ArrayLike<number> | number;

/** Lengths as integers, one per sample; TypeError/RangeError naming them. */
function lengthList(v: unknown, n: number, what: string): number[] {
  let values: ArrayLike<number>;
  if (isTensor(v)) {
    checkTensor(v, what);
    values = v.data;
  } else if (typeof v === "number") values = [v];
  else if (Array.isArray(v) || ArrayBuffer.isView(v)) values = v as ArrayLike<number>;
  else throw new TypeError(`${what} must be a Tensor or an array of integers, got ${describe(v)}`);
  if (values.length !== n) throw new RangeError(`${what} must have ${n} entries (one per sample), got ${values.length}`);
  const out = Array.from(values);
  out.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 0) {
      throw new RangeError(`${what}[${i}] must be a non-negative integer, got ${String(x)}`);
    }
  });
  return out;
}

export class CTCLoss extends Loss<[logProbs: Tensor, targets: Tensor, inputLengths: CTCLengths, targetLengths: CTCLengths]> {
  /** The blank label's class index. */
  readonly blank: number;
  /** Whether infinite losses (and their gradients) become 0. */
  readonly zeroInfinity: boolean;

  constructor(opts?: CTCLossOptions) {
    const o = checkOptions(opts, ["blank", "reduction", "zeroInfinity"], "CTCLoss");
    super(o);
    this.blank = integerOption(o, "blank", 0, "CTCLoss");
    this.zeroInfinity = booleanOption(o, "zeroInfinity", false, "CTCLoss");
  }

  forward(logProbs: Tensor, targets: Tensor, inputLengths: CTCLengths, targetLengths: CTCLengths): Tensor {
    checkTensor(logProbs, "CTCLoss: logProbs");
    checkTensor(targets, "CTCLoss: targets");
    if (logProbs.ndim !== 2 && logProbs.ndim !== 3) {
      throw new RangeError(`CTCLoss: logProbs must have shape (T, N, C) or (T, C), got ${formatShape(logProbs.shape)}`);
    }
    const batched = logProbs.ndim === 3;
    const [steps, batch, classes] = batched ? logProbs.shape : [logProbs.shape[0], 1, logProbs.shape[1]];
    if (this.blank < 0 || this.blank >= classes) {
      throw new RangeError(`CTCLoss: blank ${this.blank} is out of range for ${classes} classes`);
    }
    const inLen = lengthList(inputLengths, batch, "CTCLoss: inputLengths");
    const tgLen = lengthList(targetLengths, batch, "CTCLoss: targetLengths");
    inLen.forEach((l, i) => {
      if (l > steps) throw new RangeError(`CTCLoss: inputLengths[${i}] = ${l} is beyond the input's ${steps} time steps`);
    });
    // Where each sample's targets start: rows of a padded (N, S) tensor, or one after the other.
    const padded = batched ? targets.ndim === 2 : false;
    const offsets: number[] = [];
    if (padded) {
      if (targets.shape[0] !== batch) {
        throw new RangeError(`CTCLoss: padded targets must have shape (N, S) with N = ${batch}, got ${formatShape(targets.shape)}`);
      }
      const s = targets.shape[1];
      tgLen.forEach((l, i) => {
        if (l > s) throw new RangeError(`CTCLoss: targetLengths[${i}] = ${l} is beyond the targets' ${s} columns`);
        offsets.push(i * s);
      });
    } else {
      if (targets.ndim !== 1) {
        throw new RangeError(`CTCLoss: targets must be (N, S) padded or 1-D concatenated, got ${formatShape(targets.shape)}`);
      }
      const total = tgLen.reduce((a, b) => a + b, 0);
      if (total > targets.size) {
        throw new RangeError(`CTCLoss: targetLengths sum to ${total}, beyond the ${targets.size} concatenated targets`);
      }
      tgLen.reduce((at, l) => (offsets.push(at), at + l), 0);
    }
    const tv = targets.data;
    tgLen.forEach((l, i) => {
      for (let k = 0; k < l; k++) {
        const c = tv[offsets[i] + k];
        if (!Number.isInteger(c) || c < 0 || c >= classes) {
          throw new RangeError(`CTCLoss: target ${c} of sample ${i} (position ${k}) is no class index in [0, ${classes})`);
        }
      }
    });

    const wantGrad = needsGrad(logProbs);
    const meta = new Tensor([...offsets, ...inLen, ...tgLen]);
    const workspace = Tensor.empty([ctcWorkspaceLength(steps, Math.max(0, ...tgLen), classes)]);
    const losses = Tensor.empty([batch]);
    const grad = wantGrad ? Tensor.empty(logProbs.shape) : null;
    const [lp, tg, m, ws, lo, go] = residentViews(logProbs, targets, meta, workspace, losses, ...(grad === null ? [] : [grad]));
    kernelsNow().ctcFwdBwd(
      lp, tg, m.subarray(0, batch), m.subarray(batch, 2 * batch), m.subarray(2 * batch),
      steps, batch, classes, this.blank, this.zeroInfinity, lo, go ?? null, ws,
    );
    meta.dispose();
    workspace.dispose();

    // Per-sample weights of the reduction ("mean": 1/(N·max(targetLength, 1))).
    const weights = tgLen.map((l) => (this.reduction === "mean" ? 1 / (batch * Math.max(l, 1)) : 1));
    let out: Tensor;
    if (this.reduction === "none") out = batched ? losses : losses.withShape([]);
    else {
      const lv = losses.data;
      let total = 0;
      for (let i = 0; i < batch; i++) total += lv[i] * weights[i];
      // "mean" of an empty batch: PyTorch's mean of no elements, NaN (its sum stays 0).
      out = new Tensor(this.reduction === "mean" && batch === 0 ? NaN : total);
      losses.dispose();
    }
    if (grad === null) return out;
    return record(out, "CTCLoss", [logProbs], (g) => {
      // grad · (per-sample upstream gradient · weight), broadcast over (T, ·, C).
      const scale = Tensor.empty(batched ? [1, batch, 1] : [1, 1]);
      const [sv, gv] = residentViews(scale, g);
      for (let i = 0; i < batch; i++) sv[i] = (this.reduction === "none" ? gv[i] : gv[0]) * weights[i];
      return [grad.mul(scale)];
    });
  }
}

/** F.ctcLoss(logProbs, targets, inputLengths, targetLengths, { blank, reduction, zeroInfinity }) */
export function ctcLoss(
  logProbs: Tensor,
  targets: Tensor,
  inputLengths: CTCLengths,
  targetLengths: CTCLengths,
  opts?: CTCLossOptions,
): Tensor {
  return new CTCLoss(opts).forward(logProbs, targets, inputLengths, targetLengths);
}
