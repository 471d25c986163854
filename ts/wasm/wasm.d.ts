/**
 * `.wasm` imports as @rollup/plugin-wasm (v6) produces them for files listed
 * in its `sync` option (rollup.config.mjs, vitest.config.ts): a function
 * that compiles the inlined bytes synchronously, returning the Module without
 * imports and an Instance with them. It throws what `new WebAssembly.Module`
 * throws (a CompileError where SIMD128 is unavailable).
 */
declare module "*.wasm" {
  function load(): WebAssembly.Module;
  function load(imports: WebAssembly.Imports): WebAssembly.Instance;
  export default load;
}
