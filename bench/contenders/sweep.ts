/**
 * The wasm SIMD128 bandwidth sweeps, the physical limit for MSE/L1 on this
 * machine as seen from wasm: the probe module's loops (bench/lib/probes.ts:
 * Σx with the fastest of 4, 8 or 12 accumulators for reading, out = x·1.0001
 * for reading and writing) over arrays of the case's own sizes, resident in
 * the shared heap like the kernel contender's:
 *   read sweep (forward cases)        reads input and target: 2n floats;
 *   read+write sweep (fwd+grad cases) reads the target, reads the input and
 *                                     writes the gradient: 2n read, n written,
 *                                     the bytes and mix a fused MSE/L1 pass moves.
 */
import { bandwidthRead, bandwidthReadWrite, expLimit as expLimitProbe, fastestReadAccumulators } from "../lib/probes";
import { Resident } from "./neurenix";
import type { Contender, Runner } from "./contender";
import { traffic, type Case } from "../workloads/problem";

function sweep(key: "sweep-read" | "sweep-rw"): Contender {
  const write = key === "sweep-rw";
  return {
    key,
    label: write ? "wasm read+write sweep" : "wasm read sweep",
    supports: (c: Case) => (c.problem.loss === "mse" || c.problem.loss === "l1") && (c.mode === "fwdBwd") === write,
    prepare(c: Case): Runner {
      const n = c.problem.size;
      const arrays = new Resident([n, n, n]);
      const [x0, t0] = arrays.views();
      x0.set(c.problem.input);
      t0.set(c.problem.target);
      const acc = fastestReadAccumulators(() => arrays.views()[0]);
      let [x, t, out] = arrays.views();
      const run = write
        ? () => {
            bandwidthReadWrite(x, out);
            return bandwidthRead(t, acc);
          }
        : () => bandwidthRead(x, acc) + bandwidthRead(t, acc);
      return {
        before: () => {
          [x, t, out] = arrays.views();
        },
        run,
        dispose: () => arrays.free(),
        bytes: write ? 12 * n : 8 * n,
      };
    },
  };
}

export const readSweep = sweep("sweep-read");
export const readWriteSweep = sweep("sweep-rw");

/**
 * Cross entropy's exp limit (bench/lib/probes.ts expLimit) over the case's
 * own (N, C) logits, resident like the kernel contender's: forward+gradient
 * cases of 2-D shape. Its `bytes` are the case's own traffic, so "% sweep"
 * reads as the fraction of the exp limit a contender reaches.
 */
export const expLimit: Contender = {
  key: "sweep-exp",
  label: "wasm exp limit (max, exp, scale)",
  supports: (c: Case) => c.problem.loss === "ce" && c.mode === "fwdBwd" && c.problem.shape.length === 2,
  prepare(c: Case): Runner {
    const [rows, cols] = c.problem.shape;
    const n = rows * cols;
    const arrays = new Resident([n, n]);
    arrays.views()[0].set(c.problem.input);
    let [x, out] = arrays.views();
    const { read, write } = traffic(c.problem, c.mode);
    return {
      before: () => {
        [x, out] = arrays.views();
      },
      run: () => expLimitProbe(x, out, rows, cols),
      dispose: () => arrays.free(),
      bytes: read + write,
    };
  },
};
