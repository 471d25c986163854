/**
 * `nx.optim`: optimizers, as in `torch.optim`.
 * @module
 */
// The namespace's own file, so that its types are named `optim.X` (not `index$1.X`) in the bundled .d.ts.
export * from "./optim/index";
