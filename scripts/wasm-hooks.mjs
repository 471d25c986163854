// Node module hooks: `import bytes from "./x.wasm"` yields the same function
// as scripts/wasm-inline-plugin.mjs gives the bundle and vitest — bytes() →
// the module's bytes — so examples and benchmarks run the TypeScript sources
// directly under tsx (read from the file here, nothing to inflate).
export async function load(url, context, nextLoad) {
  if (!url.endsWith(".wasm")) return nextLoad(url, context);
  const source = `
import { readFileSync } from "node:fs";
export default function bytes() {
  return new Uint8Array(readFileSync(new URL(${JSON.stringify(url)})));
}`;
  return { format: "module", source, shortCircuit: true };
}
