/** `nx.nn.utils`, as torch.nn.utils: gradient clipping. */
export { clipGradNorm, type ClipGradNormOptions } from "./clip_grad";
