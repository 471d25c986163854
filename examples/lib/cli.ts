/** Command-line bits shared by the examples: `--name=value` options and "run main only when executed". */
import { pathToFileURL } from "node:url";
import * as nx from "../../ts/index";

/** The value of `--name=value` on the command line, or `fallback`. */
export function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

/** Whether the module at `url` is the script being run (not imported, e.g. by a test). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
}

/** Switches to the backend named by `--backend=js|wasm-simd` (default: the current one); returns its name. */
export function backendOption(): nx.BackendName {
  nx.setBackend(option("backend", nx.backend()) as nx.BackendName);
  return nx.backend();
}
