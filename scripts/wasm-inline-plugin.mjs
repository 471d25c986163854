/**
 * Rollup/Vite plugin (rollup.config.mjs, vitest.config.ts): `import bytes
 * from "./x.wasm"` gives `bytes(): Uint8Array`, the module's bytes, inlined
 * into the importing bundle deflated (zlib level 9) and base64-encoded, and
 * inflated only when called: by the runtime's zlib where it has one
 * synchronously (ts/wasm/native_inflate.ts: Node), else by ts/wasm/inflate.ts.
 * The loader compiles the one module the engine will run.
 *
 * Why not @rollup/plugin-wasm: it inlines raw base64 only, and the package
 * ships two builds of the kernels (SIMD128 and relaxed SIMD, scripts/build-wasm.sh);
 * deflated, both take ≈ 116 KB of the bundle instead of ≈ 393 KB.
 * Under tsx, scripts/wasm-hooks.mjs gives the same function over the file.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const inflate = fileURLToPath(new URL("../ts/wasm/inflate.ts", import.meta.url));
const base64 = fileURLToPath(new URL("../ts/wasm/base64.ts", import.meta.url));
const native = fileURLToPath(new URL("../ts/wasm/native_inflate.ts", import.meta.url));

export default function wasmInline() {
  return {
    name: "neurenix-wasm-inline",
    load(id) {
      const file = id.split("?")[0];
      if (!file.endsWith(".wasm")) return null;
      const raw = readFileSync(file);
      const packed = deflateRawSync(raw, { level: 9 }).toString("base64");
      return [
        `import { inflateRaw } from ${JSON.stringify(inflate)};`,
        `import { decodeBase64 } from ${JSON.stringify(base64)};`,
        `import { nativeInflateBase64 } from ${JSON.stringify(native)};`,
        `const packed = ${JSON.stringify(packed)};`,
        "export default function bytes() {",
        // The runtime's zlib where it has one synchronously (Node), else the JS inflate.
        `  const fast = nativeInflateBase64(packed);`,
        `  return fast !== null && fast.length === ${raw.length} ? fast : inflateRaw(decodeBase64(packed), ${raw.length});`,
        "}",
      ].join("\n");
    },
  };
}
