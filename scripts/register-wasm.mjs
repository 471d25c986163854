// `node --import ./scripts/register-wasm.mjs …` (or tsx --import …): see wasm-hooks.mjs.
import { register } from "node:module";
register("./wasm-hooks.mjs", import.meta.url);
