/**
 * Runs the platform checks in a plain Node process (no loader hooks) against
 * the package as users import it: "neurenix" resolves through package.json
 * "exports" to dist/neurenix.js. Prints the report as JSON on the last line.
 * Needs test/platforms/output/checks.js (written by the tests from checks.ts).
 *
 *   node test/platforms/node_check.mjs
 *   node --import ./test/platforms/no_simd.mjs test/platforms/node_check.mjs
 */
import { readFileSync } from "node:fs";
import * as nx from "neurenix";
import { runChecks } from "./output/checks.js";

const expected = JSON.parse(readFileSync(new URL("./expected.json", import.meta.url), "utf8"));
const report = runChecks(nx, expected);
console.log(JSON.stringify({ ...report, noSimdPreload: globalThis.__neurenixNoSimd === true }));
