/**
 * The built bundle in Node: imported in this process, imported as "neurenix"
 * by a plain Node process (through package.json "exports"), and in a Node
 * made to lack WebAssembly SIMD128, where the package must select the js
 * backend by itself and give the same values.
 */
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type * as NX from "../../ts/index";
import { runChecks, type CheckReport } from "./checks";
import { expectReport, expected, nodeKernelBuild, lastJsonLine, requireBundle, run, writeChecksJs } from "./helpers";

type ChildReport = CheckReport & { noSimdPreload: boolean };

describe("the built bundle in Node", () => {
  beforeAll(() => {
    requireBundle();
    writeChecksJs();
  });

  it("passes the checks on wasm-simd and js, imported in this process", async () => {
    const nx = (await import(pathToFileURL(requireBundle()).href)) as typeof NX;
    expectReport(runChecks(nx, expected()), "wasm-simd", ["wasm-simd", "js"], nodeKernelBuild());
  });

  it("passes the checks in a plain Node process importing the package by name", async () => {
    const r = await run(process.execPath, ["test/platforms/node_check.mjs"]);
    const report = lastJsonLine<ChildReport>(r);
    expect(report.noSimdPreload).toBe(false);
    expectReport(report, "wasm-simd", ["wasm-simd", "js"], nodeKernelBuild());
  });

  it("falls back to js by itself where WebAssembly SIMD128 is missing, with the same values", async () => {
    const r = await run(process.execPath, ["--import", "./test/platforms/no_simd.mjs", "test/platforms/node_check.mjs"]);
    const report = lastJsonLine<ChildReport>(r);
    expect(report.noSimdPreload).toBe(true);
    expectReport(report, "js", ["js"], null);
    // One warning naming the cause (issue 10).
    expect(r.stderr.match(/neurenix: using the js backend: this engine has no WebAssembly SIMD128/g)?.length, r.stderr).toBe(1);
  });
});
