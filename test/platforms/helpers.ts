/**
 * Shared by the platform tests: paths, prerequisites that fail loudly with
 * the command that fixes them, child processes that report JSON, the
 * headless Chromium launcher, and the assertions on a check report.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { formatReport, type CheckReport, type Expected } from "./checks";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const HERE = fileURLToPath(new URL("./", import.meta.url));
export const OUTPUT = join(HERE, "output");
export const BUNDLE = join(ROOT, "dist/neurenix.js");
export const TYPES = join(ROOT, "dist/neurenix.d.ts");
export const CHROMIUM = "/usr/bin/chromium";

/** The built bundle's path; throws with the fix when it is missing. */
export function requireBundle(): string {
  if (!existsSync(BUNDLE) || !existsSync(TYPES)) {
    throw new Error("dist/neurenix.js or dist/neurenix.d.ts is missing: run `npm run build` (or `npm run test:platforms`)");
  }
  return BUNDLE;
}

export function expected(): Expected {
  return JSON.parse(readFileSync(join(HERE, "expected.json"), "utf8")) as Expected;
}

/**
 * Writes output/checks.js: checks.ts with its types stripped (it imports
 * nothing but types), for plain Node and the browser page.
 */
export function writeChecksJs(): string {
  const source = readFileSync(join(HERE, "checks.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: false },
  });
  mkdirSync(OUTPUT, { recursive: true });
  const file = join(OUTPUT, "checks.js");
  writeFileSync(file, outputText);
  return file;
}

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (cwd: the repository), capturing its output. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Installs the package as a user gets it: `npm pack`'s tarball of the built
 * package unpacked as <dir>/node_modules/neurenix (dir is emptied first).
 */
export async function installPacked(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const pkg = join(dir, "node_modules/neurenix");
  mkdirSync(pkg, { recursive: true });
  // --ignore-scripts: the tests run on a built dist/; prepack would build it again.
  const pack = await run("npm", ["pack", "--ignore-scripts", "--pack-destination", dir]);
  if (pack.code !== 0) throw new Error(`npm pack failed (exit ${pack.code}):\n${pack.stderr}`);
  const [tarball] = readdirSync(dir).filter((f) => f.endsWith(".tgz"));
  const untar = await run("tar", ["-xzf", join(dir, tarball), "-C", pkg, "--strip-components=1"]);
  if (untar.code !== 0) throw new Error(`tar failed (exit ${untar.code}):\n${untar.stderr}`);
}

/** The JSON a check script printed on its last line, or an error showing what it printed. */
export function lastJsonLine<T>(r: ChildResult): T {
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`the check script printed no report (exit ${r.code})\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

/** Every check passed, on each backend listed, after `initialBackend` was selected on import. */
export function expectReport(
  report: CheckReport,
  initialBackend: "wasm-simd" | "js",
  backends: string[],
  kernelBuild: "relaxed-simd" | "simd128" | null,
): void {
  const text = formatReport(report);
  expect(report.initialBackend, text).toBe(initialBackend);
  expect(report.kernelBuild, text).toBe(kernelBuild);
  expect(report.wasmSimdAvailable, text).toBe(backends.includes("wasm-simd"));
  expect([...new Set(report.results.map((r) => r.backend))], text).toEqual(backends);
  const cases = expected();
  expect(report.results.length, text).toBe(backends.length * (cases.losses.length + cases.training.length));
  expect(report.results.filter((r) => !r.ok), text).toEqual([]);
}

/**
 * The kernel build this Node loads: relaxed SIMD is on by default from
 * Node 22 (V8 11.4+), behind --experimental-wasm-relaxed-simd in Node 20.
 */
export function nodeKernelBuild(): "relaxed-simd" | "simd128" {
  return Number(process.versions.node.split(".")[0]) >= 22 ? "relaxed-simd" : "simd128";
}

/** Headless Debian Chromium with a fresh profile; throws with the fix when it is not installed. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run \`bash scripts/install-browser.sh\` (as root: apt-get install -y chromium)`);
  }
  const profile = mkdtempSync(join(tmpdir(), "neurenix-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 820 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects what a page reports as going wrong: console errors, uncaught errors, failed or 4xx/5xx requests. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  page.on("response", (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return problems;
}
