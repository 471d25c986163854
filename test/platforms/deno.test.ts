/**
 * The built bundle in Deno (the binary from the npm package `deno`):
 * test/platforms/deno_check.ts imports dist/neurenix.js and runs the checks;
 * `deno check` of a file importing the bundle by path finds its types through
 * the bundle's `// @ts-self-types` banner.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import type { CheckReport } from "./checks";
import { BUNDLE, OUTPUT, ROOT, expectReport, lastJsonLine, requireBundle, run } from "./helpers";

const DENO = join(ROOT, "node_modules/.bin/deno");

function requireDeno(): void {
  requireBundle();
  if (!existsSync(DENO)) throw new Error("node_modules/.bin/deno is missing: run `npm ci` (devDependency `deno`)");
}

it("passes the checks in Deno on wasm-simd and js", async () => {
  requireDeno();
  const version = await run(DENO, ["--version"]);
  expect(version.stdout, version.stderr).toMatch(/^deno \d+/);
  // Read-only, no network, no npm resolution from package.json: the bundle needs none of it.
  const r = await run(DENO, ["run", "--no-config", "--no-npm", "--no-remote", `--allow-read=${ROOT}`, "test/platforms/deno_check.ts"], {
    ...process.env,
    NO_COLOR: "1",
  });
  expectReport(lastJsonLine<CheckReport>(r), "wasm-simd", ["wasm-simd", "js"]);
});

it("type-checks a file importing the bundle by relative path (deno check)", async () => {
  requireDeno();
  mkdirSync(OUTPUT, { recursive: true });
  const file = join(OUTPUT, "deno_consumer.ts");
  const specifier = relative(OUTPUT, BUNDLE).split("\\").join("/"); // "../../../dist/neurenix.js"
  // Without the types, the call of a loss instance fails (TS2349) and the
  // expect-error directive goes unused (TS2578): both would fail this check.
  writeFileSync(
    file,
    `import * as nx from "${specifier}";
const criterion = new nx.CrossEntropyLoss({ labelSmoothing: 0.1 });
const logits = nx.randn([3, 5], { requiresGrad: true });
const loss: nx.Tensor = criterion(logits, new nx.Tensor([0, 1, 2]));
loss.backward();
const grad: nx.Tensor | null = logits.grad;
// @ts-expect-error the types know the reductions
new nx.MSELoss({ reduction: "avg" });
console.log(loss.item(), grad?.shape);
`,
  );
  const r = await run(DENO, ["check", "--no-config", "--no-npm", "--no-remote", file], { ...process.env, NO_COLOR: "1" });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
});
