/**
 * Issue 10: under a Content-Security-Policy without 'wasm-unsafe-eval' the
 * engine refuses every WebAssembly compilation. The loader remembers the
 * engine's message, and setBackend("wasm-simd")'s error repeats it instead
 * of blaming SIMD128 (select.ts also warns once, naming it).
 */
import { expect, test } from "vitest";
import { kernelLoadFailure, loadKernels } from "../../ts/wasm/loader";
import { unavailableMessage } from "../../ts/backend/select";

const CSP =
  "WebAssembly.Module(): Refused to compile or instantiate WebAssembly module because 'unsafe-eval' is not an allowed " +
  "source of script in the following Content Security Policy directive: \"script-src 'self'\"";

test("a compilation refused by the engine is remembered with the engine's message", () => {
  const memory = new WebAssembly.Memory({ initial: 17 });
  const refuse = () => {
    throw new WebAssembly.CompileError(CSP);
  };
  expect(loadKernels(memory, { instantiate: refuse })).toBeNull();
  const cause = kernelLoadFailure()!;
  expect(cause).toContain("refused to compile the kernels: CompileError: ");
  expect(cause).toContain("Content Security Policy");
  const message = unavailableMessage(cause);
  expect(message).toContain("Content Security Policy");
  expect(message).not.toMatch(/SIMD128/);
});

test("EvalError (other engines' CSP refusal) too; other errors are not swallowed", () => {
  const memory = new WebAssembly.Memory({ initial: 17 });
  expect(loadKernels(memory, { instantiate: () => { throw new EvalError("call to WebAssembly.Module() blocked by CSP"); } })).toBeNull();
  expect(kernelLoadFailure()).toContain("EvalError: call to WebAssembly.Module() blocked by CSP");
  expect(() => loadKernels(memory, { instantiate: () => { throw new TypeError("a bug"); } })).toThrow("a bug");
});

test("a successful load leaves no failure", () => {
  // The default instantiate is the real module; a fresh memory as the heap's.
  const memory = new WebAssembly.Memory({ initial: 17 });
  expect(loadKernels(memory)).not.toBeNull();
  expect(kernelLoadFailure()).toBeNull();
});
