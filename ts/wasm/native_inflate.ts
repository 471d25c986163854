/**
 * The runtime's own synchronous inflate, where it offers one: Node ≥ 20.16
 * and 22.3 (and runtimes compatible with them) have
 * `process.getBuiltinModule`, which gives zlib and Buffer without an import.
 * The bundle's inlined kernels (scripts/wasm-inline-plugin.mjs) are then
 * decoded natively instead of by ts/wasm/inflate.ts, whose cold start costs
 * ~10–15 ms at import. Found by a feature test on `globalThis`, so nothing
 * here needs Node: elsewhere (browsers, Deno without it) the result is null
 * and the JS inflate runs.
 */

/** What is used of `process`: only `getBuiltinModule`. */
export interface BuiltinModules {
  getBuiltinModule?: (id: string) => unknown;
}

interface Zlib {
  inflateRawSync(data: Uint8Array): Uint8Array;
}
interface BufferModule {
  Buffer: { from(text: string, encoding: "base64"): Uint8Array };
}

/**
 * The bytes base64 `text` (a raw DEFLATE stream) inflates to, by the
 * runtime's zlib; null where there is none or it fails (the caller falls
 * back to the JS inflate).
 */
export function nativeInflateBase64(
  text: string,
  runtime: BuiltinModules | undefined = (globalThis as { process?: BuiltinModules }).process,
): Uint8Array<ArrayBuffer> | null {
  const get = runtime?.getBuiltinModule;
  if (typeof get !== "function") return null;
  try {
    const zlib = get.call(runtime, "zlib") as Zlib | undefined;
    const buffer = get.call(runtime, "buffer") as BufferModule | undefined;
    if (zlib === undefined || buffer === undefined) return null;
    // A copy into an ArrayBuffer of its own: Node's result may be a view of a shared pool.
    return new Uint8Array(zlib.inflateRawSync(buffer.Buffer.from(text, "base64")));
  } catch {
    return null;
  }
}
