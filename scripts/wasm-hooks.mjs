// Node module hooks: `import init from "./x.wasm"` yields the same function as
// @rollup/plugin-wasm's sync mode (the bundle and vitest use the plugin), so
// examples and benchmarks run the TypeScript sources directly under tsx:
// init() → WebAssembly.Module, init(imports) → WebAssembly.Instance.
export async function load(url, context, nextLoad) {
  if (!url.endsWith(".wasm")) return nextLoad(url, context);
  const source = `
import { readFileSync } from "node:fs";
const bytes = readFileSync(new URL(${JSON.stringify(url)}));
export default function (imports) {
  const module = new WebAssembly.Module(bytes);
  return imports ? new WebAssembly.Instance(module, imports) : module;
}`;
  return { format: "module", source, shortCircuit: true };
}
