/** Input checks shared by the element-wise losses. */
import type { Tensor } from "../tensor";
import { checkTensor } from "../errors";
import { isGradEnabled } from "../autograd/graph";
import { formatShape, sameShape } from "../shape";

/**
 * Both are live Tensors of the same shape. NOTE: stricter than PyTorch,
 * which broadcasts MSE/L1 targets with a warning (usually a bug).
 */
export function checkInputTarget(input: unknown, target: unknown, what: string): void {
  checkTensor(input, `${what}: input`);
  checkTensor(target, `${what}: target`);
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(
      `${what}: target shape ${formatShape(target.shape)} does not match input shape ${formatShape(input.shape)}`,
    );
  }
}

/** Losses whose kernels give no target gradient reject targets that require one. */
export function checkTargetWithoutGrad(target: Tensor, what: string): void {
  if (isGradEnabled() && target.requiresGrad) {
    throw new TypeError(
      `${what}: gradients with respect to the target are not supported; pass target.detach()`,
    );
  }
}

/** Every tensor is live and has the first one's shape (names: what each is, for the error). */
export function checkSameShapes(tensors: unknown[], names: string[], what: string): void {
  tensors.forEach((t, i) => checkTensor(t, `${what}: ${names[i]}`));
  const first = tensors[0] as Tensor;
  tensors.forEach((t, i) => {
    const shape = (t as Tensor).shape;
    if (!sameShape(shape, first.shape)) {
      throw new RangeError(
        `${what}: ${names[i]} shape ${formatShape(shape)} does not match ${names[0]} shape ${formatShape(first.shape)}`,
      );
    }
  });
}
