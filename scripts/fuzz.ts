/**
 * The differential fuzzer, as long as asked (the fast slice runs in `npm
 * test`, test/fuzz/fuzz.test.ts):
 *
 *   npm run fuzz -- --cases 100000 --seed 7      # cases 0…99999 of seed 7
 *   npm run fuzz -- --seed 7 --case 4242         # replay one case, print its repro
 *   npm run fuzz -- --loss CrossEntropyLoss      # only this loss (the case numbering changes)
 *
 * Every case runs on both backends against the float64 reference
 * (test/fuzz/reference/). Prints progress every few seconds, each failure
 * with its seed and case index, the inputs as a pasteable test (or a JSON
 * file under fuzz-failures/ when they are large), and at the end what was
 * covered and the worst error seen per loss and backend. Exits 1 on failure.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { BACKENDS } from "../test/helpers/backends";
import { caseAt, checkCase, LONG_ROW, reproSnippet, RTOL, RTOL_LONG_MEAN } from "../test/fuzz/run";
import { REFERENCES, referenceFor } from "../test/fuzz/reference/index";
import { expected } from "../test/fuzz/reference/reduction";
import type { FuzzCase } from "../test/fuzz/reference/types";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = Number(arg("seed") ?? 1);
const only = arg("case");
const cases = Number(arg("cases") ?? 1000);
const lossName = arg("loss");
const losses = lossName === undefined ? REFERENCES : [referenceFor(lossName)];
if (!Number.isInteger(seed) || !Number.isInteger(cases) || cases < 0) {
  console.error("usage: npm run fuzz -- [--cases N] [--seed S] [--case I] [--loss Name]");
  process.exit(2);
}

/** What a case covered, as counted keys. */
function tags(c: FuzzCase): string[] {
  const out = [`size ${c.size}`, `reduction ${c.options.reduction ?? "mean"}`];
  for (const k of Object.keys(c.options)) if (k !== "reduction") out.push(`option ${k}`);
  if (c.loss === "NLLLoss") out.push(`input ndim ${c.input.shape.length}`);
  if (c.loss === "GaussianNLLLoss") out.push(`var shape ${c.extra![0].shape.length === c.input.shape.length ? (c.extra![0].shape.at(-1) === c.input.shape.at(-1) ? "full" : "last 1") : "last dropped"}`);
  if (c.loss === "CrossEntropyLoss") {
    out.push(c.target.shape.length === c.input.shape.length ? "probability targets" : "class-index targets");
    out.push(`input ndim ${c.input.shape.length}`);
    if (c.input.shape[c.input.shape.length === 1 ? 0 : 1] === 1) out.push("C = 1");
  }
  if (c.loss === "CTCLoss") {
    out.push(c.input.shape.length === 2 ? "unbatched" : c.target.shape.length === 2 ? "padded targets" : "concatenated targets");
    if (c.extraArrays?.[0]) out.push("lengths as arrays");
    const tl = c.extra![1].data;
    if (tl.some((l) => l === 0)) out.push("a target of length 0");
  }
  if (c.loss === "TripletMarginLoss") out.push(`p ${c.options.p ?? 2}`);
  if (c.input.data.length === 0) out.push("size 0");
  if (c.longRow >= LONG_ROW) out.push("row ≥ 1e4");
  if (c.targetGrad) out.push("target gradient");
  (c.extraGrad ?? []).forEach((g, k) => g && out.push(`argument ${k + 3} gradient`));
  return out;
}

function report(c: FuzzCase, index: number, backend: string, problems: string[]): void {
  console.log(`\nFAIL seed ${seed} case ${index}: ${c.loss} on ${backend}, input [${c.input.shape}], target [${c.target.shape}]`);
  for (const p of problems) console.log(`  ${p}`);
  if (c.input.data.length + c.target.data.length <= 400) {
    console.log(reproSnippet(c, seed, index));
  } else {
    mkdirSync("fuzz-failures", { recursive: true });
    const file = `fuzz-failures/seed-${seed}-case-${index}${lossName === undefined ? "" : `-${lossName}`}.json`;
    writeFileSync(file, JSON.stringify(c));
    console.log(`  inputs: ${file} (a FuzzCase: checkCase(JSON.parse(...), "${backend}") in test/fuzz/run.ts)`);
  }
}

const start = performance.now();
let failures = 0;
let done = 0;
let elements = 0;
const counts = new Map<string, Map<string, number>>();
const worst = new Map<string, number>();
const worstCase = new Map<string, number>();
let lastPrint = start;
const indices = only !== undefined ? [Number(only)] : Array.from({ length: cases }, (_, i) => i);

for (const index of indices) {
  const c = caseAt(seed, index, losses);
  const want = expected(referenceFor(c.loss), c);
  for (const backend of BACKENDS) {
    const check = checkCase(c, backend, want);
    const reduced = (c.options.reduction ?? "mean") !== "none" ? " (mean/sum)" : " (none)";
    for (const [what, w] of Object.entries(check.worst)) {
      const key = `${c.loss} ${backend} ${what}${what === "output" ? reduced : ""}`;
      if (w > (worst.get(key) ?? 0)) {
        worst.set(key, w);
        worstCase.set(key, index);
      }
    }
    if (check.problems.length > 0) {
      failures++;
      report(c, index, backend, check.problems);
    }
  }
  if (only !== undefined && failures === 0) console.log(reproSnippet(c, seed, index));
  done++;
  elements += c.input.data.length;
  const byLoss = counts.get(c.loss) ?? new Map<string, number>();
  counts.set(c.loss, byLoss);
  for (const t of ["cases", ...tags(c)]) byLoss.set(t, (byLoss.get(t) ?? 0) + 1);
  const now = performance.now();
  if (now - lastPrint > 5000) {
    lastPrint = now;
    const s = (now - start) / 1000;
    console.log(`${done.toLocaleString("en")}/${indices.length.toLocaleString("en")} cases, ${failures} failures, ${s.toFixed(0)} s`);
  }
}

const seconds = (performance.now() - start) / 1000;
console.log(
  `\n${done.toLocaleString("en")} cases of seed ${seed} on ${BACKENDS.join(" and ")} in ${seconds.toFixed(1)} s ` +
    `(${elements.toLocaleString("en")} input elements): ${failures} failures`,
);
for (const [loss, byLoss] of counts) {
  const parts = [...byLoss].map(([k, v]) => `${k}: ${v}`).join(", ");
  console.log(`  ${loss}: ${parts}`);
}
console.log(`worst |actual − expected| / max(|expected|, magnitude) (tolerance ${RTOL}; ${RTOL_LONG_MEAN} for mean/sum of rows ≥ 1e4):`);
for (const [key, w] of [...worst].sort()) console.log(`  ${key}: ${w.toExponential(2)} (case ${worstCase.get(key)})`);
process.exit(failures > 0 ? 1 : 0);
