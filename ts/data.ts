/**
 * `nx.data`: datasets and batching, as `torch.utils.data`.
 * @module
 */
// The namespace's own file, so that its types are named `data.X` (not `index$1.X`) in the bundled .d.ts.
export * from "./data/index";
