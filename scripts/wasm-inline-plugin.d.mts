/** Types of scripts/wasm-inline-plugin.mjs for the TypeScript configs that import it. */
import type { Plugin } from "rollup";

export default function wasmInline(): Plugin;
