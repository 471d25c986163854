/**
 * `npm run bench:memory`: memory and speed of the loops users really write,
 * synchronous (not one `await`, so no finalizer ever runs) and disposing
 * nothing, as issue 8 asks. Writes bench/results/memory.{json,md}.
 *
 *   README loop   the README's training loop as written (784 → 128 → 10,
 *                 CrossEntropyLoss, Adam, DataLoader, batch 64) on real MNIST
 *                 digits: 20,000 steps on wasm-simd, 1,000 on js; and the same
 *                 with each step inside nx.tidy. Peak wasm memory, RSS growth,
 *                 samples/s, held-out accuracy.
 *   grad loops    MSELoss on 1e5 elements, 20,000 calls each of
 *                 `x.grad = null; crit(x, t).backward()` (also reading x.grad
 *                 every call), `opt.zeroGrad(); …`, the first inside nx.tidy,
 *                 and disposing the loss: µs per call against a hand-written
 *                 Float32Array loop in the same process, peak wasm memory, and
 *                 whether a tensor made before the loop kept its values.
 *   fragmentation 3.4 GB of 200 KB tensors made (all held) and freed, then
 *                 800 MB of 400 KB tensors held.
 *
 * Options: --quick (fewer steps, a smoke test writing nowhere), --out=DIR.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as nx from "../ts/index";
import { heldOutAccuracy, readmeTraining } from "../examples/lib/readme_classifier";
import { machine } from "./lib/machine";
import { table } from "./lib/report";

const MB = 2 ** 20;
const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const out = process.argv.find((a) => a.startsWith("--out="))?.slice(6) ?? (quick ? "-" : path.join(here, "results"));

interface Watch {
  sample(): void;
  readonly wasmPeak: number;
  readonly rssGrowth: number;
}

/** Peak wasm memory and RSS growth, sampled every call of sample(). */
function watch(): Watch {
  const rss0 = process.memoryUsage().rss;
  let wasmPeak = 0;
  let rssPeak = rss0;
  return {
    sample() {
      wasmPeak = Math.max(wasmPeak, nx.memory().wasmBytes);
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    },
    get wasmPeak() {
      return wasmPeak;
    },
    get rssGrowth() {
      return rssPeak - rss0;
    },
  };
}

interface LoopResult {
  loop: string;
  backend: string;
  steps: number;
  samplesPerSec: number;
  wasmPeakMB: number;
  rssGrowthMB: number;
  accuracy: number;
  movedOutMB: number;
}

function readmeLoop(backend: nx.BackendName, steps: number, tidy: boolean): LoopResult {
  nx.setBackend(backend);
  const { model, criterion, optimizer, loader, test } = readmeTraining();
  const step = (inputs: nx.Tensor, targets: nx.Tensor) => {
    optimizer.zeroGrad();
    const loss = criterion(model(inputs), targets);
    loss.backward();
    optimizer.step();
  };
  const w = watch();
  const moved0 = nx.memory().bytesMovedOut;
  const t0 = performance.now();
  let done = 0;
  while (done < steps) {
    for (const [inputs, targets] of loader) {
      if (tidy) nx.tidy(() => step(inputs, targets));
      else step(inputs, targets);
      if (++done % 250 === 0) w.sample();
      if (done === steps) break;
    }
  }
  const seconds = (performance.now() - t0) / 1e3;
  w.sample();
  return {
    loop: tidy ? "README loop, each step in nx.tidy" : "README loop as written",
    backend,
    steps,
    samplesPerSec: (steps * 64) / seconds,
    wasmPeakMB: w.wasmPeak / MB,
    rssGrowthMB: w.rssGrowth / MB,
    accuracy: heldOutAccuracy(model, test),
    movedOutMB: (nx.memory().bytesMovedOut - moved0) / MB,
  };
}

interface GradLoopResult {
  loop: string;
  calls: number;
  usPerCall: number;
  vsJsLoop: number;
  wasmPeakMB: number;
  rssGrowthMB: number;
  keptIntact: boolean;
}

/** The hand-written loop of `npm run bench`: one pass, loss and gradient into a gradient array made once. */
function jsLoopUs(x: Float32Array, t: Float32Array, calls: number): number {
  const n = x.length;
  let sink = 0;
  const g = new Float32Array(n);
  const t0 = performance.now();
  for (let c = 0; c < calls; c++) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const d = x[i] - t[i];
      s += d * d;
      g[i] = (2 / n) * d;
    }
    sink += s / n + g[c % n];
  }
  if (Number.isNaN(sink)) console.log("");
  return ((performance.now() - t0) * 1e3) / calls;
}

function gradLoops(calls: number): GradLoopResult[] {
  nx.setBackend("wasm-simd");
  const n = 100_000;
  const xs = nx.randn([n], { seed: 1 }).data.slice();
  const ts = nx.randn([n], { seed: 2 }).data.slice();
  jsLoopUs(xs, ts, 200); // warm-up
  const jsUs = jsLoopUs(xs, ts, Math.min(calls, 4000));
  const crit = new nx.MSELoss();
  const loops: [string, (x: nx.Tensor, t: nx.Tensor, opt: nx.optim.SGD) => void][] = [
    ["x.grad = null; crit(x, t).backward()", (x, t) => {
      x.grad = null;
      crit(x, t).backward();
    }],
    ["… and reading x.grad each call", (x, t) => {
      x.grad = null;
      crit(x, t).backward();
      x.grad!.data[0];
    }],
    ["opt.zeroGrad(); crit(x, t).backward()", (x, t, opt) => {
      opt.zeroGrad();
      crit(x, t).backward();
    }],
    ["nx.tidy(() => { x.grad = null; crit(x, t).backward() })", (x, t) =>
      nx.tidy(() => {
        x.grad = null;
        crit(x, t).backward();
      })],
    ["x.grad?.dispose(); x.grad = null; const l = crit(x, t); l.backward(); l.dispose()", (x, t) => {
      x.grad?.dispose();
      x.grad = null;
      const l = crit(x, t);
      l.backward();
      l.dispose();
    }],
  ];
  const results: GradLoopResult[] = [];
  for (const [loop, body] of loops) {
    const kept = nx.randn([250_000], { seed: 3 });
    const keptValues = kept.data.slice();
    const x = new nx.Tensor(xs, { requiresGrad: true });
    const t = new nx.Tensor(ts);
    const opt = new nx.optim.SGD([x], { lr: 0 });
    for (let i = 0; i < 200; i++) body(x, t, opt); // warm-up
    const w = watch();
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      body(x, t, opt);
      if (i % 500 === 0) w.sample();
    }
    const us = ((performance.now() - t0) * 1e3) / calls;
    const d = kept.data;
    const keptIntact = d.every((v, i) => v === keptValues[i]);
    results.push({ loop, calls, usPerCall: us, vsJsLoop: jsUs / us, wasmPeakMB: w.wasmPeak / MB, rssGrowthMB: w.rssGrowth / MB, keptIntact });
    kept.dispose();
    x.dispose();
    t.dispose();
  }
  results.unshift({ loop: "hand-written Float32Array loop", calls: Math.min(calls, 4000), usPerCall: jsUs, vsJsLoop: 1, wasmPeakMB: NaN, rssGrowthMB: NaN, keptIntact: true });
  return results;
}

interface FragmentationResult {
  madeMB: number;
  thenHeldMB: number;
  ok: boolean;
  error: string | null;
  wasmMB: number;
  seconds: number;
}

function fragmentation(firstBytes: number, secondBytes: number): FragmentationResult {
  const t0 = performance.now();
  const first: nx.Tensor[] = [];
  for (let made = 0; made < firstBytes; made += 200_000) first.push(nx.zeros([50_000]));
  for (const t of first) t.dispose();
  first.length = 0;
  const second: nx.Tensor[] = [];
  let error: string | null = null;
  try {
    for (let made = 0; made < secondBytes; made += 400_000) second.push(nx.zeros([100_000]));
    if (!second.every((t) => t.data[99_999] === 0)) error = "a held tensor lost its values";
  } catch (e) {
    error = (e as Error).message;
  }
  const result = {
    madeMB: firstBytes / MB,
    thenHeldMB: (second.length * 400_000) / MB,
    ok: error === null,
    error,
    wasmMB: nx.memory().wasmBytes / MB,
    seconds: (performance.now() - t0) / 1e3,
  };
  for (const t of second) t.dispose();
  return result;
}

function main(): void {
  nx.configureMemory({ warnings: false });
  const m = machine();
  const started = Date.now();
  console.log(`neurenix bench:memory${quick ? " (quick)" : ""}: ${m.cpu}, Node ${m.node}`);
  const loops = [
    readmeLoop("wasm-simd", quick ? 2_000 : 20_000, false),
    readmeLoop("wasm-simd", quick ? 2_000 : 20_000, true),
    readmeLoop("js", quick ? 100 : 1_000, false),
  ];
  const f1 = (x: number) => x.toFixed(1);
  const loopTable = (md: boolean) =>
    table(
      ["loop", "backend", "steps", "samples/s", "wasm memory", "RSS growth", "held-out accuracy", "moved out in all"],
      loops.map((l) => [l.loop, l.backend, l.steps.toLocaleString("en-US"), Math.round(l.samplesPerSec).toLocaleString("en-US"), `${f1(l.wasmPeakMB)} MB`, `${f1(l.rssGrowthMB)} MB`, `${(100 * l.accuracy).toFixed(2)}%`, `${Math.round(l.movedOutMB).toLocaleString("en-US")} MB`]),
      md,
    );
  console.log(`\n${loopTable(false)}`);
  const grads = gradLoops(quick ? 2_000 : 20_000);
  const gradTable = (md: boolean) =>
    table(
      ["MSELoss n=1e5 forward+gradient, synchronous", "calls", "µs/call", "× JS loop", "wasm memory", "RSS growth", "kept tensor intact"],
      grads.map((g) => [md ? `\`${g.loop}\`` : g.loop, g.calls.toLocaleString("en-US"), f1(g.usPerCall), `${g.vsJsLoop.toFixed(2)}×`, Number.isNaN(g.wasmPeakMB) ? "" : `${f1(g.wasmPeakMB)} MB`, Number.isNaN(g.rssGrowthMB) ? "" : `${f1(g.rssGrowthMB)} MB`, g.keptIntact ? "yes" : "NO"]),
      md,
    );
  console.log(`\n${gradTable(false)}`);
  const frag = fragmentation(quick ? 340 * MB : 3.4 * 1024 * MB, quick ? 80 * MB : 800 * MB);
  const fragLine = `${Math.round(frag.madeMB).toLocaleString("en-US")} MB of 200 KB tensors made and freed, then ${Math.round(frag.thenHeldMB)} MB of 400 KB tensors held: ${frag.ok ? "ok" : `FAILED (${frag.error})`}, wasm memory ${Math.round(frag.wasmMB)} MB, ${frag.seconds.toFixed(1)} s`;
  console.log(`\n${fragLine}`);
  const seconds = (Date.now() - started) / 1e3;
  if (out !== "-") {
    mkdirSync(out, { recursive: true });
    const date = new Date().toISOString();
    writeFileSync(path.join(out, "memory.json"), JSON.stringify({ date, machine: m, loops, grads, fragmentation: frag, seconds }, null, 1) + "\n");
    writeFileSync(
      path.join(out, "memory.md"),
      `## Memory: the loops users write\n\nMeasured ${date} with \`npm run bench:memory\` (${Math.round(seconds)} s) on ${m.cpu}, ${m.cores} cores shared with other work (1-minute load average ${m.loadAverage[0].toFixed(2)} at the start), Node ${m.node}; neurenix ${m.neurenix} (${m.commit}).\nEvery loop is synchronous (no \`await\`: no finalizer runs) and disposes nothing unless it says so. "wasm memory" is the
WebAssembly memory's largest size during the loop (it never shrinks; the loops run one after another in one process),
"RSS growth" the process's largest resident size during the loop less its size before.\n\n${loopTable(true)}\n\n${gradTable(true)}\n\nFragmentation: ${fragLine}.\n`,
    );
    console.log(`wrote ${path.relative(process.cwd(), out)}/memory.{json,md}`);
  }
}

main();
