/**
 * neurenix: PyTorch-style losses with autograd for TypeScript, on Rust
 * kernels compiled to WebAssembly SIMD128 (with a pure-JS fallback).
 *
 *   import * as nx from "neurenix";
 *   const criterion = new nx.CrossEntropyLoss();
 *   const loss = criterion(logits, targets);
 *   loss.backward();
 *
 * Importing the package instantiates the kernels synchronously: there is
 * nothing to initialise. See README.md for the whole API.
 */
export { Tensor, type TensorData, type TensorOptions, type NestedArray } from "./tensor";
export { zeros, ones, full, randn, rand, arange, type FactoryOptions, type RandomOptions, type ShapeArgs } from "./factories";
export { noGrad } from "./autograd/graph";
export { where } from "./ops/select_ops";
export { cat, stack } from "./ops/index_ops";
export { tidy, keep } from "./memory/scope";
export { memory, configureMemory, type MemoryInfo, type MemoryOptions } from "./memory/storage";
export { manualSeed } from "./random";
export { backend, setBackend, kernelBuild } from "./backend/select";
export type { BackendName } from "./backend/backend";
export type { KernelBuild } from "./wasm/loader";
export * from "./losses/index";
export * as nn from "./nn";
export * as F from "./nn/functional";
export { Module, Linear, ReLU, Sigmoid, Tanh, Sequential, Dropout, Flatten } from "./nn/index";
export * as optim from "./optim";
export * as data from "./data";
export * as safetensors from "./io/safetensors";
