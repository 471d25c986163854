/**
 * Re-renders latest.md and latest.svg from a results JSON without measuring
 * again (after a change to the report or the chart):
 *   npx tsx bench/render.ts [bench/results/latest.json]
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { markdown } from "./lib/report";
import type { Results } from "./lib/results";
import { chart } from "./lib/svg";
import { PYTORCH_SAMPLES_PER_SEC, checkTargets } from "./lib/targets";

const file = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), "results", "latest.json");
const results = JSON.parse(readFileSync(file, "utf8")) as Results;
results.targets = checkTargets(results);
const dir = path.dirname(file);
writeFileSync(path.join(dir, "latest.md"), markdown(results));
writeFileSync(path.join(dir, "latest.svg"), chart(results, PYTORCH_SAMPLES_PER_SEC));
console.log(`wrote ${dir}/latest.{md,svg}`);
