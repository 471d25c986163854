/**
 * The platform checks: the documentation's loss examples and a few training
 * steps, run against whatever `nx` module the caller imported (the built
 * bundle, in Node, Node without SIMD, Deno and Chromium), compared with the
 * PyTorch values in expected.json (written by gen_expected.py).
 *
 * Platform-neutral on purpose: no Node or Deno APIs, no imports but types, so
 * the browser page can load it after a plain type-stripping transpile. The
 * caller reads expected.json its own way and decides how to report.
 *
 * Tolerances: loss values 1e-5 relative (float32 kernels against float64
 * answers), input gradients 1e-4 relative + 1e-6 absolute, training losses
 * 1e-4 relative (float32 against PyTorch's float32 over six steps).
 */
import type * as NX from "../../ts/index";

type Neurenix = typeof NX;
type BackendName = ReturnType<Neurenix["backend"]>;

export interface Packed {
  shape: number[];
  data: (number | string)[];
}

export interface LossCase {
  name: string;
  /** `loss` names the class ("custom" for the Tensor-ops loss); the rest are its options. */
  options: { loss: string } & Record<string, unknown>;
  inputTransform?: "sigmoid";
  input: Packed;
  target: Packed;
  output: Packed;
  inputGrad: Packed;
}

export interface TrainCase {
  name: string;
  /** Linear sizes, ReLU between them: [12, 16, 4] is Linear(12,16), ReLU, Linear(16,4). */
  sizes: number[];
  loss: "CrossEntropyLoss" | "MSELoss";
  optimizer: "Adam" | "SGD";
  optimizerOptions: { lr: number; momentum?: number };
  weights: Record<string, Packed>;
  x: Packed;
  y: Packed;
  /** The loss before each step. */
  losses: number[];
}

export interface Expected {
  losses: LossCase[];
  training: TrainCase[];
}

export interface CheckResult {
  name: string;
  backend: BackendName;
  ok: boolean;
  /** The worst mismatch, or the error message. */
  detail: string;
}

export interface CheckReport {
  /** The backend selected on import, before the checks switch backends. */
  initialBackend: BackendName;
  /** Whether setBackend("wasm-simd") works here. */
  wasmSimdAvailable: boolean;
  /** nx.kernelBuild(): which build of the wasm kernels the engine loaded. */
  kernelBuild: string | null;
  results: CheckResult[];
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

function values(p: Packed): number[] {
  return p.data.map((v) => (typeof v === "number" ? v : NON_FINITE[v]));
}

/** The worst mismatch of `got` against `want`, or "" when every element is within atol + rtol·|want|. */
function mismatch(what: string, got: ArrayLike<number>, want: number[], rtol: number, atol: number): string {
  if (got.length !== want.length) return `${what}: ${got.length} values, expected ${want.length}`;
  let worst = "";
  let worstExcess = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (!(excess <= 0) && (worst === "" || excess > worstExcess)) {
      worst = `${what}[${i}] = ${g}, expected ${w}`;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  return worst;
}

function tensorOf(nx: Neurenix, p: Packed, requiresGrad = false): NX.Tensor {
  return new nx.Tensor(values(p), { shape: p.shape, requiresGrad });
}

function makeLoss(nx: Neurenix, options: LossCase["options"]): (input: NX.Tensor, target: NX.Tensor) => NX.Tensor {
  const { loss, ...rest } = options;
  const opts: Record<string, unknown> = { ...rest };
  for (const key of ["weight", "posWeight"]) {
    if (opts[key] !== undefined) opts[key] = tensorOf(nx, opts[key] as Packed);
  }
  switch (loss) {
    case "MSELoss":
      return new nx.MSELoss(opts);
    case "L1Loss":
      return new nx.L1Loss(opts);
    case "CrossEntropyLoss":
      return new nx.CrossEntropyLoss(opts);
    case "BCELoss":
      return new nx.BCELoss(opts);
    case "BCEWithLogitsLoss":
      return new nx.BCEWithLogitsLoss(opts);
    case "custom": {
      // The documentation's custom loss: a subclass of nx.nn.Loss built from Tensor ops.
      class CustomLoss extends nx.nn.Loss {
        forward(input: NX.Tensor, target: NX.Tensor): NX.Tensor {
          return input.sub(target).pow(2).mean();
        }
      }
      return new CustomLoss();
    }
    default:
      throw new Error(`checks: unknown loss ${loss}`);
  }
}

function checkLoss(nx: Neurenix, c: LossCase): string {
  const criterion = makeLoss(nx, c.options);
  const input = tensorOf(nx, c.input, true);
  const fed = c.inputTransform === "sigmoid" ? input.sigmoid() : input;
  const output = criterion(fed, tensorOf(nx, c.target));
  (output.ndim === 0 ? output : output.sum()).backward();
  if (input.grad === null) return "input.grad is null after backward()";
  return (
    mismatch("output", output.data, values(c.output), 1e-5, 0) ||
    mismatch("input.grad", input.grad.data, values(c.inputGrad), 1e-4, 1e-6)
  );
}

function checkTraining(nx: Neurenix, c: TrainCase): string {
  const layers: NX.Module[] = [];
  for (let i = 0; i + 1 < c.sizes.length; i++) {
    layers.push(new nx.Linear(c.sizes[i], c.sizes[i + 1]));
    if (i + 2 < c.sizes.length) layers.push(new nx.ReLU());
  }
  const model = new nx.Sequential(...layers);
  const state: Record<string, Float32Array> = {};
  for (const [key, p] of Object.entries(c.weights)) state[key] = new Float32Array(values(p));
  model.loadStateDict(state);
  const opt =
    c.optimizer === "Adam"
      ? new nx.optim.Adam(model.parameters(), { lr: c.optimizerOptions.lr })
      : new nx.optim.SGD(model.parameters(), { lr: c.optimizerOptions.lr, momentum: c.optimizerOptions.momentum });
  const criterion = c.loss === "CrossEntropyLoss" ? new nx.CrossEntropyLoss() : new nx.MSELoss();
  const x = tensorOf(nx, c.x);
  const y = tensorOf(nx, c.y);
  const losses: number[] = [];
  for (let step = 0; step < c.losses.length; step++) {
    opt.zeroGrad();
    const loss = criterion(model(x), y);
    losses.push(loss.item());
    loss.backward();
    opt.step();
  }
  return mismatch("loss per step", losses, c.losses, 1e-4, 0);
}

/**
 * Runs every check on each of `backends` that is available here, then puts
 * the initially selected backend back.
 */
export function runChecks(nx: Neurenix, expected: Expected, backends: BackendName[] = ["wasm-simd", "js"]): CheckReport {
  const initialBackend = nx.backend();
  let wasmSimdAvailable = true;
  try {
    nx.setBackend("wasm-simd");
  } catch {
    wasmSimdAvailable = false;
  }
  const results: CheckResult[] = [];
  const run = (backend: BackendName, name: string, check: () => string) => {
    let detail: string;
    try {
      detail = check();
    } catch (e) {
      detail = `threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
    }
    results.push({ name, backend, ok: detail === "", detail });
  };
  try {
    for (const backend of backends) {
      if (backend === "wasm-simd" && !wasmSimdAvailable) continue;
      nx.setBackend(backend);
      for (const c of expected.losses) run(backend, c.name, () => checkLoss(nx, c));
      for (const c of expected.training) run(backend, c.name, () => checkTraining(nx, c));
    }
  } finally {
    nx.setBackend(initialBackend);
  }
  return { initialBackend, wasmSimdAvailable, kernelBuild: nx.kernelBuild(), results };
}

/** One line per check, for logs. */
export function formatReport(report: CheckReport): string {
  const lines = [
    `initial backend: ${report.initialBackend}; wasm-simd available: ${report.wasmSimdAvailable}; kernel build: ${report.kernelBuild}`,
  ];
  for (const r of report.results) {
    lines.push(`${r.ok ? "ok  " : "FAIL"} [${r.backend}] ${r.name}${r.ok ? "" : `: ${r.detail}`}`);
  }
  return lines.join("\n");
}
