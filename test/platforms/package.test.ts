/**
 * What ships: the bundle is one self-contained ES module that runs anywhere
 * (no imports, no Node built-ins — the one Node path, the kernels' native
 * inflate, is found through `globalThis.process?.getBuiltinModule` and
 * optional —, no top-level await, both builds of the kernels inlined
 * deflated and instantiated synchronously), its
 * types work for a consumer importing "neurenix", its size stays within
 * budget, and `npm pack` ships only the bundle, the types, README and LICENSE.
 */
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync, inflateRawSync } from "node:zlib";
import { parseAst } from "rollup/parseAst";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";
import { OUTPUT, ROOT, TYPES, requireBundle, run } from "./helpers";

const WASM = join(ROOT, "ts/wasm/neurenix_kernels.wasm");
const WASM_RELAXED = join(ROOT, "ts/wasm/neurenix_kernels_relaxed.wasm");

/**
 * Budgets, bytes, with ~20% headroom over what was measured on 2026-11-30
 * 22:10 UTC: kernels 197 KB (SIMD128) and 199 KB (relaxed SIMD) — they grew
 * from 145 KB that day with the fast paths that met issue 11's targets
 * (element-wise common-case loops, cross entropy's plain and blocked rows)
 * and the last fused losses (MultiLabelMargin, triplet for every p); the
 * bundle 374 KB raw and 168 KB gzipped, both builds inlined deflated
 * (base64 of deflated bytes does not compress further, so each build costs
 * its deflated size, ≈ 58 KB, over the wire); types 130 KB, most of it the
 * doc comments and examples editors show on hover.
 */
const BUDGET = { wasm: 240_000, wasmRelaxed: 240_000, bundle: 450_000, bundleGzip: 200_000, types: 160_000 };

interface Node {
  type: string;
  [key: string]: unknown;
}

/** Where a node sits: its enclosing functions' names and how its parent holds it. */
interface Place {
  functions: string[];
  parent: Node | null;
  key: string;
}

/** Calls `visit` for every node of an ESTree. */
function walk(node: Node, visit: (node: Node, at: Place) => void, at: Place = { functions: [], parent: null, key: "" }): void {
  visit(node, at);
  const isFunction = /Function/.test(node.type);
  const name = isFunction ? ((node.id as { name?: string } | null)?.name ?? "(anonymous)") : "";
  const functions = isFunction ? [...at.functions, name] : at.functions;
  for (const [key, value] of Object.entries(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child !== null && typeof child === "object" && typeof (child as Node).type === "string") {
        walk(child as Node, visit, { functions, parent: node, key });
      }
    }
  }
}

/** An identifier that names a variable (not `o.name` or `{ name: … }`). */
function isReference(node: Node, { parent, key }: Place): boolean {
  if (node.type !== "Identifier" || parent === null) return node.type === "Identifier";
  if (parent.type === "MemberExpression" && key === "property" && !parent.computed) return false;
  if (/^(Property|MethodDefinition|PropertyDefinition)$/.test(parent.type) && key === "key" && !parent.computed) return false;
  return true;
}

describe("the published bundle", () => {
  let code = "";
  beforeAll(() => {
    code = readFileSync(requireBundle(), "utf8");
  });

  it("is self-contained and free of Node built-ins and top-level await", () => {
    const problems: string[] = [];
    walk(parseAst(code) as unknown as Node, (node, at) => {
      const where = `at ${node.start as number}`;
      const topLevel = at.functions.length === 0;
      if (node.type === "ImportDeclaration" || node.type === "ImportExpression") problems.push(`import ${where}`);
      if (/^Export(All|Named)Declaration$/.test(node.type) && node.source) problems.push(`re-export from a module ${where}`);
      if (node.type === "AwaitExpression" && topLevel) problems.push(`top-level await ${where}`);
      if (node.type === "ForOfStatement" && node.await && topLevel) problems.push(`top-level for await ${where}`);
      if (node.type === "Literal" && typeof node.value === "string" && /^node:/.test(node.value)) problems.push(`"${node.value}" ${where}`);
      if (isReference(node, at)) {
        const name = node.name as string;
        if (["require", "__dirname", "__filename", "fetch"].includes(name)) problems.push(`${name} ${where}`);
        if (["process", "Buffer"].includes(name)) problems.push(`${name} ${where}`);
      }
    });
    expect(problems).toEqual([]);
  });

  it("inlines both builds of the kernels, deflated, byte for byte", () => {
    // scripts/wasm-inline-plugin.mjs: `const packed = "<base64 of deflate-raw>"` per module (renamed packed$1 …).
    const packed: string[] = [];
    walk(parseAst(code) as unknown as Node, (node) => {
      const id = node.id as Node | undefined;
      const init = node.init as Node | undefined;
      if (node.type === "VariableDeclarator" && id?.type === "Identifier" && /^packed/.test(id.name as string) && init?.type === "Literal") {
        packed.push(init.value as string);
      }
    });
    const inlined = packed.map((b64) => inflateRawSync(Buffer.from(b64, "base64")));
    const want = [readFileSync(WASM), readFileSync(WASM_RELAXED)];
    expect(inlined.length, "two inlined modules").toBe(2);
    for (const w of want) {
      expect(inlined.some((m) => m.equals(w)), "the bundle's modules differ from ts/wasm/*.wasm: rebuild").toBe(true);
    }
  });

  it("stays within its size budget (raw and gzipped)", () => {
    const sizes = {
      wasm: readFileSync(WASM).length,
      wasmRelaxed: readFileSync(WASM_RELAXED).length,
      bundle: Buffer.byteLength(code),
      bundleGzip: gzipSync(code, { level: 9 }).length,
      types: readFileSync(TYPES).length,
    };
    mkdirSync(OUTPUT, { recursive: true });
    writeFileSync(join(OUTPUT, "size.json"), JSON.stringify(sizes, null, 2) + "\n");
    console.log(
      `sizes: dist/neurenix.js ${(sizes.bundle / 1024).toFixed(1)} KiB raw, ${(sizes.bundleGzip / 1024).toFixed(1)} KiB gzipped; ` +
        `kernels .wasm ${(sizes.wasm / 1024).toFixed(1)} KiB (relaxed ${(sizes.wasmRelaxed / 1024).toFixed(1)} KiB); dist/neurenix.d.ts ${(sizes.types / 1024).toFixed(1)} KiB`,
    );
    for (const key of Object.keys(BUDGET) as (keyof typeof BUDGET)[]) {
      expect(sizes[key], `${key}: ${sizes[key]} bytes, budget ${BUDGET[key]}`).toBeLessThanOrEqual(BUDGET[key]);
    }
  });

  it("has types that a consumer importing 'neurenix' compiles against", () => {
    const types = readFileSync(TYPES, "utf8");
    expect(types).not.toMatch(/^\s*import\s/m);
    // Inside the package, "neurenix" resolves to itself through "exports" → "types".
    mkdirSync(OUTPUT, { recursive: true });
    const file = join(OUTPUT, "consumer.ts");
    writeFileSync(
      file,
      `import * as nx from "neurenix";
const which: "wasm-simd" | "js" = nx.backend();
nx.setBackend(which);
nx.manualSeed(0);
const input = nx.randn([3, 5], { requiresGrad: true });
const loss: nx.Tensor = new nx.CrossEntropyLoss({ labelSmoothing: 0.1 })(input, new nx.Tensor([0, 1, 2]));
loss.backward();
const grad: nx.Tensor | null = input.grad;
class CustomLoss extends nx.nn.Loss {
  forward(a: nx.Tensor, b: nx.Tensor): nx.Tensor { return a.sub(b).pow(2).mean(); }
}
const model = new nx.Sequential(new nx.Linear(784, 128), new nx.ReLU(), new nx.Linear(128, 10));
const opt = new nx.optim.Adam(model.parameters(), { lr: 1e-3 });
opt.zeroGrad();
const out: nx.Tensor = model(nx.zeros([2, 784]));
const loader = new nx.data.DataLoader(new nx.data.TensorDataset(nx.zeros([4, 784]), nx.zeros([4])), { batchSize: 2 });
for (const [x, y] of loader) new CustomLoss()(x, y);
// @ts-expect-error the types know the reductions
new nx.MSELoss({ reduction: "avg" });
export { grad, out };
`,
    );
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      types: [],
      lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
    const resolved = program.getSourceFiles().map((f) => f.fileName);
    expect(resolved).toContain(TYPES);
  });

  it("packs only the bundle, its types, README and LICENSE", async () => {
    const r = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
    expect(r.code, r.stderr).toBe(0);
    const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
    const files = pack.files.map((f) => f.path).sort();
    expect(files).toEqual(["LICENSE", "README.md", "dist/neurenix.d.ts", "dist/neurenix.js", "package.json"]);
  });
});
