/**
 * safetensors: round trips, files written by Python (test/golden/
 * gen_training_parity.py), byte-for-byte agreement with the reference
 * implementation's layout, and malformed files.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";

const golden = (name: string) => new Uint8Array(readFileSync(new URL(`../golden/${name}`, import.meta.url)));
interface Expected {
  shape: number[];
  values: number[];
}
const expected = JSON.parse(readFileSync(new URL("../golden/safetensors.json", import.meta.url), "utf8")) as {
  model: Record<string, Expected>;
  model_metadata: Record<string, string>;
  mixed: Record<string, Expected>;
};

const headerOf = (bytes: Uint8Array) => {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return { n, text: new TextDecoder().decode(bytes.subarray(8, 8 + n)) };
};

function makeModel(): nx.Sequential {
  return new nx.Sequential(new nx.Linear(4, 3), new nx.ReLU(), new nx.Linear(3, 2));
}

describe("safetensors", () => {
  it("round-trips a model's weights", () => {
    nx.manualSeed(1);
    const a = makeModel();
    nx.manualSeed(2);
    const b = makeModel();
    const bytes = nx.safetensors.saveModel(a);
    expect(nx.safetensors.loadModel(b, bytes)).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.stateDict()).toEqual(a.stateDict());
    const loaded = nx.safetensors.load(bytes);
    expect(Object.keys(loaded).sort()).toEqual(["0.bias", "0.weight", "2.bias", "2.weight"]);
    expect(loaded["0.weight"].shape).toEqual([3, 4]);
  });

  it("reads a file written by Python with PyTorch's state_dict names and metadata", () => {
    const bytes = golden("model.safetensors");
    const tensors = nx.safetensors.load(bytes);
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.model).sort());
    for (const [name, e] of Object.entries(expected.model)) {
      expect(tensors[name].shape).toEqual(e.shape);
      expect(Array.from(tensors[name].data)).toEqual(e.values);
    }
    expect(nx.safetensors.metadata(bytes)).toEqual(expected.model_metadata);
    // …and straight into a model of the same architecture.
    const model = makeModel();
    nx.safetensors.loadModel(model, bytes);
    expect(Array.from(model.stateDict()["2.weight"])).toEqual(expected.model["2.weight"].values);
  });

  it("reads F64, F16 and BF16 tensors (and empty ones) as float32", () => {
    const tensors = nx.safetensors.load(golden("mixed_dtypes.safetensors"));
    for (const [name, e] of Object.entries(expected.mixed)) {
      expect(tensors[name].shape).toEqual(e.shape);
      expect(Array.from(tensors[name].data)).toEqual(e.values.map(Math.fround));
    }
  });

  it("writes what Python writes, byte for byte (compact JSON, sorted names, header padded to 8)", () => {
    const python = golden("model.safetensors");
    const ours = nx.safetensors.save(nx.safetensors.load(python), expected.model_metadata);
    expect(headerOf(ours).text).toBe(headerOf(python).text);
    expect(ours).toEqual(python);
  });

  it("pads the header with spaces so the data starts at a multiple of 8, as the reference tests expect", () => {
    // The reference implementation's test_serialization_forced_alignement: one
    // F32 tensor "attn0" of shape [1, 1, 2, 3] holding 0…5 gives a 72-byte header.
    const bytes = nx.safetensors.save({ attn0: new nx.Tensor([0, 1, 2, 3, 4, 5], { shape: [1, 1, 2, 3] }) });
    const { n, text } = headerOf(bytes);
    expect(n).toBe(72);
    expect(text).toBe('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
    expect(bytes.length).toBe(8 + 72 + 24);
    expect(Array.from(new Float32Array(bytes.slice(80).buffer))).toEqual([0, 1, 2, 3, 4, 5]);
    // test_empty: no tensors, metadata {"framework": "pt"} → a 40-byte header.
    const empty = nx.safetensors.save({}, { framework: "pt" });
    expect(headerOf(empty)).toEqual({ n: 40, text: '{"__metadata__":{"framework":"pt"}}     ' });
    // Integer-like names keep the sorted order (JSON.stringify would move them first).
    const order = headerOf(nx.safetensors.save({ b: nx.zeros([1]), "10": nx.zeros([1]), a: nx.zeros([1]) })).text;
    expect(order.indexOf('"10"')).toBeLessThan(order.indexOf('"a"'));
    expect(order.indexOf('"a"')).toBeLessThan(order.indexOf('"b"'));
  });

  it("keeps values exact, NaN and infinities included", () => {
    const t = new nx.Tensor([NaN, Infinity, -Infinity, -0, 1e-45, 3.4028234663852886e38]);
    const back = nx.safetensors.load(nx.safetensors.save({ t })).t;
    expect(Array.from(back.data)).toEqual(Array.from(t.data));
    expect(Object.is(back.data[3], -0)).toBe(true);
  });

  it("rejects malformed files with a RangeError saying why", () => {
    const good = nx.safetensors.save({ w: nx.ones([2, 2]) });
    const edit = (f: (b: Uint8Array) => Uint8Array) => f(good.slice());
    expect(() => nx.safetensors.load(good.subarray(0, 5))).toThrow(/too short/);
    expect(() => nx.safetensors.load(good.subarray(0, 40))).toThrow(/header length \d+ does not fit/);
    expect(() => nx.safetensors.load(good.subarray(0, good.length - 4))).toThrow(/cover 16 bytes but the file holds 12/);
    const withHeader = (text: string, data = 0) => {
      const json = new TextEncoder().encode(text);
      const out = new Uint8Array(8 + json.length + data);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(() => nx.safetensors.load(withHeader("{not json"))).toThrow(/not UTF-8 JSON/);
    expect(() => nx.safetensors.load(withHeader("[1]"))).toThrow(/not a JSON object/);
    expect(() => nx.safetensors.load(withHeader('{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', 8))).toThrow(
      /dtype I64; only F32, F64, F16 and BF16/,
    );
    expect(() => nx.safetensors.load(withHeader('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', 8))).toThrow(
      /shape \[3\] \(F32\) but 8 bytes/,
    );
    expect(() =>
      nx.safetensors.load(
        withHeader('{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', 8),
      ),
    ).toThrow(/starts at byte 4, expected 0/);
    expect(() => nx.safetensors.load(withHeader('{"__metadata__":{"a":1}}'))).toThrow(/__metadata__ must map strings/);
    expect(() => nx.safetensors.load(edit((b) => ((b[8] = 0xff), b)))).toThrow(/not UTF-8 JSON/);
    expect(() => nx.safetensors.load("abc" as never)).toThrow(TypeError);
    expect(() => nx.safetensors.save({ w: [1, 2] as never })).toThrow(/"w" must be a Tensor/);
  });

  it("loadModel checks names and shapes like loadStateDict", () => {
    const bytes = nx.safetensors.save({ "0.weight": nx.zeros([3, 4]) });
    expect(() => nx.safetensors.loadModel(makeModel(), bytes)).toThrow(/missing keys: "0.bias", "2.weight", "2.bias"/);
    const wrong = nx.safetensors.save({ ...Object.fromEntries(makeModel().namedParameters()), "0.weight": nx.zeros([4, 3]) });
    expect(() => nx.safetensors.loadModel(makeModel(), wrong)).toThrow(/size mismatch for "0.weight"/);
  });
});
