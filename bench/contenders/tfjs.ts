/**
 * TensorFlow.js 4.22 contenders: the cpu backend (plain JS kernels) and the
 * wasm backend (XNNPACK-based, SIMD build, single-threaded in Node), each
 * through tfjs's public API as a tfjs user would write it:
 *   forward           tf.losses.meanSquaredError / absoluteDifference /
 *                     sigmoidCrossEntropy / softmaxCrossEntropy, then dataSync;
 *   forward+gradient  tf.valueAndGrad of the same loss (the loss and ∂/∂logits).
 * tfjs has no sparse-label cross-entropy loss: it gets one-hot labels, and
 * K-dim logits in its channels-last layout (N·d1…dk, C), both made untimed.
 * Each backend's tensors are made while that backend is active, so switching
 * backends between samples never moves data.
 */
import { createRequire } from "node:module";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { Contender, Runner } from "./contender";
import type { Case, Problem } from "../workloads/problem";

export type TfBackend = "cpu" | "wasm";

export const tfjsVersion: string = tf.version.tfjs;

/** Initialises both backends; returns their init times in seconds. */
export async function setupTfjs(): Promise<Record<TfBackend, number>> {
  const require = createRequire(import.meta.url);
  const dist = path.join(path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  // Node has no cross-origin-isolated threads: the single-threaded SIMD binary runs.
  setWasmPaths(dist + path.sep);
  const seconds = async (name: TfBackend) => {
    const t0 = performance.now();
    if (!(await tf.setBackend(name))) throw new Error(`tfjs: backend ${name} failed to initialise`);
    await tf.ready();
    return (performance.now() - t0) / 1e3;
  };
  const cpu = await seconds("cpu");
  // The cpu backend's first write prints tfjs's "install tfjs-node" banner: now, not mid-table.
  tf.tensor1d([0]).dispose();
  const wasm = await seconds("wasm");
  if (!tf.env().getBool("WASM_HAS_SIMD_SUPPORT")) throw new Error("tfjs wasm: the SIMD binary is not in use");
  return { cpu, wasm };
}

/** The logits as a (rows, C) channels-last matrix and one-hot labels. */
function crossEntropyInputs(p: Problem): { logits: Float32Array; labels: Float32Array; rows: number } {
  const { n, classes, inner } = p;
  const rows = n * inner;
  const logits = inner === 1 ? p.input : new Float32Array(p.size);
  if (inner !== 1) {
    for (let s = 0; s < n; s++)
      for (let c = 0; c < classes; c++)
        for (let j = 0; j < inner; j++) logits[(s * inner + j) * classes + c] = p.input[(s * classes + c) * inner + j];
  }
  const labels = new Float32Array(rows * classes);
  for (let r = 0; r < rows; r++) labels[r * classes + p.target[r]] = 1;
  return { logits, labels, rows };
}

function lossFn(p: Problem): (labels: tf.Tensor, x: tf.Tensor) => tf.Tensor {
  switch (p.loss) {
    case "mse":
      return (labels, x) => tf.losses.meanSquaredError(labels, x);
    case "l1":
      return (labels, x) => tf.losses.absoluteDifference(labels, x);
    case "bce":
      return (labels, x) => tf.losses.sigmoidCrossEntropy(labels, x);
    case "ce":
      return (labels, x) => tf.losses.softmaxCrossEntropy(labels, x);
  }
}

export function tfjsContender(backend: TfBackend): Contender {
  return {
    key: `tfjs-${backend}`,
    label: `tfjs ${backend}`,
    supports: () => true,
    async prepare(c: Case): Promise<Runner> {
      const p = c.problem;
      await tf.setBackend(backend);
      let x: tf.Tensor;
      let labels: tf.Tensor;
      if (p.loss === "ce") {
        const ce = crossEntropyInputs(p);
        x = tf.tensor2d(ce.logits, [ce.rows, p.classes]);
        labels = tf.tensor2d(ce.labels, [ce.rows, p.classes]);
      } else {
        x = tf.tensor1d(p.input);
        labels = tf.tensor1d(p.target);
      }
      const loss = lossFn(p);
      const f = (logits: tf.Tensor) => loss(labels, logits) as tf.Scalar;
      const valueAndGrad = tf.valueAndGrad(f);
      const run =
        c.mode === "fwd"
          ? () => {
              const value = tf.tidy(() => f(x));
              const v = value.dataSync()[0];
              value.dispose();
              return v;
            }
          : () => {
              const { value, grad } = valueAndGrad(x);
              const v = value.dataSync()[0];
              tf.dispose([value, grad]);
              return v;
            };
      return {
        before: async () => {
          await tf.setBackend(backend);
        },
        run,
        dispose: () => tf.dispose([x, labels]),
      };
    },
  };
}

/** Live tfjs tensors: the harness checks that a case leaves none behind. */
export function tfjsTensorCount(): number {
  return tf.memory().numTensors;
}
