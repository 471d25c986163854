/**
 * `npm run bench [-- options]`: neurenix (wasm-simd and js, public API and
 * kernel-only) against a hand-written Float32Array loop (1×), TensorFlow.js
 * 4.22 (cpu and wasm) and the wasm SIMD bandwidth sweeps, on issue 5's
 * workloads, plus the training throughput of the documentation's classifier.
 * Prints the tables and writes bench/results/latest.{json,md,svg}.
 *
 * Options:
 *   --quick              fewer, shorter rounds, no tfjs cpu above 1e6 elements: a smoke test
 *                        (under 2 minutes) writing to $TMPDIR/neurenix-bench-quick
 *   --only=REGEX         only the cases whose id matches ("ce .*fwdBwd")
 *   --contenders=a,b     only these contender keys (loop, nx-wasm-api, nx-wasm-kernel,
 *                        nx-js-api, nx-js-kernel, nx-wasm-gradnull, nx-wasm-zerograd, nx-wasm-tidy,
 *                        tfjs-cpu, tfjs-wasm, sweep-read, sweep-rw, sweep-exp)
 *   --no-training        skip the training workload
 *   --no-torch           skip the PyTorch reference (a python3 child process)
 *   --out=DIR            where to write latest.* (default bench/results; "-" writes nothing)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BackendName } from "../ts/backend/backend";
import type { MemoryInfo } from "../ts/index";
import type { Contender, Runner } from "./contenders/contender";
import { jsLoop } from "./contenders/js_loop";
import { setupTfjs, tfjsContender, tfjsTensorCount, tfjsVersion } from "./contenders/tfjs";
import { timeRoundRobin, type TimingSettings } from "./lib/harness";
import { machine } from "./lib/machine";
import { caseBlock, markdown, summary, trainingTable } from "./lib/report";
import type { CaseResult, ContenderResult, MoreLossResult, PytorchResult, Results, TrainingResult } from "./lib/results";
import { relativeError } from "./lib/stats";
import { chart } from "./lib/svg";
import { PYTORCH_SAMPLES_PER_SEC, checkTargets } from "./lib/targets";
import { crossEntropyProblems } from "./workloads/cross_entropy";
import { elementwiseProblems } from "./workloads/elementwise";
import { LOSS_NAMES, caseId, traffic, type Case, type Mode, type Problem } from "./workloads/problem";

const here = path.dirname(fileURLToPath(import.meta.url));

function parseOptions(argv: string[]) {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const known = ["--quick", "--no-training", "--no-torch", "--only=", "--contenders=", "--out="];
  for (const a of argv) {
    if (!known.some((k) => (k.endsWith("=") ? a.startsWith(k) : a === k))) {
      throw new Error(`bench: unknown option ${a}; see the header of bench/run.ts`);
    }
  }
  return {
    quick: argv.includes("--quick"),
    training: !argv.includes("--no-training"),
    torch: !argv.includes("--no-torch"),
    only: new RegExp(value("only") ?? ""),
    contenders: value("contenders")?.split(",") ?? null,
    // A smoke test must not overwrite the published figures.
    out: value("out") ?? (argv.includes("--quick") ? path.join(os.tmpdir(), "neurenix-bench-quick") : path.join(here, "results")),
  };
}

const FULL: TimingSettings = { warmupMs: 150, sampleMs: 25, rounds: 9, minRounds: 5, budgetMs: 1500 };
const QUICK: TimingSettings = { warmupMs: 30, sampleMs: 5, rounds: 3, minRounds: 3, budgetMs: 150 };
const FULL_TRAINING: TimingSettings = { warmupMs: 1500, sampleMs: 400, rounds: 7, minRounds: 5, budgetMs: 4000 };
const QUICK_TRAINING: TimingSettings = { warmupMs: 300, sampleMs: 150, rounds: 3, minRounds: 3, budgetMs: 600 };

function* problems(): Generator<Problem> {
  yield* elementwiseProblems(["mse", "l1"]);
  yield* crossEntropyProblems();
  yield* elementwiseProblems(["bce"]);
}

function contenderResult(c: Case, k: Contender, runner: Runner, t: Awaited<ReturnType<typeof timeRoundRobin>>[number]): ContenderResult {
  const { read, write } = traffic(c.problem, c.mode);
  const bytes = runner.bytes ?? read + write;
  const isSweep = runner.bytes !== undefined;
  return {
    key: k.key,
    label: k.label,
    seconds: t.seconds,
    spread: t.spread,
    samples: t.samples,
    reps: t.reps,
    nsPerElement: (t.seconds / c.problem.size) * 1e9,
    speedup: NaN,
    bytes,
    gbps: bytes / t.seconds / 1e9,
    ofSweep: null,
    value: isSweep ? null : t.value,
    relError: isSweep ? null : relativeError(t.value, c.problem.reference),
    otherThreads: t.otherThreads,
    steal: t.steal,
  };
}

/** Ratios that need the whole row: × loop, and % of the matching sweep. */
function addRatios(r: CaseResult): void {
  const loop = r.contenders.find((x) => x.key === "loop");
  // MSE/L1: the bandwidth sweeps; cross entropy: its exp limit (bench/contenders/sweep.ts).
  const sweepKey = r.loss === "ce" ? "sweep-exp" : r.mode === "fwd" ? "sweep-read" : "sweep-rw";
  const sweep = r.contenders.find((x) => x.key === sweepKey);
  for (const x of r.contenders) {
    x.speedup = loop === undefined ? NaN : loop.seconds / x.seconds;
    if (sweep !== undefined && !x.key.startsWith("sweep")) x.ofSweep = x.gbps / sweep.gbps;
  }
}

/** --quick leaves out tfjs cpu above this many elements: seconds per call there. */
const QUICK_TFJS_CPU_MAX = 1e6;

/** What the memory manager did between two nx.memory() readings. */
function memoryDuring(before: MemoryInfo, after: MemoryInfo): NonNullable<CaseResult["memory"]> {
  return {
    reclaims: after.reclaims - before.reclaims,
    bytesMovedOut: after.bytesMovedOut - before.bytesMovedOut,
    bytesMovedIn: after.bytesMovedIn - before.bytesMovedIn,
    wasmBytes: after.wasmBytes,
  };
}

async function runCase(c: Case, contenders: Contender[], settings: TimingSettings, quick: boolean): Promise<CaseResult> {
  const active = contenders.filter((k) => k.supports(c) && !(quick && k.key === "tfjs-cpu" && c.problem.size > QUICK_TFJS_CPU_MAX));
  const tensorsBefore = tfjsTensorCount();
  // Imported here, not at the top: contenders/setup.ts times the first load of the kernels.
  const nx = await import("../ts/index");
  const memoryBefore = nx.memory();
  const runners: Runner[] = [];
  for (const k of active) runners.push(await k.prepare(c));
  const timings = await timeRoundRobin(runners, settings);
  for (const r of runners) r.dispose();
  const memory = memoryDuring(memoryBefore, nx.memory());
  // A reclaim copies tensors out of the heap while contenders run: say so next to the timings it may have slowed.
  if (memory.reclaims > 0) {
    console.log(
      `memory during ${c.id}: ${memory.reclaims} reclaims, ${(memory.bytesMovedOut / 1e6).toFixed(1)} MB moved out, ` +
        `${(memory.bytesMovedIn / 1e6).toFixed(1)} MB back in, wasm memory ${(memory.wasmBytes / 1e6).toFixed(0)} MB`,
    );
  }
  if (tfjsTensorCount() !== tensorsBefore) {
    console.warn(`warning: ${c.id} left ${tfjsTensorCount() - tensorsBefore} tfjs tensors behind`);
  }
  const { read, write } = traffic(c.problem, c.mode);
  const result: CaseResult = {
    id: c.id,
    loss: c.problem.loss,
    lossName: LOSS_NAMES[c.problem.loss],
    label: c.problem.label,
    mode: c.mode,
    shape: c.problem.shape,
    size: c.problem.size,
    read,
    write,
    reference: c.problem.reference,
    contenders: active.map((k, i) => contenderResult(c, k, runners[i], timings[i])),
    memory,
  };
  addRatios(result);
  return result;
}

async function runTraining(keys: (key: string) => boolean, quick: boolean): Promise<Results["training"]> {
  const { BATCH, neurenixTraining, tfjsTraining } = await import("./workloads/training");
  const runners = [];
  for (const name of ["wasm-simd", "js"] as BackendName[]) {
    if (keys(name === "js" ? "nx-js-api" : "nx-wasm-api")) runners.push(neurenixTraining(name));
  }
  for (const backend of ["wasm", "cpu"] as const) if (keys(`tfjs-${backend}`)) runners.push(await tfjsTraining(backend));
  const timings = await timeRoundRobin(runners, quick ? QUICK_TRAINING : FULL_TRAINING);
  for (const r of runners) r.dispose();
  const results: TrainingResult[] = runners.map((r, i) => ({
    key: r.key,
    label: r.label,
    samplesPerSec: BATCH / timings[i].seconds,
    secondsPerStep: timings[i].seconds,
    spread: timings[i].spread,
    samples: timings[i].samples,
    reps: timings[i].reps,
  }));
  return { batch: BATCH, results, pytorch: [] };
}

function runPytorch(quick: boolean): { torch: string; results: PytorchResult[] } | null {
  const script = path.join(here, "pytorch_train.py");
  const run = spawnSync("/usr/bin/python3", [script, quick ? "0.8" : "2"], { encoding: "utf8", timeout: 120_000 });
  if (run.status !== 0) {
    console.log(`PyTorch reference skipped (${(run.stderr || run.error?.message || "no python3/torch").trim().split("\n").pop()})`);
    return null;
  }
  return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

/** Issue 9's losses: the JS loop, then the API on wasm-simd and js, round robin. */
async function runMoreLosses(only: RegExp, settings: TimingSettings): Promise<MoreLossResult[]> {
  const { moreLossCases } = await import("./workloads/more_losses");
  const out: MoreLossResult[] = [];
  for (const c of moreLossCases()) {
    if (!only.test(c.id)) continue;
    const api = (["wasm-simd", "js"] as BackendName[]).map((b) => c.api(b));
    const [loop, wasm, js] = await timeRoundRobin([{ run: c.loop }, ...api], settings);
    for (const r of api) r.dispose();
    const result: MoreLossResult = {
      id: c.id,
      target: c.target,
      seconds: { loop: loop.seconds, "nx-wasm-api": wasm.seconds, "nx-js-api": js.seconds },
      speedup: loop.seconds / wasm.seconds,
      relError: relativeError(wasm.value, loop.value),
    };
    const met = c.target === null ? "" : result.speedup >= c.target ? ` (target ${c.target}× met)` : ` (target ${c.target}× NOT met)`;
    console.log(
      `${c.id.padEnd(34)} loop ${(loop.seconds * 1e6).toFixed(1).padStart(8)} µs  wasm-simd API ${(wasm.seconds * 1e6).toFixed(1).padStart(8)} µs` +
        `  js API ${(js.seconds * 1e6).toFixed(1).padStart(8)} µs  ${result.speedup.toFixed(2)}× the loop${met}  rel.err ${result.relError.toExponential(1)}`,
    );
    out.push(result);
  }
  return out;
}

/** A CTC workload (issue 9's, or the long one) through the API against PyTorch's CPU ctc_loss (a python3 child). */
async function runCtc(which: "issue9" | "long", only: RegExp, settings: TimingSettings, torch: boolean): Promise<Results["ctc"]> {
  const { ctcRunner, CTC_SHAPES } = await import("./workloads/ctc");
  const shape = CTC_SHAPES[which];
  const name = `T=${shape.T}, N=${shape.N}, C=${shape.C}, S=${shape.S}`;
  if (!only.test(`ctc ${name.replaceAll(",", "")} fwdBwd`)) return undefined;
  const runners = (["wasm-simd", "js"] as BackendName[]).map((b) => ctcRunner(b, shape));
  const [wasm, js] = await timeRoundRobin(runners, settings);
  for (const r of runners) r.dispose();
  let pytorch: { threads: number; seconds: number }[] = [];
  if (torch) {
    const args = [path.join(here, "pytorch_ctc.py"), "2", ...[shape.T, shape.N, shape.C, shape.S].map(String)];
    const run = spawnSync("/usr/bin/python3", args, { encoding: "utf8", timeout: 300_000 });
    if (run.status === 0) pytorch = JSON.parse(run.stdout.trim().split("\n").pop()!).results;
    else console.log(`PyTorch ctc_loss skipped (${(run.stderr || "no python3/torch").trim().split("\n").pop()})`);
  }
  const best = pytorch.length > 0 ? Math.min(...pytorch.map((p) => p.seconds)) : NaN;
  const line = (label: string, s: number) =>
    `${label.padEnd(44)} ${(s * 1e3).toFixed(2).padStart(7)} ms  ${Number.isNaN(best) ? "" : `${(best / s).toFixed(2)}× PyTorch's best`}`;
  console.log(`\nCTC (${name}), mean, forward + backward`);
  console.log(line("neurenix wasm-simd (API)", wasm.seconds));
  console.log(line("neurenix js (API)", js.seconds));
  for (const p of pytorch) console.log(line(`PyTorch CPU ctc_loss, ${p.threads} thread(s) (separate process)`, p.seconds));
  return { shape, seconds: { "nx-wasm-api": wasm.seconds, "nx-js-api": js.seconds }, pytorch, speedupVsPytorch: best / wasm.seconds };
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const started = Date.now();
  const settings = opts.quick ? QUICK : FULL;
  const m = machine();
  const wanted = (key: string) => opts.contenders === null || opts.contenders.includes(key);
  console.log(`neurenix bench${opts.quick ? " (quick)" : ""}: ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.kernels} kernels, tfjs ${tfjsVersion}, load ${m.loadAverage[0].toFixed(2)}`);

  const setup: Results["setup"] = [];
  const tf = await setupTfjs();
  setup.push({ what: "tfjs cpu backend init", seconds: tf.cpu }, { what: "tfjs wasm backend init (fetch + compile + instantiate)", seconds: tf.wasm });

  const contenders: Contender[] = [jsLoop];
  const nxKeys = ["nx-wasm-api", "nx-wasm-kernel", "nx-js-api", "nx-js-kernel", "nx-wasm-gradnull", "nx-wasm-zerograd", "nx-wasm-tidy", "sweep-read", "sweep-rw", "sweep-exp"];
  if (nxKeys.some(wanted)) {
    setup.push(...(await import("./contenders/setup")).neurenixSetup());
    const nx = await import("./contenders/neurenix");
    contenders.push(nx.apiContender("wasm-simd"), nx.kernelContender("wasm-simd"), nx.apiContender("js"), nx.kernelContender("js"));
    contenders.push(nx.userLoopContender("gradnull"), nx.userLoopContender("zerograd"), nx.userLoopContender("tidy"));
    const sweeps = await import("./contenders/sweep");
    contenders.push(sweeps.readSweep, sweeps.readWriteSweep, sweeps.expLimit);
  }
  contenders.push(tfjsContender("wasm"), tfjsContender("cpu"));
  const selected = contenders.filter((k) => wanted(k.key));
  for (const s of setup) console.log(`setup: ${s.what}: ${(s.seconds * 1e3).toFixed(2)} ms`);

  const cases: CaseResult[] = [];
  for (const problem of problems()) {
    for (const mode of ["fwd", "fwdBwd"] as Mode[]) {
      const c: Case = { problem, mode, id: caseId(problem, mode) };
      if (!opts.only.test(c.id)) continue;
      const result = await runCase(c, selected, settings, opts.quick);
      console.log(caseBlock(result));
      cases.push(result);
    }
  }

  const moreLosses = await runMoreLosses(opts.only, settings);
  const ctc = await runCtc("issue9", opts.only, settings, opts.torch);
  const ctcLong = await runCtc("long", opts.only, settings, opts.torch);

  let training: Results["training"] = { batch: 64, results: [], pytorch: [] };
  let torchVersion: string | null = null;
  if (opts.training) {
    console.log("\ntraining throughput…");
    training = await runTraining(wanted, opts.quick);
    if (opts.torch) {
      const torch = runPytorch(opts.quick);
      if (torch !== null) [torchVersion, training.pytorch] = [torch.torch, torch.results];
    }
    console.log(trainingTable(training, false));
  }

  m.loadAverage.push(os.loadavg()[0]);
  const results: Results = {
    date: new Date().toISOString(),
    quick: opts.quick,
    machine: m,
    versions: { tfjs: tfjsVersion, torch: torchVersion },
    settings: { ...settings, training: opts.quick ? QUICK_TRAINING : FULL_TRAINING, only: String(opts.only), contenders: opts.contenders },
    setup,
    cases,
    training,
    targets: [],
    moreLosses,
    ctc,
    ctcLong,
    run: { seconds: (Date.now() - started) / 1e3, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) },
  };
  results.targets = checkTargets(results);
  console.log(summary(results));

  if (opts.out !== "-") {
    mkdirSync(opts.out, { recursive: true });
    writeFileSync(path.join(opts.out, "latest.json"), JSON.stringify(results, null, 1) + "\n");
    writeFileSync(path.join(opts.out, "latest.md"), markdown(results));
    writeFileSync(path.join(opts.out, "latest.svg"), chart(results, PYTORCH_SAMPLES_PER_SEC));
    console.log(`\nwrote ${path.relative(process.cwd(), opts.out)}/latest.{json,md,svg}`);
  }
  console.log(`total ${results.run.seconds.toFixed(0)} s, peak RSS ${results.run.peakRssMiB} MiB`);
}

try {
  await main();
} catch (e) {
  // tfjs-backend-wasm's Emscripten glue rethrows uncaught errors with its whole minified source: print ours plainly.
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
}
