/**
 * The margin and embedding losses (fused kernels, or composed from Tensor
 * ops) against PyTorch 1.13 golden values,
 * values and the gradient of every differentiable input, on both backends,
 * through the class and nx.F: CosineEmbeddingLoss, MultiMarginLoss (p 1 and 2, margin, weight), MultiLabelMarginLoss
 * (−1-terminated targets, repeated indices, an empty row),
 * TripletMarginLoss (p, eps, swap), TripletMarginWithDistanceLoss (the
 * default distance, and a user's 1 − cosine similarity with swap). Plus
 * PyTorch's errors, and MultiLabelMarginLoss's NaN and inf scores (values
 * from PyTorch 1.13's kernel).
 *
 * Tolerance: sums over classes or features of a few float32 roundings each,
 * and norms/cosines with a square root and a division: 2e-5 relative with
 * an absolute floor of 1e-6.
 */
import { describe, expect, test } from "vitest";
import * as nx from "../../ts/index";
import { describeMultiLossGolden } from "../helpers/golden";
import { BACKENDS, withBackend } from "../helpers/backends";
import { expectClose } from "../helpers/expect_close";

const F = nx.F;
const TOL = { rtol: 2e-5, atol: 1e-6 };
const both = () => ({ output: TOL, grad: TOL });

/** 1 − cosine similarity over the last dimension, from Tensor ops (the fixture's "cosine" distance). */
const cosineDistance = (a: nx.Tensor, b: nx.Tensor) => a.mul(b).sum(-1).div(a.norm(2, -1).mul(b.norm(2, -1))).neg().add(1);
const distanceOption = (o: Record<string, unknown>) => {
  const { distance, ...rest } = o;
  return distance === "cosine" ? { ...rest, distanceFunction: cosineDistance } : rest;
};

describeMultiLossGolden(
  "cosine_embedding_loss.json",
  (o) => new nx.CosineEmbeddingLoss(o),
  ([a, b, y], o) => F.cosineEmbeddingLoss(a, b, y, o),
  both,
);
describeMultiLossGolden("multi_margin_loss.json", (o) => new nx.MultiMarginLoss(o), ([x, y], o) => F.multiMarginLoss(x, y, o), both);
describeMultiLossGolden(
  "multilabel_margin_loss.json",
  (o) => new nx.MultiLabelMarginLoss(o),
  ([x, y], o) => F.multilabelMarginLoss(x, y, o),
  both,
);
describeMultiLossGolden(
  "triplet_margin_loss.json",
  (o) => new nx.TripletMarginLoss(o),
  ([a, p, n], o) => F.tripletMarginLoss(a, p, n, o),
  both,
);
describeMultiLossGolden(
  "triplet_margin_with_distance_loss.json",
  (o) => new nx.TripletMarginWithDistanceLoss(distanceOption(o)),
  ([a, p, n], o) => F.tripletMarginWithDistanceLoss(a, p, n, distanceOption(o)),
  both,
);

describe("errors", () => {
  test("MultiMarginLoss: p other than 1 or 2, indices out of range, a weight of the wrong length", () => {
    expect(() => new nx.MultiMarginLoss({ p: 3 })).toThrow(RangeError);
    expect(() => new nx.MultiMarginLoss({ p: 3 })).toThrow(/p must be 1 or 2/);
    const x = nx.randn([2, 3], { seed: 1 });
    expect(() => F.multiMarginLoss(x, new nx.Tensor([0, 3]))).toThrow(/target index 3 at flat index 1 is out of range for 3 classes/);
    expect(() => F.multiMarginLoss(x, new nx.Tensor([0, 1]), { weight: [1, 2] })).toThrow(/weight must have 3 elements/);
  });
  test("MultiLabelMarginLoss: an index out of range, a negative other than −1, a non-integer", () => {
    const x = nx.randn([1, 3], { seed: 2 });
    expect(() => F.multilabelMarginLoss(x, new nx.Tensor([[0, 5, -1]]))).toThrow(/target 5 at flat index 1/);
    expect(() => F.multilabelMarginLoss(x, new nx.Tensor([[0, -2, -1]]))).toThrow(RangeError);
    expect(() => F.multilabelMarginLoss(x, new nx.Tensor([[0.5, -1, -1]]))).toThrow(/target 0.5 at flat index 0/);
    expect(() => F.multilabelMarginLoss(x, new nx.Tensor([0, -1, -1]))).toThrow(/does not match input shape/);
  });
  test("TripletMarginWithDistanceLoss: margin ≤ 0, a distance that is no function or returns no Tensor", () => {
    expect(() => new nx.TripletMarginWithDistanceLoss({ margin: 0 })).toThrow(RangeError);
    expect(() => new nx.TripletMarginWithDistanceLoss({ distanceFunction: 3 as never })).toThrow(TypeError);
    const a = nx.randn([2, 3], { seed: 3 });
    const bad = new nx.TripletMarginWithDistanceLoss({ distanceFunction: () => 1 as never });
    expect(() => bad(a, a, a)).toThrow(/must return a Tensor/);
  });
  test("CosineEmbeddingLoss and TripletMarginLoss: shapes named", () => {
    const a = nx.randn([2, 3], { seed: 4 });
    expect(() => F.cosineEmbeddingLoss(a, a, new nx.Tensor([1, 1, 1]))).toThrow(/target must have shape \[2\]/);
    expect(() => F.tripletMarginLoss(a, a, nx.zeros([2, 4]))).toThrow(/negative shape \[2, 4\] does not match anchor shape \[2, 3\]/);
  });
});

describe("TripletMarginLoss: the fused kernel for every p equals the loss composed from Tensor ops", () => {
  // The composition PyTorch 1.13 uses (pairwise_distance, clamp_min, torch.min for swap), here from
  // Tensor ops whose norm is golden-tested for every p; the fused kernel runs p ∉ {1, 2} on its scalar path.
  const composed = (a: nx.Tensor, q: nx.Tensor, r: nx.Tensor, p: number, eps: number, margin: number, swap: boolean) => {
    const d = (u: nx.Tensor, v: nx.Tensor) => u.sub(v).add(eps).norm(p, -1);
    let dn = d(a, r);
    if (swap) dn = dn.minimum(d(q, r));
    return d(a, q).sub(dn).add(margin).clamp(0, null).mean();
  };
  test.each(BACKENDS)("%s: p ∈ {0.7, 1.5, 3, 4, ∞}, with and without swap, values and all three gradients", (backend) => {
    withBackend(backend, () => {
      for (const p of [0.7, 1.5, 3, 4, Infinity]) {
        for (const swap of [false, true]) {
          const inputs = [11, 12, 13].map((seed) => nx.randn([7, 5], { seed }));
          const run = (fused: boolean) => {
            const [a, q, r] = inputs.map((t) => new nx.Tensor(t.data, { shape: t.shape, requiresGrad: true }));
            const loss = fused ? new nx.TripletMarginLoss({ p, swap, margin: 2 })(a, q, r) : composed(a, q, r, p, 1e-6, 2, swap);
            loss.backward();
            return [loss.item(), ...[a, q, r].map((t) => Array.from(t.grad!.data))] as const;
          };
          const [want, ...wantGrads] = run(false);
          const [got, ...gotGrads] = run(true);
          expectClose(got, want, TOL, `${backend} p=${p} swap=${swap} loss`);
          gotGrads.forEach((g, k) => expectClose(g, wantGrads[k], TOL, `${backend} p=${p} swap=${swap} grad ${k}`));
        }
      }
    });
  });
});

describe("TripletMarginLoss: each input's gradient on its own (found by the differential fuzzer)", () => {
  test.each(BACKENDS)("%s: only the anchor, only the positive, only the negative requiring grad give the same gradient as all three", (backend) => {
    withBackend(backend, () => {
      for (const p of [2, 3, 1.5]) {
        const data = [21, 22, 23].map((seed) => nx.randn([6, 9], { seed }));
        const gradsWith = (wanted: boolean[]) => {
          const ts = data.map((t, k) => new nx.Tensor(t.data, { shape: t.shape, requiresGrad: wanted[k] }));
          new nx.TripletMarginLoss({ p, swap: true })(ts[0], ts[1], ts[2]).backward();
          return ts.map((t) => (t.grad === null ? null : Array.from(t.grad.data)));
        };
        const all = gradsWith([true, true, true]);
        for (let k = 0; k < 3; k++) {
          const alone = gradsWith([0, 1, 2].map((j) => j === k))[k]!;
          expect(alone.some((v) => v !== 0), `${backend} p=${p} input ${k} has a gradient`).toBe(true);
          expect(alone, `${backend} p=${p} input ${k} alone`).toEqual(all[k]);
        }
      }
    });
  });

  test.each(BACKENDS)("%s: the negative's gradient is computed, not −(∂a + ∂p): exact where they nearly cancel", (backend) => {
    withBackend(backend, () => {
      // In the first feature the negative's gradient (≈ −1e-4) is tiny next to the anchor's and the
      // positive's (≈ ∓1): formed as −(∂a + ∂p) it would keep only ~3 digits (float32 spacing at 1).
      const a = new nx.Tensor([[0, 0, 0]], { requiresGrad: true });
      const q = new nx.Tensor([[1000, 0, 0]], { requiresGrad: true });
      const r = new nx.Tensor([[1e-4, 1, 0]], { requiresGrad: true });
      new nx.TripletMarginLoss({ eps: 0 })(a, q, r).backward();
      // ∂loss/∂r = −∂‖a − r‖/∂r = (a − r)/‖a − r‖, in float64.
      const [r0, r1] = [Math.fround(1e-4), 1];
      const nrm = Math.hypot(r0, r1);
      expectClose(Array.from(r.grad!.data), [-r0 / nrm, -r1 / nrm, 0], { rtol: 1e-6, atol: 0 }, `${backend} negative's gradient`);
    });
  });
});

describe("p < 1 at a zero coordinate (found by the differential fuzzer)", () => {
  test.each(BACKENDS)("%s: the norm's and the triplet's gradient there is 0, as PyTorch's (|0|^(p−1) = ∞ masked)", (backend) => {
    withBackend(backend, () => {
      // torch: torch.tensor([0., 1., -2.]).norm(0.5) → grad [0, 2.4142, −1.7071].
      const x = new nx.Tensor([0, 1, -2], { requiresGrad: true });
      x.norm(0.5).backward();
      expectClose(Array.from(x.grad!.data), [0, 2.4142135, -1.7071068], TOL, `${backend} norm(0.5) grad`);
      // torch: triplet_margin_loss(a=[[1, 2]], p=[[1, 3]], n=[[5, 5]], p=0.5, eps=0, margin=20) → 7.0718,
      // a.grad [1.8660, 1.1547] (a − p has a zero coordinate: its share there is 0).
      const a = new nx.Tensor([[1, 2]], { requiresGrad: true });
      const loss = new nx.TripletMarginLoss({ p: 0.5, eps: 0, margin: 20 })(a, new nx.Tensor([[1, 3]]), new nx.Tensor([[5, 5]]));
      loss.backward();
      expectClose(loss.item(), 7.071796417236328, TOL, `${backend} triplet p 0.5 loss`);
      expectClose(Array.from(a.grad!.data), [1.8660254, 1.1547005], TOL, `${backend} triplet p 0.5 grad`);
    });
  });
});

describe.each(BACKENDS)("MultiLabelMarginLoss on %s: NaN and inf scores as PyTorch's kernel", (name) => {
  test("a NaN score adds nothing; an inf score gives an inf loss and finite gradients", () => {
    withBackend(name, () => {
      const x = new nx.Tensor([[0.1, NaN, 0.4, 0.8], [0.3, 0.2, Infinity, -1]], { requiresGrad: true });
      const loss = F.multilabelMarginLoss(x, new nx.Tensor([[3, 0, -1, 1], [0, -1, 0, 0]]), { reduction: "none" });
      expectClose(loss.data, [0.475, Infinity], { rtol: 1e-6, atol: 0 }, `${name} losses`);
      loss.sum().backward();
      expectClose(x.grad!.data, [-0.25, 0, 0.5, -0.25, -0.5, 0.25, 0.25, 0], { rtol: 1e-6, atol: 0 }, `${name} gradient`);
    });
  });
});

describe("MultiMarginLoss: the target's own class is skipped, not summed and taken out (found by the differential fuzzer)", () => {
  test.each(BACKENDS)("%s: a loss of 0 stays 0 where z_y = x_y + (m − x_y) does not round back to m", (backend) => {
    withBackend(backend, () => {
      // torch 1.13: both 0, gradient [0, 0].
      const x = new nx.Tensor([[13140.66796875, 0]], { requiresGrad: true });
      const loss = new nx.MultiMarginLoss({ p: 2, margin: 3767.09521484375, reduction: "sum" })(x, new nx.Tensor([0]));
      loss.backward();
      expect(loss.item()).toBe(0);
      expect(Array.from(x.grad!.data).map(Math.abs)).toEqual([0, 0]);
      const one = new nx.MultiMarginLoss({ margin: 3336.432373046875, weight: new nx.Tensor([0.43295061588287354]) });
      expect(one(new nx.Tensor([[-9378.998046875]]), new nx.Tensor([0])).item()).toBe(0);
    });
  });
});
