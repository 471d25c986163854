/**
 * `.wasm` imports as scripts/wasm-inline-plugin.mjs produces them (the
 * bundle and vitest) and scripts/wasm-hooks.mjs (tsx): a function returning
 * the module's bytes, inflated from the bundle on each call.
 */
declare module "*.wasm" {
  function bytes(): Uint8Array<ArrayBuffer>;
  export default bytes;
}
