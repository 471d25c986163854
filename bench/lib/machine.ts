/**
 * Machine facts printed with the results: CPU (from /proc/cpuinfo), cores,
 * memory, load, node/V8 and package versions, the commit measured.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { kernelBuild } from "../../ts/backend/select";

export interface Machine {
  cpu: string;
  cpuFamilyModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  v8: string;
  neurenix: string;
  /** nx.kernelBuild(): the build of the wasm kernels measured as wasm-simd. */
  kernels: string;
  commit: string;
  /** 1-minute load averages at start and end: another busy process skews everything. */
  loadAverage: number[];
}

function cpuinfo(key: string): string {
  try {
    const text = readFileSync("/proc/cpuinfo", "utf8");
    const line = text.split("\n").find((l) => l.startsWith(key));
    return line?.split(":")[1]?.trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

function commit(): string {
  try {
    const hash = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "ts", "crates"], { encoding: "utf8" }).trim();
    return dirty === "" ? hash : `${hash}+local changes`;
  } catch {
    return "unknown";
  }
}

export function machine(): Machine {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return {
    cpu: cpuinfo("model name") === "unknown" ? os.cpus()[0]?.model ?? "unknown" : cpuinfo("model name"),
    cpuFamilyModel: `family ${cpuinfo("cpu family")}, model ${cpuinfo("model")}`,
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    v8: process.versions.v8,
    neurenix: pkg.version,
    kernels: kernelBuild() ?? "none",
    commit: commit(),
    loadAverage: [os.loadavg()[0]],
  };
}
