/**
 * The shape of bench/results/latest.json, shared by the report, the chart
 * and the target checks.
 */
import type { Machine } from "./machine";
import type { LossKind, Mode } from "../workloads/problem";

export interface ContenderResult {
  key: string;
  label: string;
  /** Median seconds per call, its relative spread, samples × calls per sample. */
  seconds: number;
  spread: number;
  samples: number;
  reps: number;
  nsPerElement: number;
  /** JS loop's time / this time. */
  speedup: number;
  /** Bytes one call moves (the case's traffic, or the sweep's own) and the rate. */
  bytes: number;
  gbps: number;
  /** GB/s as a fraction of the matching wasm sweep (read for fwd, read+write for fwdBwd); MSE/L1 only. */
  ofSweep: number | null;
  /** Mean loss returned, and its relative error vs the float64 reference (null for sweeps). */
  value: number | null;
  relError: number | null;
  /** CPU time of the process's other threads during a sample / its wall time (median; bench/lib/harness.ts). */
  otherThreads: number;
  /** Hypervisor steal time during the samples / their wall time (bench/lib/harness.ts). */
  steal: number;
}

export interface CaseResult {
  id: string;
  loss: LossKind;
  lossName: string;
  label: string;
  mode: Mode;
  shape: number[];
  size: number;
  read: number;
  write: number;
  reference: number;
  contenders: ContenderResult[];
  /** What neurenix's memory manager did while the case ran (reclaims copy tensors out of the heap). */
  memory?: { reclaims: number; bytesMovedOut: number; bytesMovedIn: number; wasmBytes: number };
}

export interface TrainingResult {
  key: string;
  label: string;
  samplesPerSec: number;
  secondsPerStep: number;
  spread: number;
  samples: number;
  reps: number;
}

export interface PytorchResult {
  loop: "loader" | "sliced";
  threads: number;
  samplesPerSec: number;
}

export interface TargetResult {
  target: string;
  goal: string;
  measured: string;
  met: boolean;
  /** For misses: how far short, e.g. "short by 23% (needs 1.3× the speed)". */
  shortfall: string | null;
}

export interface MoreLossResult {
  id: string;
  /** The target (× the JS loop), or null. */
  target: number | null;
  /** Median seconds per call, by contender key (loop, nx-wasm-api, nx-js-api). */
  seconds: Record<string, number>;
  /** loop seconds / nx-wasm-api seconds. */
  speedup: number;
  /** |loss − loop's loss| / |loop's loss| of the wasm-simd API. */
  relError: number;
}

export interface Results {
  date: string;
  quick: boolean;
  machine: Machine;
  versions: { tfjs: string; torch: string | null };
  settings: Record<string, unknown>;
  setup: { what: string; seconds: number }[];
  cases: CaseResult[];
  training: { batch: number; results: TrainingResult[]; pytorch: PytorchResult[] };
  targets: TargetResult[];
  /** Issue 9's losses (bench/workloads/more_losses.ts): fwd + grad through the API vs the JS loop. */
  moreLosses?: MoreLossResult[];
  /** Issue 9's CTC workload: seconds per fwd+bwd call, PyTorch's CPU ctc_loss (1 and 2 threads), best PyTorch / wasm-simd. */
  ctc?: CtcResult;
  /** The long CTC workload (T = 600, S = 120), the same figures. */
  ctcLong?: CtcResult;
  /** Wall time of the whole run and the process's peak resident memory. */
  run: { seconds: number; peakRssMiB: number };
}

export function find(c: CaseResult, key: string): ContenderResult | undefined {
  return c.contenders.find((r) => r.key === key);
}

/** One CTC workload's figures. */
export interface CtcResult {
  shape: { T: number; N: number; C: number; S: number };
  seconds: Record<string, number>;
  pytorch: { threads: number; seconds: number }[];
  speedupVsPytorch: number;
}
