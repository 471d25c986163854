/**
 * KLDivLoss (PyTorch 1.13), input x = log q, target p (or t = log p with logTarget):
 *   ℓ = p(log p − x), 0 where p = 0 (xlogy)          ∂ℓ/∂x = −p,     ∂ℓ/∂p = log p + 1 − x
 *   ℓ = e^t (t − x)                     (logTarget)   ∂ℓ/∂x = −e^t,   ∂ℓ/∂t = e^t (t − x + 1)
 * "mean" divides by the element count, "batchmean" by input.shape[0] (1 for
 * a 0-d input; NaN for an empty batch), "sum" and "none" as usual.
 * The target gradient at p = 0 is 0 here, as the library documents
 * (ts/losses/kl_div_loss.ts): PyTorch 1.13's xlogy(p, p) backward gives
 * 0/0 = NaN there, a deliberate difference the fuzzer does not re-litigate.
 * Magnitudes: p(|log p| + |x|) — the terms cancel where q ≈ p, as in float32 PyTorch.
 */
import type { LossReference } from "./types";
import { perElement } from "./elementwise";
import { chance, elementShape, f32, normals, pick, plain, sizeOf, uniforms } from "../generate";

/** Rows of softmax probabilities along the last dimension, or independent uniforms; some exact zeros. */
function probabilities(rng: () => number, shape: number[], n: number): number[] {
  const last = shape.length === 0 ? 1 : shape[shape.length - 1];
  let p: number[];
  if (chance(rng, 0.5) && last > 0) {
    const z = normals(rng, n, pick(rng, [0.1, 1, 5]));
    const sums = new Array<number>(n / last).fill(0);
    z.forEach((v, i) => (sums[Math.floor(i / last)] += Math.exp(v)));
    p = z.map((v, i) => f32(Math.exp(v) / sums[Math.floor(i / last)]));
  } else {
    p = uniforms(rng, n, 0, pick(rng, [1, 3]));
  }
  const zeros = chance(rng, 0.3) ? 0.2 : 0;
  return p.map((v) => (chance(rng, zeros) ? 0 : v));
}

export const klDivLoss: LossReference = {
  name: "KLDivLoss",
  generate(rng, size) {
    const shape = elementShape(rng, size);
    const n = sizeOf(shape);
    const logTarget = chance(rng, 0.4);
    const options: Record<string, unknown> = { reduction: pick(rng, ["none", "mean", "sum", "batchmean"]) };
    if (logTarget || chance(rng, 0.2)) options.logTarget = logTarget;
    // Log-probabilities: log of probabilities (q near or far from p), or any values at a moderate scale.
    const p = probabilities(rng, shape, n);
    const x = chance(rng, 0.5)
      ? p.map((v) => f32(Math.log(Math.max(v, 1e-30) * (1 + 0.1 * (rng() - 0.5)))))
      : normals(rng, n, pick(rng, [0.1, 1, 3, 30])).map((v) => f32(v - 1));
    // log p: finite (e^t below float32's overflow), from the probabilities or N(0, 3²).
    const target = logTarget
      ? chance(rng, 0.6)
        ? p.map((v) => f32(Math.log(Math.max(v, 1e-20))))
        : normals(rng, n, pick(rng, [0.1, 1, 3]))
      : p;
    return { loss: "KLDivLoss", options, input: plain(shape, x), target: plain(shape, target), targetGrad: chance(rng, 0.4), longRow: n };
  },
  elements(c) {
    const logTarget = c.options.logTarget === true;
    const { values, magnitudes } = perElement(c, (x, t) => {
      if (logTarget) {
        const et = Math.exp(t);
        return [et * (t - x), et * (Math.abs(t) + Math.abs(x))];
      }
      if (t === 0) return [0, 0];
      const lt = Math.log(t);
      return [t * (lt - x), Math.abs(t) * (Math.abs(lt) + Math.abs(x))];
    });
    const reduction = c.options.reduction ?? "mean";
    const shape = c.input.shape;
    const denominator = reduction === "batchmean" ? (shape.length === 0 ? 1 : shape[0]) : values.length;
    return { losses: values, magnitudes, shape, denominator };
  },
  vjp(c, u) {
    const logTarget = c.options.logTarget === true;
    const input = perElement(c, (_x, t, i) => [u[i] * -(logTarget ? Math.exp(t) : t), 0]).values;
    let target: number[] | null = null;
    let targetMagnitudes: number[] | null = null;
    if (c.targetGrad) {
      const g = perElement(c, (x, t, i) => {
        if (logTarget) {
          const et = Math.exp(t);
          return [u[i] * et * (t - x + 1), Math.abs(u[i]) * et * (Math.abs(t) + Math.abs(x) + 1)];
        }
        if (t === 0) return [Number.isFinite(u[i]) ? 0 : NaN, 0];
        const lt = Math.log(t);
        return [u[i] * (lt + 1 - x), Math.abs(u[i]) * (Math.abs(lt) + 1 + Math.abs(x))];
      });
      target = g.values;
      targetMagnitudes = g.magnitudes;
    }
    return { input: input.map((g, i) => (Number.isFinite(u[i]) ? g : NaN)), inputMagnitudes: input.map(Math.abs), target, targetMagnitudes };
  },
};
