/**
 * Makes a JS engine behave like one without WebAssembly SIMD128: modules that
 * use SIMD fail to compile and WebAssembly.validate says false, as they do
 * there. A preload for Node (node --import; Node 20 has no flag for this any
 * more, --no-experimental-wasm-simd is gone) and an init script for Chromium
 * pages (plain script: no imports or exports).
 *
 * "Uses SIMD" is over-approximated from the raw sections: a v128 byte (0x7b)
 * in the type section or the SIMD opcode prefix (0xfd) in the code section.
 * Rejecting an innocent module too would only make the fallback test stricter.
 */
const real = {
  validate: WebAssembly.validate,
  compile: WebAssembly.compile,
  instantiate: WebAssembly.instantiate,
  Module: WebAssembly.Module,
};

function bytesOf(source) {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return null;
}

function usesSimd(source) {
  const b = bytesOf(source);
  if (b === null) return false;
  let p = 8; // magic + version
  while (p < b.length) {
    const id = b[p++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = b[p++];
      size += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) break;
    }
    const section = b.subarray(p, p + size);
    if (id === 1 && section.includes(0x7b)) return true;
    if (id === 10 && section.includes(0xfd)) return true;
    p += size;
  }
  return false;
}

const refuse = () => new WebAssembly.CompileError("WebAssembly SIMD128 is unavailable (test/platforms/no_simd.mjs)");

WebAssembly.validate = (source) => !usesSimd(source) && real.validate(source);
WebAssembly.compile = async (source) => {
  if (usesSimd(source)) throw refuse();
  return real.compile(source);
};
WebAssembly.instantiate = async (source, imports) => {
  if (!(source instanceof real.Module) && usesSimd(source)) throw refuse();
  return real.instantiate(source, imports);
};
WebAssembly.Module = new Proxy(real.Module, {
  construct(target, args, newTarget) {
    if (usesSimd(args[0])) throw refuse();
    return Reflect.construct(target, args, newTarget);
  },
});
globalThis.__neurenixNoSimd = true;
