/**
 * The differential fuzzer's engine: case `index` of seed `seed` is drawn
 * from its own PRNG (so any case replays alone), run through the public API
 * on each backend (forward, then backward with a random upstream gradient
 * for "none"), and compared with the float64 reference (reference/).
 *
 * Tolerance: |actual − expected| ≤ rtol·max(|expected|, magnitude) for the
 * output and every gradient (see reference/types.ts for the magnitude),
 * rtol = 1e-5, and 1e-6 for the "mean"/"sum" of a long row (≥ 1e4 terms).
 * NaN must meet NaN and ±∞ the same infinity. Below float32's normal range
 * (≈ 1.2e-38) nothing is relative any more: differences under TINY pass.
 */
import * as nx from "../../ts/index";
import type { BackendName } from "../../ts/backend/backend";
import { mulberry32 } from "../helpers/prng";
import { withBackend } from "../helpers/backends";
import { normals, sizeClass } from "./generate";
import { REFERENCES, referenceFor } from "./reference/index";
import { expected, type Expected } from "./reference/reduction";
import type { FuzzCase, Plain } from "./reference/types";

export const RTOL = 1e-5;
export const RTOL_LONG_MEAN = 1e-6;
export const LONG_ROW = 1e4;
export const TINY = 2 ** -120;

/** A 32-bit seed for case `index` of run `seed`. */
function caseSeed(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.imul(h, 0x27d4eb2d) >>> 0;
}

/** Case `index` of seed `seed`: losses in turn, everything else random. */
export function caseAt(seed: number, index: number, losses = REFERENCES): FuzzCase {
  const rng = mulberry32(caseSeed(seed, index));
  const ref = losses[index % losses.length];
  const size = sizeClass(rng);
  const drawn = ref.generate(rng, size);
  const c: FuzzCase = { ...drawn, upstream: null, size };
  if ((c.options.reduction ?? "mean") === "none") {
    const n = ref.elements(c).losses.length;
    c.upstream = normals(rng, n, 1);
  }
  return c;
}

const tensor = (p: Plain, requiresGrad = false) => new nx.Tensor(p.data, { shape: p.shape, requiresGrad });

function isPlain(v: unknown): v is Plain {
  return typeof v === "object" && v !== null && Array.isArray((v as Plain).shape);
}

export interface Actual {
  output: number[];
  outputShape: number[];
  input: number[] | null;
  target: number[] | null;
  extra: (number[] | null)[];
}

/** Runs a case through the public API on `backend`. */
export function runCase(c: FuzzCase, backend: BackendName): Actual {
  return withBackend(backend, () =>
    nx.tidy(() => {
      const input = tensor(c.input, true);
      const target = tensor(c.target, c.targetGrad);
      const extra = (c.extra ?? []).map((p, k) => (c.extraArrays?.[k] ? p.data : tensor(p, c.extraGrad?.[k] ?? false)));
      const options = Object.fromEntries(Object.entries(c.options).map(([k, v]) => [k, isPlain(v) ? tensor(v) : v]));
      const Loss = (nx as unknown as Record<string, new (o: unknown) => (...args: (nx.Tensor | number[])[]) => nx.Tensor>)[c.loss];
      const out = new Loss(options)(input, target, ...extra);
      if (c.upstream !== null) out.backward(new nx.Tensor(c.upstream, { shape: out.shape }));
      else out.backward();
      // Leaf gradients outlive nx.tidy (as in training): free them here.
      const copy = (t: nx.Tensor | number[]) => {
        if (Array.isArray(t)) return null;
        const g = t.grad;
        if (g === null) return null;
        const values = Array.from(g.data);
        g.dispose();
        return values;
      };
      return {
        output: Array.from(out.data),
        outputShape: [...out.shape],
        input: copy(input),
        target: copy(target),
        extra: extra.map(copy),
      };
    }),
  );
}

export interface Check {
  problems: string[];
  /** Largest |a − e| / max(|e|, magnitude) per compared quantity ("output", "input.grad", "target.grad", "arg3.grad", …). */
  worst: Record<string, number>;
}

function compare(
  label: string,
  actual: number[] | null,
  want: number[] | null,
  mags: number[] | null,
  rtol: number,
  check: Check,
): void {
  if (want === null) return;
  if (actual === null) {
    check.problems.push(`${label}: no gradient, expected ${want.length} values`);
    return;
  }
  if (actual.length !== want.length) {
    check.problems.push(`${label}: ${actual.length} values, expected ${want.length}`);
    return;
  }
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const a = actual[i];
    const e = want[i];
    let ok: boolean;
    if (Number.isNaN(e) || Number.isNaN(a) || !Number.isFinite(e) || !Number.isFinite(a)) {
      ok = Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || a === e;
    } else {
      const r = Math.abs(a - e) / (Math.max(Math.abs(e), mags![i]) || 1);
      ok = r <= rtol || Math.abs(a - e) <= TINY;
      if (r > (check.worst[label] ?? 0) && Math.abs(a - e) > TINY) check.worst[label] = r;
    }
    if (!ok && bad++ < 3) {
      check.problems.push(`${label}[${i}]: got ${a}, expected ${e} (magnitude ${mags?.[i]}, rtol ${rtol})`);
    }
  }
  if (bad > 3) check.problems.push(`${label}: … ${bad} values off in all`);
}

/** Compares one backend's run of `c` with the reference. */
export function checkCase(c: FuzzCase, backend: BackendName, want: Expected = expected(referenceFor(c.loss), c)): Check {
  const check: Check = { problems: [], worst: {} };
  let got: Actual;
  try {
    got = runCase(c, backend);
  } catch (e) {
    check.problems.push(`threw ${(e as Error).name}: ${(e as Error).message}`);
    return check;
  }
  const reduction = c.options.reduction ?? "mean";
  const rtolOut = reduction !== "none" && c.longRow >= LONG_ROW ? RTOL_LONG_MEAN : RTOL;
  if (JSON.stringify(got.outputShape) !== JSON.stringify(want.outputShape)) {
    check.problems.push(`output shape [${got.outputShape}], expected [${want.outputShape}]`);
  }
  compare("output", got.output, want.output, want.outputMagnitudes, rtolOut, check);
  compare("input.grad", got.input, want.input, want.inputMagnitudes, RTOL, check);
  compare("target.grad", got.target, want.target, want.targetMagnitudes, RTOL, check);
  want.extra.forEach((g, k) => compare(`arg${k + 3}.grad`, got.extra[k] ?? null, g, want.extraMagnitudes[k], RTOL, check));
  return check;
}

/** A test body reproducing `c` (data inlined), to paste into a test file. */
export function reproSnippet(c: FuzzCase, seed: number, index: number): string {
  const opts = Object.entries(c.options)
    .map(([k, v]) => `${k}: ${isPlain(v) ? `new nx.Tensor(${JSON.stringify(v.data)}, { shape: ${JSON.stringify(v.shape)} })` : JSON.stringify(v)}`)
    .join(", ");
  const extra = (c.extra ?? []).map((p, k) =>
    c.extraArrays?.[k]
      ? `const arg${k + 3} = ${JSON.stringify(p.data)};`
      : `const arg${k + 3} = new nx.Tensor(${JSON.stringify(p.data)}, { shape: ${JSON.stringify(p.shape)}, requiresGrad: ${c.extraGrad?.[k] ?? false} });`,
  );
  const args = ["input", "target", ...extra.map((_, k) => `arg${k + 3}`)].join(", ");
  const backward = c.upstream === null ? "out.backward();" : `out.backward(new nx.Tensor(${JSON.stringify(c.upstream)}, { shape: out.shape }));`;
  return [
    `// npm run fuzz -- --seed ${seed} --case ${index}`,
    `const input = new nx.Tensor(${JSON.stringify(c.input.data)}, { shape: ${JSON.stringify(c.input.shape)}, requiresGrad: true });`,
    `const target = new nx.Tensor(${JSON.stringify(c.target.data)}, { shape: ${JSON.stringify(c.target.shape)}, requiresGrad: ${c.targetGrad} });`,
    ...extra,
    `const out = new nx.${c.loss}({ ${opts} })(${args});`,
    backward,
  ].join("\n");
}
