/**
 * Runs the platform checks in Deno against the built bundle and prints the
 * report as JSON on the last line (test/platforms/deno.test.ts runs it):
 *
 *   node_modules/.bin/deno run --allow-read=. test/platforms/deno_check.ts
 */
import type * as NX from "../../ts/index";
import type * as Checks from "./checks";

declare const Deno: { readTextFile(path: URL): Promise<string> };

// URLs built at run time: Deno wants file extensions that tsc (checking the
// sources) would reject, and the bundle may not be built when tsc runs.
const here = (path: string) => new URL(path, import.meta.url);
const nx = (await import(here("../../dist/neurenix.js").href)) as typeof NX;
const { runChecks } = (await import(here("./checks.ts").href)) as typeof Checks;
const expected = JSON.parse(await Deno.readTextFile(here("./expected.json"))) as Checks.Expected;
console.log(JSON.stringify(runChecks(nx, expected)));
