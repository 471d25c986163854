/**
 * `nx.nn`: the module classes and the losses, as in `torch.nn`.
 * @module
 */
// The namespace's own file, so that its types are named `nn.X` (not `index$1.X`) in the bundled .d.ts.
export * from "./nn/index";
