/**
 * The built bundle in headless Chromium (Debian's, driven by playwright-core):
 * browser_check.html imports dist/neurenix.js from a local static server and
 * runs the checks. Fails on a wrong value and on anything the page logs as an
 * error (console.error, uncaught errors, failed requests). Also run with
 * WebAssembly SIMD128 taken away, where the js backend must take over.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../../examples/web/server";
import type { CheckReport } from "./checks";
import { HERE, ROOT, expectReport, launchChromium, requireBundle, watchPage, writeChecksJs } from "./helpers";

let server: StaticServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  requireBundle();
  writeChecksJs();
  server = await startStaticServer({ root: ROOT });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function checkPage(page: Page): Promise<CheckReport> {
  const problems = watchPage(page);
  await page.goto(`${server.url}/test/platforms/browser_check.html`);
  const handle = await page.waitForFunction(() => (window as { checkReport?: unknown }).checkReport, null, { timeout: 60_000 });
  const report = (await handle.jsonValue()) as CheckReport;
  expect(problems).toEqual([]);
  return report;
}

it("passes the checks in Chromium on wasm-simd and js", async () => {
  const page = await browser.context.newPage();
  const report = await checkPage(page);
  console.log(`Chromium: ${await page.evaluate(() => navigator.userAgent)}`);
  expectReport(report, "wasm-simd", ["wasm-simd", "js"]);
  await page.close();
});

it("falls back to js in a Chromium page without WebAssembly SIMD128, with the same values", async () => {
  const page = await browser.context.newPage();
  // The same SIMD-rejecting wrappers as the Node test, run before the page's scripts.
  await page.addInitScript({ path: join(HERE, "no_simd.mjs") });
  const report = await checkPage(page);
  expect(await page.evaluate(() => (globalThis as { __neurenixNoSimd?: boolean }).__neurenixNoSimd)).toBe(true);
  expectReport(report, "js", ["js"]);
  await page.close();
});

it("under a Content-Security-Policy without 'wasm-unsafe-eval': js, one warning, and setBackend names the real cause", async () => {
  const page = await browser.context.newPage();
  const warnings: string[] = [];
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning") warnings.push(m.text());
    // Chromium itself logs the CSP refusal as an error; anything else is a problem.
    if (m.type() === "error" && !/Content Security Policy/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
  await page.route("**/test/platforms/browser_check.html", async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers(), "content-security-policy": "script-src 'self' 'unsafe-inline'" };
    await route.fulfill({ response, headers });
  });
  await page.goto(`${server.url}/test/platforms/browser_check.html`);
  const handle = await page.waitForFunction(() => (window as { checkReport?: unknown }).checkReport, null, { timeout: 60_000 });
  expectReport((await handle.jsonValue()) as CheckReport, "js", ["js"]);
  // DevTools evaluation is not subject to the page's CSP.
  const message = await page.evaluate(
    `import("/dist/neurenix.js").then((nx) => { try { nx.setBackend("wasm-simd"); return "no error"; } catch (e) { return e.message; } })`,
  );
  expect(message).toMatch(/refused to compile the kernels: CompileError: .*Content Security Policy/);
  expect(message).not.toMatch(/SIMD128/);
  expect(warnings.filter((w) => w.startsWith("neurenix: using the js backend")).length, warnings.join("\n")).toBe(1);
  expect(errors).toEqual([]);
  await page.close();
});
