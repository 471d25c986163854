/**
 * `nx.safetensors`: the weights file format of Hugging Face and PyTorch users
 * (https://github.com/huggingface/safetensors), on Uint8Array (no Node
 * built-ins, so it works in browsers too). The API mirrors Python's
 * `safetensors.torch`:
 *
 *   const bytes = nx.safetensors.saveModel(model);     // Uint8Array, e.g. fs.writeFileSync("m.safetensors", bytes)
 *   nx.safetensors.loadModel(model, bytes);            // strict, like loadStateDict
 *   nx.safetensors.save({ name: tensor, … }, meta?)    // any tensors
 *   nx.safetensors.load(bytes)                         // → { name: Tensor }
 *
 * Layout: an 8-byte little-endian unsigned header length N, N bytes of JSON
 *   {"__metadata__": {…strings}, "name": {"dtype": "F32", "shape": […], "data_offsets": [begin, end]}, …}
 * then the raw little-endian data; offsets are relative to the end of the
 * header, and the tensors tile the data exactly.
 * The writer follows the reference implementation byte for byte: compact
 * JSON, "__metadata__" first, tensors sorted by name (all are F32), the
 * header padded with spaces to a multiple of 8 so the data stays aligned.
 * The reader checks what the reference checks (header size, JSON object,
 * dtypes, shapes against byte sizes, contiguous offsets covering the data)
 * and reads F32, F64, F16 and BF16 into float32 tensors.
 *
 * @module
 */
import { Tensor } from "../tensor";
import { describe } from "../errors";
import { sizeOf } from "../shape";
import type { LoadStateDictOptions, LoadStateDictResult, Module } from "../nn/module";

/** The reference implementation refuses larger headers. */
const MAX_HEADER_BYTES = 100_000_000;

const DTYPE_BYTES: Record<string, number> = { F32: 4, F64: 8, F16: 2, BF16: 2 };

/** Serialises tensors (float32) and optional string metadata. */
export function save(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (tensors === null || typeof tensors !== "object") {
    throw new TypeError(`safetensors.save: tensors must be an object of name → Tensor, got ${describe(tensors)}`);
  }
  const names = Object.keys(tensors).sort(byCodeUnits);
  // Built by hand: JSON.stringify would move integer-like names ("0") first.
  const parts: string[] = [];
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== "string") throw new TypeError(`safetensors.save: metadata "${k}" must be a string, got ${describe(v)}`);
    }
    parts.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const name of names) {
    const t = tensors[name];
    if (!(t instanceof Tensor)) throw new TypeError(`safetensors.save: "${name}" must be a Tensor, got ${describe(t)}`);
    if (name === "__metadata__") throw new RangeError('safetensors.save: "__metadata__" is reserved and cannot name a tensor');
    const info = { dtype: "F32", shape: t.shape, data_offsets: [offset, offset + 4 * t.size] };
    parts.push(`${JSON.stringify(name)}:${JSON.stringify(info)}`);
    offset += 4 * t.size;
  }
  const json = new TextEncoder().encode(`{${parts.join(",")}}`);
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes);
  let pos = 8 + headerBytes;
  for (const name of names) {
    const d = tensors[name].data;
    for (let i = 0; i < d.length; i++, pos += 4) view.setFloat32(pos, d[i], true);
  }
  return out;
}

/** Parses a safetensors file into float32 tensors; RangeError on a malformed file. */
export function load(bytes: Uint8Array | ArrayBuffer): Record<string, Tensor> {
  const { entries, data } = parse(bytes);
  const out: Record<string, Tensor> = {};
  for (const e of entries) {
    const t = Tensor.empty(e.shape);
    decode(data, e.begin, e.dtype, t.data);
    out[e.name] = t;
  }
  return out;
}

/** The file's "__metadata__" strings (null when it has none). */
export function metadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> | null {
  return parse(bytes).metadata;
}

/** A model's parameters (namedParameters names) as a safetensors file. */
export function saveModel(model: Module, meta?: Record<string, string>): Uint8Array {
  return save(Object.fromEntries(model.namedParameters()), meta);
}

/** Loads a safetensors file into a model's parameters, with loadStateDict's checks. */
export function loadModel(
  model: Module,
  bytes: Uint8Array | ArrayBuffer,
  opts?: LoadStateDictOptions,
): LoadStateDictResult {
  return model.loadStateDict(load(bytes), opts);
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

function parse(input: Uint8Array | ArrayBuffer): { entries: Entry[]; metadata: Record<string, string> | null; data: DataView } {
  const bytes = input instanceof ArrayBuffer ? new Uint8Array(input) : input;
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`safetensors.load: expected a Uint8Array or ArrayBuffer, got ${describe(input)}`);
  const bad = (why: string) => new RangeError(`safetensors.load: not a valid safetensors file: ${why}`);
  if (bytes.length < 8) throw bad(`${bytes.length} bytes is too short for the header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (n > MAX_HEADER_BYTES || 8 + n > bytes.length) throw bad(`header length ${n} does not fit the ${bytes.length}-byte file`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw bad(`the header is not UTF-8 JSON (${(e as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) throw bad("the header is not a JSON object");
  let meta: Record<string, string> | null = null;
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (info === null || typeof info !== "object" || Object.values(info).some((v) => typeof v !== "string")) {
        throw bad("__metadata__ must map strings to strings");
      }
      meta = info as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offs } = (info ?? {}) as Record<string, unknown>;
    if (typeof dtype !== "string") throw bad(`"${name}" has no dtype`);
    if (DTYPE_BYTES[dtype] === undefined) {
      throw new RangeError(`safetensors.load: "${name}" has dtype ${dtype}; only F32, F64, F16 and BF16 can be read (as float32)`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`"${name}" has an invalid shape`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) {
      throw bad(`"${name}" has invalid data_offsets`);
    }
    const [begin, end] = offs as number[];
    if (end - begin !== sizeOf(shape) * DTYPE_BYTES[dtype]) {
      throw bad(`"${name}" has shape [${shape.join(", ")}] (${dtype}) but ${end - begin} bytes of data`);
    }
    entries.push({ name, dtype, shape, begin, end });
  }
  // The tensors must tile the data region exactly, in offset order.
  const dataBytes = bytes.length - 8 - n;
  let at = 0;
  for (const e of [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    if (e.begin !== at) throw bad(`"${e.name}" starts at byte ${e.begin}, expected ${at} (gap or overlap)`);
    at = e.end;
  }
  if (at !== dataBytes) throw bad(`the tensors cover ${at} bytes but the file holds ${dataBytes} bytes of data`);
  return { entries, metadata: meta, data: new DataView(bytes.buffer, bytes.byteOffset + 8 + n, dataBytes) };
}

/** Reads little-endian values of `dtype` starting at `begin` into `out` (float32). */
function decode(data: DataView, begin: number, dtype: string, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) {
    switch (dtype) {
      case "F32":
        out[i] = data.getFloat32(begin + 4 * i, true);
        break;
      case "F64":
        out[i] = data.getFloat64(begin + 8 * i, true);
        break;
      case "F16":
        out[i] = halfToFloat(data.getUint16(begin + 2 * i, true));
        break;
      default: // BF16: the top 16 bits of a float32
        out[i] = bf16ToFloat(data.getUint16(begin + 2 * i, true));
    }
  }
}

const scratch = new DataView(new ArrayBuffer(4));

function bf16ToFloat(h: number): number {
  scratch.setUint32(0, h << 16);
  return scratch.getFloat32(0);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Rust sorts names by bytes; for names of ASCII characters UTF-16 order agrees. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
