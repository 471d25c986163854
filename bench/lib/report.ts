/**
 * Printed tables and the dated markdown report (bench/results/latest.md,
 * the table the README carries). Both come from the same Results object.
 */
import { find, type CaseResult, type Results, type TrainingResult } from "./results";
import { formatError, formatNumber, formatTime } from "./stats";

/** Contenders in column order; sweeps only appear in the bandwidth table. */
export const COLUMNS: { key: string; short: string }[] = [
  { key: "loop", short: "JS loop" },
  { key: "nx-wasm-api", short: "nx wasm API" },
  { key: "nx-wasm-gradnull", short: "nx wasm grad=null loop" },
  { key: "nx-wasm-zerograd", short: "nx wasm zeroGrad loop" },
  { key: "nx-wasm-tidy", short: "nx wasm tidy loop" },
  { key: "nx-wasm-kernel", short: "nx wasm kernel" },
  { key: "nx-js-api", short: "nx js API" },
  { key: "nx-js-kernel", short: "nx js kernel" },
  { key: "tfjs-wasm", short: "tfjs wasm" },
  { key: "tfjs-cpu", short: "tfjs cpu" },
];

/** Rows of cells as an aligned text table, or a GitHub markdown table. */
export function table(header: string[], rows: string[][], markdown: boolean): string {
  if (markdown) {
    const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
    const rule = header.map((_, i) => (i === 0 ? "---" : "---:"));
    return [line(header), line(rule), ...rows.map(line)].join("\n");
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function caseTitle(c: CaseResult): string {
  return `${c.lossName} ${c.label} ${c.mode === "fwd" ? "fwd" : "fwd+grad"}`;
}

const bytes = (b: number) => (b >= 1e6 ? `${formatNumber(b / 1e6)} MB` : `${formatNumber(b / 1e3)} kB`);
const pct = (x: number | null) => (x === null ? "" : `${Math.round(x * 100)}%`);

/** The block printed after each case: one line per contender. */
export function caseBlock(c: CaseResult): string {
  const header = ["contender", "median", "ns/elem", "× loop", "GB/s", "% sweep", "rel. err", "spread", "other threads", "steal", "samples×reps"];
  const rows = c.contenders.map((r) => [
    r.label,
    formatTime(r.seconds),
    formatNumber(r.nsPerElement),
    r.key.startsWith("sweep") ? "" : `${formatNumber(r.speedup)}×`,
    formatNumber(r.gbps),
    pct(r.ofSweep),
    r.relError === null ? "" : formatError(r.relError),
    `${(r.spread * 100).toFixed(1)}%`,
    `${Math.round((r.otherThreads ?? 0) * 100)}%`,
    Number.isFinite(r.steal) ? `${Math.round(r.steal * 100)}%` : "",
    `${r.samples}×${r.reps}`,
  ]);
  const title = `${caseTitle(c)}  —  shape (${c.shape.join(", ")}), moves ${bytes(c.read + c.write)} per call, reference ${c.reference.toPrecision(8)}`;
  return `\n${title}\n${table(header, rows, false)}`;
}

export function trainingTable(training: Results["training"], markdown: boolean): string {
  const js = training.results.find((t) => t.key === "nx-js");
  const rows = training.results.map((t: TrainingResult) => [
    t.label,
    Math.round(t.samplesPerSec).toLocaleString("en-US"),
    formatTime(t.secondsPerStep),
    js === undefined ? "" : `${formatNumber(t.samplesPerSec / js.samplesPerSec)}×`,
  ]);
  for (const p of training.pytorch) {
    const loop = p.loop === "loader" ? "DataLoader" : "sliced batches";
    rows.push([
      `PyTorch CPU, ${loop}, ${p.threads} thread${p.threads > 1 ? "s" : ""} (separate process)`,
      Math.round(p.samplesPerSec).toLocaleString("en-US"),
      formatTime(training.batch / p.samplesPerSec),
      js === undefined ? "" : `${formatNumber(p.samplesPerSec / js.samplesPerSec)}×`,
    ]);
  }
  return table(["training step, batch " + training.batch, "samples/s", "per step", "× nx js"], rows, markdown);
}

function speedupTable(r: Results, markdown: boolean): string {
  const cols = COLUMNS.filter((col) => r.cases.some((c) => find(c, col.key)));
  const rows = r.cases.map((c) => [
    caseTitle(c),
    ...cols.map((col) => {
      const x = find(c, col.key);
      if (x === undefined) return "";
      return col.key === "loop" ? formatTime(x.seconds) : `${formatNumber(x.speedup)}×`;
    }),
  ]);
  return table(["workload", ...cols.map((c) => (c.key === "loop" ? "JS loop (time = 1×)" : c.short))], rows, markdown);
}

function timeTable(r: Results, markdown: boolean): string {
  const cols = COLUMNS.filter((col) => r.cases.some((c) => find(c, col.key)));
  const rows = r.cases.map((c) => [caseTitle(c), ...cols.map((col) => formatTime(find(c, col.key)?.seconds ?? NaN))]);
  return table(["workload", ...cols.map((c) => c.short)], rows, markdown);
}

function bandwidthTable(r: Results, markdown: boolean): string {
  const rows = r.cases
    .filter((c) => find(c, c.mode === "fwd" ? "sweep-read" : "sweep-rw") !== undefined)
    .map((c) => {
      const sweep = find(c, c.mode === "fwd" ? "sweep-read" : "sweep-rw")!;
      const cell = (key: string) => {
        const x = find(c, key);
        return x === undefined ? "" : `${formatNumber(x.gbps)} (${pct(x.ofSweep)})`;
      };
      return [caseTitle(c), bytes(c.read + c.write), `${c.mode === "fwd" ? "read" : "read+write"} ${formatNumber(sweep.gbps)}`, cell("nx-wasm-kernel"), cell("nx-wasm-api"), cell("tfjs-wasm"), cell("loop")];
    });
  return table(["workload", "bytes/call", "wasm sweep GB/s", "nx wasm kernel", "nx wasm API", "tfjs wasm", "JS loop"], rows, markdown);
}

function accuracyTable(r: Results, markdown: boolean): string {
  const cols = COLUMNS.filter((col) => r.cases.some((c) => find(c, col.key)));
  const rows = r.cases
    .filter((c) => c.mode === "fwd")
    .map((c) => [
      `${c.lossName} ${c.label}`,
      ...cols.map((col) => {
        const e = find(c, col.key)?.relError;
        return e == null ? "" : formatError(e);
      }),
    ]);
  return table(["workload (mean loss)", ...cols.map((c) => c.short)], rows, markdown);
}

function targetsTable(r: Results, markdown: boolean): string {
  const rows = r.targets.map((t) => [t.target, t.goal, t.measured, t.met ? "met" : `missed: ${t.shortfall}`]);
  return table(["target", "goal", "measured", "status"], rows, markdown);
}

/** Issue 9's losses through the public API against the JS loop (forward + gradient). */
function moreLossesTable(r: Results, markdown: boolean): string {
  const rows = (r.moreLosses ?? []).map((m) => [
    m.id,
    formatTime(m.seconds.loop ?? NaN),
    formatTime(m.seconds["nx-wasm-api"] ?? NaN),
    `${formatNumber(m.speedup)}×`,
    m.target === null ? "" : `≥ ${m.target}×`,
    formatError(m.relError),
  ]);
  return table(["workload", "JS loop", "nx wasm API", "× JS loop", "target", "rel.err"], rows, markdown);
}

/** The CTC workloads against PyTorch's CPU ctc_loss (forward + backward). */
function ctcTable(r: Results, markdown: boolean): string {
  const rows: string[][] = [];
  for (const c of [r.ctc, r.ctcLong]) {
    if (c === undefined) continue;
    const { T, N, C, S } = c.shape;
    const best = Math.min(...c.pytorch.map((p) => p.seconds));
    const cell = (s: number) => `${formatTime(s)}${Number.isFinite(best) ? ` (${formatNumber(best / s)}× PyTorch's best)` : ""}`;
    const name = `T=${T}, N=${N}, C=${C}, S=${S}`;
    rows.push([name, "neurenix wasm-simd (API)", cell(c.seconds["nx-wasm-api"])]);
    rows.push([name, "neurenix js (API)", cell(c.seconds["nx-js-api"])]);
    for (const p of c.pytorch) rows.push([name, `PyTorch CPU ctc_loss, ${p.threads} thread(s)`, cell(p.seconds)]);
  }
  return table(["workload", "contender", "time per call"], rows, markdown);
}

function setupTable(r: Results, markdown: boolean): string {
  return table(["setup (once per process)", "time"], r.setup.map((s) => [s.what, formatTime(s.seconds)]), markdown);
}

/** Everything, as printed at the end of a run. */
export function summary(r: Results): string {
  return [
    "\n== Speed-up vs the hand-written JS loop (first column: its time per call) ==",
    speedupTable(r, false),
    "\n== Bandwidth: GB/s and % of the wasm SIMD sweep over the same bytes ==",
    bandwidthTable(r, false),
    "\n== Accuracy: relative error of the mean loss vs float64 ==",
    accuracyTable(r, false),
    "\n== Training throughput ==",
    trainingTable(r.training, false),
    "\n== Setup ==",
    setupTable(r, false),
    "\n== Targets ==",
    targetsTable(r, false),
  ].join("\n");
}

export function markdown(r: Results): string {
  const m = r.machine;
  const torch = r.versions.torch === null ? "" : `, PyTorch ${r.versions.torch} (training reference)`;
  const load = m.loadAverage.map((l) => l.toFixed(2)).join(" → ");
  return `## Benchmarks

Measured ${r.date} with \`npm run bench${r.quick ? " -- --quick" : ""}\` on ${m.cpu} (${m.cpuFamilyModel}), ${m.cores} cores shared with other work
(1-minute load average ${load}), ${m.memoryGiB} GiB, ${m.os}; Node ${m.node} (V8 ${m.v8}); neurenix ${m.neurenix} (${m.commit}, ${m.kernels} kernels);
TensorFlow.js ${r.versions.tfjs} cpu and wasm backends (wasm: SIMD build, single-threaded in Node)${torch}.
One process${r.run === undefined ? "" : ` (${Math.round(r.run.seconds)} s, peak RSS ${r.run.peakRssMiB} MiB)`}, contenders interleaved round-robin, medians over up to ${r.settings.rounds} rounds after warm-up.
"nx … API" is the public API (\`criterion(x, y)\`, \`loss.backward()\`, \`loss.item()\`, then the loss and
\`x.grad\` disposed); the three "loop" columns are the synchronous loops users write, disposing nothing:
\`x.grad = null; crit(x, y).backward()\`, \`opt.zeroGrad(); crit(x, y).backward()\`, and the first inside
\`nx.tidy\`. "nx … kernel" calls the backend on tensors already resident in wasm memory. The JS loop is a hand-written Float32Array loop (1×).
tfjs gets one-hot labels for cross entropy (it has no sparse-label loss) and channels-last K-dim logits.

### Targets

${targetsTable(r, true)}

### Speed-up vs the hand-written JS loop (higher is better)

![speed-up vs the JS loop](latest.svg)

${speedupTable(r, true)}

### Median time per call

${timeTable(r, true)}

### MSE/L1 against the bandwidth limit

GB/s over the bytes a call must move (inputs and targets read, the gradient written), and in brackets the
share of a wasm SIMD128 sweep over the same arrays: for forward, a read pass over the input and one over the
target; for forward+gradient, a read pass over the target and a read→write pass from the input into the gradient
(the same bytes and read/write mix as a fused MSE/L1 pass). A fused kernel reading two streams at once can come
out slightly above the sweep on the sizes that miss the cache.

${bandwidthTable(r, true)}

### Accuracy: relative error of the mean loss vs a float64 reference

${accuracyTable(r, true)}

### Every other loss (issue 9): forward + gradient through the public API

${moreLossesTable(r, true)}

### CTC against PyTorch's CPU ctc_loss (a python3 child process, same run)

${ctcTable(r, true)}

### Training throughput: the documentation's classifier (784→128→10, batch 64, Adam)

One step = next batch from a shuffling DataLoader, zeroGrad, forward, CrossEntropyLoss, backward, Adam step,
\`loss.item()\`. tfjs runs the same model with tf.layers and tf.train.adam. PyTorch runs in a separate
process after the others (bench/pytorch_train.py), with its DataLoader and with plain tensor slicing.

${trainingTable(r.training, true)}

### Setup time (once per process, not in the figures above)

V8 compiles wasm functions lazily (Liftoff first, TurboFan once hot): the first calls pay the rest, inside the warm-up.

${setupTable(r, true)}
`;
}
