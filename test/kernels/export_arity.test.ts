/**
 * Every kernel export against its TypeScript declaration (KernelExports in
 * ts/wasm/loader.ts): the same names both ways, the same number of
 * parameters, the same wasm type for each (Ptr and I32 → i32, F32 → f32,
 * F64 → f64) and the same result. So a missing, extra or swapped argument
 * of different type in crates/wasm/src/exports.rs, or a stale declaration,
 * fails here instead of passing silently (wasm calls coerce or drop
 * arguments without an error). The types come from the module's own type,
 * function and export sections, read below.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";

type ValType = "i32" | "i64" | "f32" | "f64" | "v128";
interface Signature {
  params: ValType[];
  results: ValType[];
}

const VALTYPES: Record<number, ValType> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128" };

/** The signature of every exported function of a wasm binary. */
function wasmExports(bytes: Uint8Array): Map<string, Signature> {
  let pos = 8; // magic + version
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[pos++];
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  };
  const name = (): string => {
    const len = u32();
    const s = new TextDecoder().decode(bytes.subarray(pos, pos + len));
    pos += len;
    return s;
  };
  const valtypes = (): ValType[] => Array.from({ length: u32() }, () => VALTYPES[bytes[pos++]]);
  const limits = () => {
    const flags = bytes[pos++];
    u32();
    if (flags & 1) u32();
  };
  const types: Signature[] = [];
  const funcTypes: number[] = []; // type index of each function, imports first
  const exports = new Map<string, Signature>();
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 1) {
      for (let n = u32(); n > 0; n--) {
        expect(bytes[pos++]).toBe(0x60);
        types.push({ params: valtypes(), results: valtypes() });
      }
    } else if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name();
        name();
        const kind = bytes[pos++];
        if (kind === 0) funcTypes.push(u32());
        else if (kind === 1) (pos++, limits());
        else if (kind === 2) limits();
        else pos += 2; // global: valtype, mutability
      }
    } else if (id === 3) {
      for (let n = u32(); n > 0; n--) funcTypes.push(u32());
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const exportName = name();
        const kind = bytes[pos++];
        const index = u32();
        if (kind === 0) exports.set(exportName, types[funcTypes[index]]);
      }
    }
    pos = end;
  }
  return exports;
}

const ALIASES: Record<string, ValType> = { Ptr: "i32", I32: "i32", F32: "f32", F64: "f64" };

/** The methods of `interface KernelExports` in loader.ts, with their declared wasm types. */
function declaredExports(source: string): Map<string, Signature & { names: string[] }> {
  const start = source.indexOf("export interface KernelExports {");
  const end = source.indexOf("\n}", start);
  expect(start, "KernelExports not found in loader.ts").toBeGreaterThan(0);
  const body = source
    .slice(start, end)
    .replace(/\/\*[^]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "");
  const out = new Map<string, Signature & { names: string[] }>();
  for (const m of body.matchAll(/^\s*(\w+)\(([^)]*)\):\s*(\w+);/gm)) {
    const [, fn, paramList, result] = m;
    const params = paramList.split(",").map((p) => p.trim()).filter((p) => p !== "");
    const names = params.map((p) => p.split(":")[0].trim());
    const types = params.map((p) => {
      const alias = p.split(":")[1]?.trim() ?? "";
      expect(ALIASES[alias], `${fn}: parameter "${p}" must be typed Ptr, I32, F32 or F64`).toBeDefined();
      return ALIASES[alias];
    });
    if (result !== "void") expect(ALIASES[result], `${fn}: result ${result} must be F32, F64 or void`).toBeDefined();
    out.set(fn, { params: types, results: result === "void" ? [] : [ALIASES[result]], names });
  }
  return out;
}

describe("kernel exports match their TypeScript declarations", () => {
  const wasm = wasmExports(new Uint8Array(readFileSync(new URL("../../ts/wasm/neurenix_kernels.wasm", import.meta.url))));
  const declared = declaredExports(readFileSync(new URL("../../ts/wasm/loader.ts", import.meta.url), "utf8"));

  test("the same functions are exported and declared", () => {
    expect([...declared.keys()].sort()).toEqual([...wasm.keys()].sort());
    expect(declared.size).toBeGreaterThan(20);
  });

  test.each([...declared.keys()])("%s: arity, parameter types and result", (fn) => {
    const d = declared.get(fn)!;
    const w = wasm.get(fn);
    expect(w, `${fn} is not exported by the module`).toBeDefined();
    expect(d.params.length, `${fn}: arity (${d.names.join(", ")})`).toBe(w!.params.length);
    d.params.forEach((t, i) => expect(t, `${fn}: parameter ${i} (${d.names[i]})`).toBe(w!.params[i]));
    expect(d.results).toEqual(w!.results);
  });

  test("the parser itself: a known signature", () => {
    expect(wasm.get("elementwise_loss_fwd_bwd")).toEqual({
      params: ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "f32", "f32", "f32", "i32", "i32", "i32", "f32"],
      results: ["f64"],
    });
  });
});
