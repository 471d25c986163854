/** `nx.data`: datasets and batching, as `torch.utils.data`. */
export { TensorDataset, type Dataset } from "./dataset";
export { DataLoader, type DataLoaderOptions } from "./dataloader";
