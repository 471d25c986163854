/**
 * The built bundle in Deno (the binary from the npm package `deno`):
 * test/platforms/deno_check.ts imports dist/neurenix.js and runs the checks;
 * `deno check` of a file importing the bundle by path finds its types through
 * the bundle's `// @ts-self-types` banner; `npm:neurenix` runs and type-checks
 * from a node_modules holding the packed tarball.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { expect, it } from "vitest";
import type { CheckReport } from "./checks";
import { BUNDLE, OUTPUT, ROOT, expectReport, installPacked, lastJsonLine, requireBundle, run } from "./helpers";

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
  expectReport(lastJsonLine<CheckReport>(r), "wasm-simd", ["wasm-simd", "js"], "relaxed-simd");
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

it("runs and type-checks `npm:neurenix` from a node_modules with the packed package", async () => {
  requireDeno();
  const dir = join(OUTPUT, "deno-npm");
  await installPacked(dir);
  const file = join(dir, "main.ts");
  // README's Deno example, with a typed result.
  writeFileSync(
    file,
    `import * as nx from "npm:neurenix";
const loss: nx.Tensor = new nx.L1Loss()(nx.ones([3]), nx.zeros([3]));
console.log(JSON.stringify({ loss: loss.item(), backend: nx.backend() }));
`,
  );
  // No network, no permissions: node_modules is all it may use.
  const flags = ["--no-config", "--node-modules-dir=manual", "--no-remote"];
  const env = { ...process.env, NO_COLOR: "1" };
  const checked = await run(DENO, ["check", ...flags, file], env);
  expect(checked.code, `${checked.stdout}\n${checked.stderr}`).toBe(0);
  expect(lastJsonLine(await run(DENO, ["run", ...flags, file], env))).toEqual({ loss: 1, backend: "wasm-simd" });
});
