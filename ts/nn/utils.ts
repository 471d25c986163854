/**
 * `nx.nn.utils`, as torch.nn.utils: gradient clipping.
 *
 * @example
 * ```ts
 * const model = new nx.Linear(3, 1);
 * model(nx.ones([2, 3])).sum().backward();
 * nx.nn.utils.clipGradNorm(model.parameters(), 1.0);
 * ```
 * @module
 */
export { clipGradNorm, type ClipGradNormOptions } from "./clip_grad";
