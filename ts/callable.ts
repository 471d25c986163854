/**
 * Base for classes whose instances are also functions: `criterion(a, b)` is
 * `criterion.forward(a, b)` and `model(x)` is `model.forward(x)`, as in
 * PyTorch. The constructor returns an arrow function whose prototype is the
 * subclass's, so methods, fields and `instanceof` work as usual.
 */
export abstract class Callable {
  constructor() {
    const fn = (...args: unknown[]): unknown =>
      (fn as unknown as { forward(...a: unknown[]): unknown }).forward(...args);
    Object.setPrototypeOf(fn, new.target.prototype);
    return fn as unknown as Callable;
  }
}
