/** Files the examples write under examples/output/ (git-ignored; the README's copies live in examples/gallery/). */
import { mkdirSync, writeFileSync } from "node:fs";
import * as nx from "../../ts/index";

const OUT = new URL("../output/", import.meta.url);

/** Writes examples/output/<name>; returns the path relative to the repository. */
export function writeOutput(name: string, content: string | Uint8Array): string {
  mkdirSync(OUT, { recursive: true });
  writeFileSync(new URL(name, OUT), content);
  return `examples/output/${name}`;
}

/**
 * The initial weights of a task's runs: a model made after nx.manualSeed(0),
 * saved for its PyTorch twin (examples/lib/twin.py's initial_state).
 */
export function initialWeights(task: string, makeModel: () => nx.Module): Record<string, Float32Array> {
  nx.manualSeed(0);
  const model = makeModel();
  const path = writeOutput(`${task}_init.safetensors`, nx.safetensors.saveModel(model, { format: "pt" }));
  console.log(`initial weights: ${path}\n`);
  return model.stateDict();
}
