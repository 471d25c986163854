/**
 * The published bundle: dist/neurenix.js (one ESM file, both builds of the
 * kernels inlined deflated, scripts/wasm-inline-plugin.mjs) and
 * dist/neurenix.d.ts (all types in one file).
 *
 * The loader (ts/wasm/loader.ts) inflates and compiles the build the engine
 * runs synchronously while the bundle is evaluated: no init call, no
 * top-level await, no fetch path or copy step for users.
 *
 * TypeScript is only transpiled here; `npm run typecheck` checks the types.
 */
import typescript from "@rollup/plugin-typescript";
import wasmInline from "./scripts/wasm-inline-plugin.mjs";
import { dts } from "rollup-plugin-dts";

const input = "ts/index.ts";

// The first line tells Deno where the bundle's types are (without it, `deno check`
// of an import by path or URL types every export as `any` or worse); the second
// keeps the license with the code through minifiers.
const banner = [
  '// @ts-self-types="./neurenix.d.ts"',
  "/*! neurenix — MIT License — https://github.com/neurenix/neurenix */",
].join("\n");

export default [
  {
    input,
    output: { file: "dist/neurenix.js", format: "es", banner, sourcemap: false },
    // The bundle has no dependencies: fail the build if anything stays external.
    external: () => false,
    plugins: [
      wasmInline(),
      typescript({
        tsconfig: false,
        include: ["ts/**/*.ts"],
        noForceEmit: true,
        compilerOptions: {
          target: "ES2022",
          module: "ESNext",
          moduleResolution: "Bundler",
          lib: ["ES2022", "ESNext.Disposable", "DOM"],
          types: [],
          strict: true,
          isolatedModules: true,
          declaration: false,
          sourceMap: false,
          noEmitOnError: false,
          noCheck: true,
          removeComments: true,
        },
      }),
    ],
    onwarn(warning, warn) {
      // These mean a broken bundle: stop instead of shipping it.
      if (["UNRESOLVED_IMPORT", "MISSING_EXPORT", "EVAL", "PLUGIN_WARNING"].includes(warning.code ?? "")) {
        throw new Error(`rollup: ${warning.message}`);
      }
      // tensor.ts and ts/ops import each other on purpose (methods ↔ ops); the cycle is safe.
      if (warning.code === "CIRCULAR_DEPENDENCY") return;
      warn(warning);
    },
  },
  {
    input,
    // Tensor has [Symbol.dispose] (`using`): consumers compiling against an
    // older lib get Symbol.dispose's type from this directive (TypeScript ≥ 5.2).
    output: { file: "dist/neurenix.d.ts", format: "es", banner: '/// <reference lib="esnext.disposable" />' },
    // Members marked @internal (library plumbing) are left out of the public types.
    plugins: [dts({ tsconfig: "tsconfig.json", compilerOptions: { noEmit: false, stripInternal: true } })],
  },
];
