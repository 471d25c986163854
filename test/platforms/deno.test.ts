/**
 * The built bundle in Deno (the binary from the npm package `deno`):
 * test/platforms/deno_check.ts imports dist/neurenix.js and runs the checks.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { CheckReport } from "./checks";
import { ROOT, expectReport, lastJsonLine, requireBundle, run } from "./helpers";

const DENO = join(ROOT, "node_modules/.bin/deno");

it("passes the checks in Deno on wasm-simd and js", async () => {
  requireBundle();
  if (!existsSync(DENO)) throw new Error("node_modules/.bin/deno is missing: run `npm ci` (devDependency `deno`)");
  const version = await run(DENO, ["--version"]);
  expect(version.stdout, version.stderr).toMatch(/^deno \d+/);
  // Read-only, no network, no npm resolution from package.json: the bundle needs none of it.
  const r = await run(DENO, ["run", "--no-config", "--no-npm", "--no-remote", `--allow-read=${ROOT}`, "test/platforms/deno_check.ts"], {
    ...process.env,
    NO_COLOR: "1",
  });
  expectReport(lastJsonLine<CheckReport>(r), "wasm-simd", ["wasm-simd", "js"]);
});
