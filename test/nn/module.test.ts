/**
 * Module: callable instances, parameter discovery and PyTorch's names,
 * train/eval, stateDict/loadStateDict (values and every error), the repr.
 */
import { describe, expect, it } from "vitest";
import * as nx from "../../ts/index";

class Net extends nx.Module {
  fc1 = new nx.Linear(4, 3);
  relu = new nx.ReLU();
  fc2 = new nx.Linear(3, 2);

  forward(x: nx.Tensor): nx.Tensor {
    return this.fc2(this.relu(this.fc1(x)));
  }
}

/** A custom module: a raw tensor parameter, a constant, a cached output, an array of blocks. */
class Custom extends nx.Module {
  scale = nx.ones([2], { requiresGrad: true });
  constant = nx.full([2], 3);
  blocks = [new nx.Linear(2, 2), new nx.Tanh(), new nx.Linear(2, 2, { bias: false })];
  frozen = nx.nn.parameter(nx.zeros([1]));
  last: nx.Tensor | null = null;

  forward(x: nx.Tensor): nx.Tensor {
    let y = x.mul(this.scale);
    for (const b of this.blocks) y = b(y);
    this.last = y;
    return y.add(this.frozen);
  }
}

describe("Module", () => {
  it("instances are callable and forward is what they call", () => {
    nx.manualSeed(1);
    const net = new Net();
    const x = nx.randn([5, 4]);
    expect(typeof net).toBe("function");
    expect(net).toBeInstanceOf(nx.Module);
    expect(net).toBeInstanceOf(Net);
    expect(Array.from(net(x).data)).toEqual(Array.from(net.forward(x).data));
    expect(net(x).shape).toEqual([5, 2]);
  });

  it("finds parameters through fields and child modules with PyTorch's names", () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    expect(net.parameters()).toEqual([net.fc1.weight, net.fc1.bias, net.fc2.weight, net.fc2.bias]);
    expect(net.namedChildren().map(([k]) => k)).toEqual(["fc1", "relu", "fc2"]);
    expect(net.namedModules().map(([k]) => k)).toEqual(["", "fc1", "relu", "fc2"]);
  });

  it("uses '0.weight' inside a Sequential and supports indexing", () => {
    const seq = new nx.Sequential(new nx.Linear(10, 64), new nx.ReLU(), new nx.Linear(64, 1));
    expect(Object.keys(seq.stateDict())).toEqual(["0.weight", "0.bias", "2.weight", "2.bias"]);
    expect(seq[0]).toBeInstanceOf(nx.Linear);
    expect(seq[1]).toBeInstanceOf(nx.ReLU);
    expect(seq.size).toBe(3);
    expect([...seq].length).toBe(3);
    const nested = new nx.Sequential(seq, new nx.Sigmoid());
    expect(nested.namedParameters()[3][0]).toBe("0.2.bias");
    expect(() => new nx.Sequential(new nx.ReLU(), 3 as never)).toThrow(/Sequential: argument 1 must be a Module/);
  });

  it("applies Sequential's modules in order", () => {
    nx.manualSeed(2);
    const a = new nx.Linear(3, 4);
    const b = new nx.Linear(4, 2);
    const seq = new nx.Sequential(a, new nx.Tanh(), b);
    const x = nx.randn([2, 3]);
    expect(Array.from(seq(x).data)).toEqual(Array.from(b(a(x).tanh()).data));
  });

  it("counts leaf requiresGrad tensors, nn.parameter tensors (even frozen) and arrays of modules, nothing else", () => {
    const m = new Custom();
    m.frozen.requiresGrad = false;
    m(nx.ones([1, 2]));
    expect(m.namedParameters().map(([k]) => k)).toEqual([
      "scale",
      "frozen",
      "blocks.0.weight",
      "blocks.0.bias",
      "blocks.2.weight",
    ]);
    expect(m.last).not.toBeNull(); // a non-leaf tensor in a field is not a parameter
  });

  it("lists a shared module or tensor once, under its first name", () => {
    const shared = new nx.Linear(2, 2);
    const seq = new nx.Sequential(shared, new nx.ReLU(), shared);
    expect(seq.namedParameters().map(([k]) => k)).toEqual(["0.weight", "0.bias"]);
  });

  it("train() and eval() set the training flag recursively and return the module", () => {
    const net = new Net();
    expect(net.training && net.fc1.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect([net.training, net.fc1.training, net.relu.training, net.fc2.training]).toEqual([false, false, false, false]);
    net.train();
    expect(net.fc2.training).toBe(true);
    expect(() => net.train("yes" as never)).toThrow(TypeError);
  });

  it("stateDict copies the values, weights (out, in) row-major", () => {
    const net = new Net();
    const sd = net.stateDict();
    expect(sd["fc1.weight"]).toBeInstanceOf(Float32Array);
    expect(sd["fc1.weight"].length).toBe(12);
    // Row o of fc1.weight holds the weights of output o: y_o = Σ_i W[o, i] x_i + b_o.
    const x = new nx.Tensor([[1, 0, 0, 0]]);
    const y = Array.from(net.fc1(x).data);
    for (let o = 0; o < 3; o++) expect(y[o]).toBeCloseTo(sd["fc1.weight"][o * 4] + sd["fc1.bias"][o], 6);
    sd["fc1.bias"][0] = 1234;
    expect(net.fc1.bias!.data[0]).not.toBe(1234);
  });

  it("loadStateDict copies values into the same parameter tensors", () => {
    nx.manualSeed(5);
    const a = new Net();
    nx.manualSeed(6);
    const b = new Net();
    const weight = b.fc1.weight;
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.fc1.weight).toBe(weight);
    const x = nx.randn([3, 4]);
    expect(Array.from(b(x).data)).toEqual(Array.from(a(x).data));
    // Tensors and plain arrays are accepted too.
    b.loadStateDict({ ...a.stateDict(), "fc2.bias": new nx.Tensor([7, 8]), "fc1.bias": [1, 2, 3] });
    expect(Array.from(b.fc2.bias!.data)).toEqual([7, 8]);
    expect(Array.from(b.fc1.bias!.data)).toEqual([1, 2, 3]);
  });

  it("loadStateDict reports missing, unexpected and mis-sized keys as a RangeError and changes nothing", () => {
    const net = new Net();
    const before = net.stateDict();
    const sd: Record<string, nx.nn.StateDictValue> = { ...net.stateDict() };
    delete sd["fc2.bias"];
    sd["fc3.weight"] = new Float32Array(2);
    sd["fc1.bias"] = new Float32Array(99);
    sd["fc1.weight"] = new Float32Array(12).fill(5);
    let error: unknown;
    try {
      net.loadStateDict(sd);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    const message = (error as Error).message;
    expect(message).toContain('missing keys: "fc2.bias"');
    expect(message).toContain('unexpected keys: "fc3.weight"');
    expect(message).toContain('size mismatch for "fc1.bias": got 99 values, the parameter has shape [3] (3 values)');
    expect(net.stateDict()).toEqual(before);
    // A Tensor of the right size but the wrong shape is a mismatch too.
    expect(() => net.loadStateDict({ ...before, "fc1.weight": nx.zeros([4, 3]) })).toThrow(
      /size mismatch for "fc1.weight": got shape \[4, 3\], the parameter has \[3, 4\]/,
    );
  });

  it("loadStateDict with strict: false ignores missing and unexpected keys but not sizes", () => {
    const net = new Net();
    const result = net.loadStateDict({ "fc1.bias": [1, 2, 3], extra: [1] }, { strict: false });
    expect(result).toEqual({ missingKeys: ["fc1.weight", "fc2.weight", "fc2.bias"], unexpectedKeys: ["extra"] });
    expect(Array.from(net.fc1.bias!.data)).toEqual([1, 2, 3]);
    expect(() => net.loadStateDict({ "fc1.bias": [1] }, { strict: false })).toThrow(RangeError);
    expect(() => net.loadStateDict(null as never)).toThrow(TypeError);
    expect(() => net.loadStateDict({ ...net.stateDict(), "fc1.bias": "abc" as never })).toThrow(TypeError);
  });

  it("prints like PyTorch's module repr", () => {
    expect(String(new Net())).toBe(
      [
        "Net(",
        "  (fc1): Linear(inFeatures=4, outFeatures=3, bias=true)",
        "  (relu): ReLU()",
        "  (fc2): Linear(inFeatures=3, outFeatures=2, bias=true)",
        ")",
      ].join("\n"),
    );
    const seq = new nx.Sequential(new nx.Linear(2, 2, { bias: false }), new nx.Sequential(new nx.Sigmoid()));
    expect(seq.toString()).toBe(
      [
        "Sequential(",
        "  (0): Linear(inFeatures=2, outFeatures=2, bias=false)",
        "  (1): Sequential(",
        "    (0): Sigmoid()",
        "  )",
        ")",
      ].join("\n"),
    );
  });

  it("zeroGrad zeroes the gradients in place", () => {
    const net = new Net();
    net(nx.ones([2, 4])).sum().backward();
    const g = net.fc1.weight.grad!;
    net.zeroGrad();
    expect(net.fc1.weight.grad).toBe(g);
    expect(Array.from(g.data).every((v) => v === 0)).toBe(true);
  });
});

describe("activation modules", () => {
  it("ReLU, Sigmoid and Tanh apply their functions and pass gradients", () => {
    const x = new nx.Tensor([-2, -0.5, 0, 0.5, 2], { requiresGrad: true });
    const relu = new nx.ReLU()(x);
    expect(Array.from(relu.data)).toEqual([0, 0, 0, 0.5, 2]);
    const s = new nx.Sigmoid()(x);
    const t = new nx.Tanh()(x);
    [-2, -0.5, 0, 0.5, 2].forEach((v, i) => {
      expect(s.data[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 6);
      expect(t.data[i]).toBeCloseTo(Math.tanh(v), 6);
    });
    t.sum().backward();
    [-2, -0.5, 0, 0.5, 2].forEach((v, i) => expect(x.grad!.data[i]).toBeCloseTo(1 - Math.tanh(v) ** 2, 6));
    expect(new nx.ReLU().parameters()).toEqual([]);
    expect(String(new nx.Tanh())).toBe("Tanh()");
  });
});
