/**
 * `npm run bench:builds`: the exp-bound workloads (cross entropy and
 * BCE-with-logits, forward + gradient) on each build of the wasm kernels
 * (ts/wasm/loader.ts), one child process per build running bench/run.ts:
 *   relaxed-simd  this Node's own choice on Node ≥ 22; Node 20 gets
 *                 --experimental-wasm-relaxed-simd;
 *   simd128       relaxed SIMD hidden from the loader (scripts/hide-relaxed-simd.ts).
 * Writes bench/results/builds.{json,md}: × the plain JS loop and × tfjs-wasm
 * for the public API in the zeroGrad-style synchronous loop, per build, and
 * what the relaxed build gains in time per element. The two runs are
 * sequential: each × column is against the JS loop of its own process.
 *
 * Options: --quick (short rounds), --only=REGEX (default: the cross-entropy
 * and BCE-with-logits forward+gradient cases).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Results } from "./lib/results";
import { find } from "./lib/results";

const root = fileURLToPath(new URL("..", import.meta.url));
const argv = process.argv.slice(2);
for (const a of argv) {
  if (a !== "--quick" && !a.startsWith("--only=")) throw new Error(`bench:builds: unknown option ${a}; see the header of bench/builds.ts`);
}
const only = argv.find((a) => a.startsWith("--only="))?.slice(7) ?? "^(ce|bce) .*fwdBwd$";
const quick = argv.includes("--quick");
const node20 = Number(process.versions.node.split(".")[0]) < 22;
const CONTENDERS = ["loop", "nx-wasm-api", "nx-wasm-zerograd", "tfjs-wasm"];

type Build = "relaxed-simd" | "simd128";

function runBuild(build: Build): Results {
  const out = mkdtempSync(path.join(os.tmpdir(), `neurenix-bench-${build}-`));
  const args = [
    ...(build === "relaxed-simd" && node20 ? ["--experimental-wasm-relaxed-simd"] : []),
    "--import", "tsx", "--import", "./scripts/register-wasm.mjs",
    ...(build === "simd128" ? ["--import", "./scripts/hide-relaxed-simd.ts"] : []),
    "bench/run.ts", `--only=${only}`, `--contenders=${CONTENDERS.join(",")}`, "--no-training", "--no-torch", `--out=${out}`,
    ...(quick ? ["--quick"] : []),
  ];
  console.log(`\n== ${build}: node ${args.join(" ")}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`bench:builds: the ${build} run failed (exit ${r.status})`);
  const results = JSON.parse(readFileSync(path.join(out, "latest.json"), "utf8")) as Results;
  if (results.machine.kernels !== build) throw new Error(`bench:builds: asked for ${build}, measured ${results.machine.kernels}`);
  return results;
}

const runs = { "relaxed-simd": runBuild("relaxed-simd"), simd128: runBuild("simd128") };
const rows: string[] = [];
const json: Record<string, unknown>[] = [];
for (const c of runs.simd128.cases) {
  const relaxedCase = runs["relaxed-simd"].cases.find((x) => x.id === c.id);
  if (relaxedCase === undefined) continue;
  const ratios = (cr: typeof c) => {
    const zerograd = find(cr, "nx-wasm-zerograd");
    const tfjs = find(cr, "tfjs-wasm");
    return {
      nsPerElement: zerograd?.nsPerElement ?? NaN,
      xLoop: zerograd?.speedup ?? NaN,
      xTfjsWasm: zerograd !== undefined && tfjs !== undefined ? tfjs.seconds / zerograd.seconds : NaN,
    };
  };
  const [s, x] = [ratios(c), ratios(relaxedCase)];
  // The gain is in time per element (the same workload on one machine); each × column is against
  // the JS loop timed in its own process.
  json.push({ id: c.id, simd128: s, relaxedSimd: x, gain: s.nsPerElement / x.nsPerElement });
  const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : "–");
  rows.push(
    `| ${c.lossName} ${c.label} | ${f(s.nsPerElement, 2)} | ${f(s.xLoop)}× | ${f(s.xTfjsWasm)}× | ${f(x.nsPerElement, 2)} | ${f(x.xLoop)}× | ${f(x.xTfjsWasm)}× | ${f(s.nsPerElement / x.nsPerElement, 2)}× |`,
  );
}

const m = runs.simd128.machine;
const loads = [runs.simd128, runs["relaxed-simd"]].map((r) => r.machine.loadAverage.map((l) => l.toFixed(2)).join(" → ")).join("; ");
const md = `## Kernel builds: SIMD128 and relaxed SIMD

Measured ${runs.simd128.date} with \`npm run bench:builds${quick ? " -- --quick" : ""}\` on ${m.cpu}, ${m.cores} cores (load ${loads}), Node ${m.node}, neurenix ${m.neurenix} (${m.commit}).
Forward + gradient through the public API in the zeroGrad-style synchronous loop (\`opt.zeroGrad(); crit(x, y).backward()\`),
against the plain JS loop and TensorFlow.js's wasm backend measured in the same process; one process per build, run one after the other.

| workload | SIMD128 ns/element | × JS loop | × tfjs-wasm | relaxed ns/element | × JS loop | × tfjs-wasm | relaxed gain (time) |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows.join("\n")}
`;
console.log(`\n${md}`);
if (!quick) {
  mkdirSync(path.join(root, "bench/results"), { recursive: true });
  writeFileSync(path.join(root, "bench/results/builds.json"), JSON.stringify({ date: runs.simd128.date, machine: m, loads, cases: json }, null, 1) + "\n");
  writeFileSync(path.join(root, "bench/results/builds.md"), md);
  console.log("wrote bench/results/builds.{json,md}");
}
