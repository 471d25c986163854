/**
 * Issue 10: every mistake a clear error (defects 8 and 9, the new-user
 * surprises), through the one checker in ts/options.ts. Each error is the
 * right class (TypeError for a wrong kind, RangeError for a value out of
 * range), names the argument, what it got and what to do, and leaves every
 * other tensor as it was.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";

const ds = () => new nx.data.TensorDataset(nx.zeros(4, 2), nx.zeros(4));
const params = () => new nx.Linear(2, 2).parameters();

describe("wrong kinds are TypeErrors naming the kind received", () => {
  test.each([
    ["labelSmoothing string", () => new nx.CrossEntropyLoss({ labelSmoothing: "0.1" as never }), /labelSmoothing must be a number, got string "0\.1"/],
    ["ignoreIndex string", () => new nx.CrossEntropyLoss({ ignoreIndex: "3" as never }), /ignoreIndex must be an integer, got string "3"/],
    ["batchSize string", () => new nx.data.DataLoader(ds(), { batchSize: "64" as never }), /batchSize must be an integer, got string "64"/],
    ["requiresGrad string", () => new nx.Tensor([1], { requiresGrad: "yes" as never }), /requiresGrad must be a boolean, got string "yes"/],
    ["BigInt64Array data", () => new nx.Tensor(new BigInt64Array([1n]) as never), /data must hold numbers, got a BigInt64Array/],
    ["BigInt64Array weight", () => new nx.CrossEntropyLoss({ weight: new BigInt64Array([1n, 2n]) as never }), /weight must hold numbers, got a BigInt64Array/],
    ["reduction number", () => new nx.MSELoss({ reduction: 1 as never }), /reduction must be a string, got number 1/],
    ["lr string", () => new nx.optim.Adam(params(), { lr: "0.1" as never }), /Adam: lr must be a number, got string "0\.1"/],
    ["Linear size string", () => new nx.Linear("3" as never, 2), /inFeatures must be an integer, got string "3"/],
    ["zeros shape string", () => nx.zeros("3" as never), /zeros: shape must be an array/],
    ["sum dim string", () => nx.zeros(2, 3).sum("0" as never), /sum: dim must be an integer, got string "0"/],
    ["sum keepdim string", () => nx.zeros(2, 3).sum(0, "yes" as never), /sum: keepdim must be a boolean, got string "yes"/],
  ])("%s", (_, f, message) => {
    expect(f).toThrow(TypeError);
    expect(f).toThrow(message);
  });
});

describe("values out of range are RangeErrors naming the range", () => {
  test.each([
    ["labelSmoothing 1.5", () => new nx.CrossEntropyLoss({ labelSmoothing: 1.5 }), /labelSmoothing must be in \[0, 1\], got 1\.5/],
    ["ignoreIndex 2.5", () => new nx.CrossEntropyLoss({ ignoreIndex: 2.5 }), /ignoreIndex must be an integer, got 2\.5/],
    ["batchSize 0", () => new nx.data.DataLoader(ds(), { batchSize: 0 }), /batchSize must be an integer ≥ 1, got 0/],
    ["betas[1] 1", () => new nx.optim.Adam(params(), { betas: [0.9, 1] }), /betas\[1\] must be in \[0, 1\), got 1/],
    ["reduction 'avg'", () => new nx.MSELoss({ reduction: "avg" as never }), /reduction must be one of "none", "mean", "sum", got string "avg"/],
    ["zeros([1e300, 1e300])", () => nx.zeros([1e300, 1e300]), /zeros: shape \[1e\+300, 1e\+300\] has .* elements; a tensor holds at most/],
    ["a broadcast too large", () => nx.zeros(100000, 1).add(nx.zeros(1, 100000)), /shape \[100000, 100000\] has 1\.00e\+10 elements/],
    // Defect 8: PyTorch rejects ignore_index with probability targets.
    ["probability targets with ignoreIndex", () => new nx.CrossEntropyLoss({ ignoreIndex: 1 })(nx.zeros(2, 3), nx.zeros(2, 3)), /ignoreIndex \(1\) is not supported with class-probability targets/],
  ])("%s", (_, f, message) => {
    expect(f).toThrow(RangeError);
    expect(f).toThrow(message);
  });

  test("a negative ignoreIndex with probability targets is fine (PyTorch's default -100)", () => {
    expect(new nx.CrossEntropyLoss({ ignoreIndex: -1 })(nx.zeros(2, 3), nx.full([2, 3], 1 / 3)).item()).toBeCloseTo(Math.log(3), 6);
  });
});

describe("unknown keys name the closest known one", () => {
  test.each([
    ["requires_grad", () => new nx.Tensor([1], { requires_grad: true } as never), /unknown option 'requires_grad' \(did you mean 'requiresGrad'\?/],
    ["dtype", () => new nx.Tensor([1], { dtype: "float64" } as never), /unknown option 'dtype' \(tensors are always float32\)/],
    ["ignore_index", () => new nx.CrossEntropyLoss({ ignore_index: 3 } as never), /did you mean 'ignoreIndex'/],
    ["a typo", () => new nx.CrossEntropyLoss({ labelSmoothin: 0.1 } as never), /unknown option 'labelSmoothin' \(did you mean 'labelSmoothing'\?\)/],
    ["zeros({ requires_grad })", () => nx.zeros([2], { requires_grad: true } as never), /zeros: unknown option 'requires_grad' \(did you mean 'requiresGrad'/],
    ["size_average", () => new nx.MSELoss({ size_average: false } as never), /did you mean 'reduction'/],
    ["weight_decay", () => new nx.optim.SGD(params(), { lr: 0.1, weight_decay: 0.1 } as never), /did you mean 'weightDecay'/],
  ])("%s", (_, f, message) => {
    expect(f).toThrow(TypeError);
    expect(f).toThrow(message);
  });
});

describe("Python method and property names point to the TypeScript ones", () => {
  test("opt.zero_grad()", () => {
    const opt = new nx.optim.SGD(params(), { lr: 0.1 }) as unknown as { zero_grad(): void };
    expect(() => opt.zero_grad()).toThrow(/opt\.zero_grad\(\) is PyTorch's spelling; in neurenix use opt\.zeroGrad\(\)/);
  });
  test("model.state_dict() and model.zero_grad()", () => {
    const model = new nx.Sequential(new nx.Linear(2, 2)) as unknown as { state_dict(): void; zero_grad(): void };
    expect(() => model.state_dict()).toThrow(/use model\.stateDict\(\)/);
    expect(() => model.zero_grad()).toThrow(/use model\.zeroGrad\(\)/);
  });
  test("t.requires_grad = true is not silently ignored", () => {
    const t = nx.zeros(2) as unknown as { requires_grad: boolean; numel(): number };
    expect(() => {
      t.requires_grad = true;
    }).toThrow(/t\.requires_grad is PyTorch's spelling; in neurenix use t\.requiresGrad/);
    expect(() => t.numel()).toThrow(/use t\.size/);
  });
  test("the hints are not enumerable: they do not show up as parameters or fields", () => {
    const model = new nx.Linear(2, 2);
    expect(Object.keys(Object.getPrototypeOf(model))).not.toContain("zero_grad");
    expect(model.namedParameters().map(([n]) => n)).toEqual(["weight", "bias"]);
  });
});

describe("PyTorch's positional forms work, or throw: no argument is ignored", () => {
  test("randn(2, 3) and zeros(2, 3) give shape [2, 3]", () => {
    expect(nx.randn(2, 3).shape).toEqual([2, 3]);
    expect(nx.zeros(2, 3).shape).toEqual([2, 3]);
    expect(nx.ones(4).shape).toEqual([4]);
    const t = nx.rand(2, 3, 4, { seed: 1, requiresGrad: true });
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.requiresGrad).toBe(true);
  });
  test("a shape array followed by more numbers throws", () => {
    expect(() => nx.zeros([2] as never, 3 as never)).toThrow(/pass every dimension in the array/);
    expect(() => (nx.zeros as (...a: unknown[]) => unknown)(2, 3, {}, 4)).toThrow(TypeError);
  });
  test("arange(start, end, step) as torch.arange", () => {
    expect(nx.arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(nx.arange(2, 5).toArray()).toEqual([2, 3, 4]);
    expect(nx.arange(1, 0, -0.25).toArray()).toEqual([1, 0.75, 0.5, 0.25]);
    expect(() => nx.arange(0, 5, 0)).toThrow(RangeError);
    expect(() => nx.arange(0, 5, -1)).toThrow(RangeError);
  });
  test("new Tensor(data, [2, 2]) says to pass { shape }", () => {
    expect(() => new nx.Tensor([1, 2, 3, 4], [2, 2] as never)).toThrow(/pass the shape as \{ shape: \[2, 2\] \}/);
    expect(new nx.Tensor([1, 2, 3, 4], { shape: [2, 2] }).shape).toEqual([2, 2]);
  });
});

test("a rejected call changes no tensor", () => {
  const x = nx.randn([3, 4], { seed: 1 });
  const before = Array.from(x.data);
  const bad: (() => unknown)[] = [
    () => new nx.CrossEntropyLoss({ labelSmoothing: "0.1" as never })(x, new nx.Tensor([0, 1, 2])),
    () => new nx.CrossEntropyLoss()(x, new nx.Tensor([0, 1, 9])),
    () => new nx.CrossEntropyLoss({ ignoreIndex: 2 })(x, nx.zeros(3, 4)),
    () => x.add(nx.zeros(100000, 100000)),
  ];
  for (const f of bad) expect(f).toThrow();
  expect(Array.from(x.data)).toEqual(before);
});
