/**
 * Bundlers need no configuration: Vite and esbuild bundle a module that
 * imports "neurenix" (resolved through package.json "exports" from inside the
 * package) with their defaults for the browser, and the output computes a
 * loss and its gradient when run. No .wasm file, plugin or top-level await.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build as esbuild } from "esbuild";
import { build as vite } from "vite";
import { beforeAll, expect, it } from "vitest";
import { OUTPUT, requireBundle, run } from "./helpers";

const DIR = join(OUTPUT, "bundlers");
const ENTRY = join(DIR, "entry.js");

beforeAll(() => {
  requireBundle();
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(
    ENTRY,
    `import * as nx from "neurenix";
const x = new nx.Tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
const loss = new nx.MSELoss()(x, nx.zeros([2, 3]));
loss.backward();
console.log(JSON.stringify({ backend: nx.backend(), loss: loss.item(), grad: Array.from(x.grad.data) }));
`,
  );
});

/** Runs a bundle in Node and checks its loss: mean(x²) = 91/6, gradient 2x/6. */
async function expectRuns(file: string) {
  const r = await run(process.execPath, [file]);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout.trim()) as { backend: string; loss: number; grad: number[] };
  expect(out.backend).toBe("wasm-simd");
  expect(out.loss).toBeCloseTo(91 / 6, 5);
  out.grad.forEach((g, i) => expect(g).toBeCloseTo((2 * (i + 1)) / 6, 6));
}

it("esbuild bundles it for the browser with no options beyond --bundle", async () => {
  const outfile = join(DIR, "esbuild.mjs");
  const result = await esbuild({ entryPoints: [ENTRY], bundle: true, format: "esm", platform: "browser", outfile, logLevel: "silent" });
  expect(result.errors).toEqual([]);
  expect(result.warnings).toEqual([]);
  await expectRuns(outfile);
});

it("Vite builds it with its defaults (library mode)", async () => {
  const outDir = join(DIR, "vite");
  await vite({
    configFile: false,
    logLevel: "silent",
    root: DIR,
    build: { outDir, emptyOutDir: true, lib: { entry: ENTRY, formats: ["es"], fileName: "bundle" } },
  });
  await expectRuns(join(outDir, "bundle.js"));
});
