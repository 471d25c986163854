/**
 * The packed package in CommonJS: `npm pack`'s tarball unpacked into a
 * consumer's node_modules, then required by a plain .cjs script and imported
 * by a TypeScript project compiled with `module: commonjs` (tsc emits
 * `require("neurenix")`). Both compute a loss and its gradient, compared
 * with known values. Runs under the Node that runs the tests.
 */
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HERE, OUTPUT, ROOT, installPacked, lastJsonLine, requireBundle, run } from "./helpers";

const CONSUMER = join(OUTPUT, "commonjs-consumer");
const TSC = join(ROOT, "node_modules/typescript/bin/tsc");

interface LossReport {
  backend: string;
  loss: number;
  expectedLoss: number;
}

async function runOk(command: string, args: string[]) {
  const r = await run(command, args);
  expect(r.code, `${command} ${args.join(" ")}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  return r;
}

describe("the packed package in CommonJS", () => {
  beforeAll(async () => {
    requireBundle();
    await installPacked(CONSUMER);
    // A CommonJS package: its .js files (tsc's output) are scripts, not ES modules.
    writeFileSync(join(CONSUMER, "package.json"), JSON.stringify({ name: "commonjs-consumer", private: true, type: "commonjs" }));
  });

  it("works with require('neurenix') in a .cjs script", async () => {
    cpSync(join(HERE, "commonjs_check.cjs"), join(CONSUMER, "check.cjs"));
    const r = await runOk(process.execPath, [join(CONSUMER, "check.cjs"), join(HERE, "expected.json")]);
    const report = lastJsonLine<LossReport & { grad: number[]; expectedGrad: number[] }>(r);
    expect(report.backend).toBe("wasm-simd");
    expect(report.loss).toBeCloseTo(report.expectedLoss, 5);
    expect(report.grad).toHaveLength(report.expectedGrad.length);
    report.grad.forEach((g, i) => expect(g, `grad[${i}]`).toBeCloseTo(report.expectedGrad[i], 5));
  });

  it("compiles (tsc, module: commonjs) and runs in a TypeScript project", async () => {
    for (const file of ["index.ts", "tsconfig.json"]) cpSync(join(HERE, "commonjs_ts", file), join(CONSUMER, file));
    await runOk(process.execPath, [TSC, "-p", CONSUMER]);
    const r = await runOk(process.execPath, [join(CONSUMER, "out/index.js")]);
    const report = lastJsonLine<LossReport & { gradMin: number; gradMax: number; expectedGrad: number }>(r);
    expect(report.backend).toBe("wasm-simd");
    expect(report.loss).toBeCloseTo(report.expectedLoss, 5);
    expect(report.gradMin).toBeCloseTo(report.expectedGrad, 8);
    expect(report.gradMax).toBeCloseTo(report.expectedGrad, 8);
  });
});
