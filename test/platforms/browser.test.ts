/**
 * The built bundle in headless Chromium (Debian's, driven by playwright-core):
 * browser_check.html imports dist/neurenix.js from a local static server and
 * runs the checks. Fails on a wrong value and on anything the page logs as an
 * error (console.error, uncaught errors, failed requests). Also run with
 * WebAssembly SIMD128 taken away, where the js backend must take over. And
 * README's import-map snippet, served as a page, computes a loss.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../../examples/web/server";
import type { CheckReport } from "./checks";
import { HERE, OUTPUT, ROOT, expectReport, launchChromium, requireBundle, watchPage, writeChecksJs } from "./helpers";

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
  expectReport(report, "wasm-simd", ["wasm-simd", "js"], "relaxed-simd");
  await page.close();
});

it("falls back to js in a Chromium page without WebAssembly SIMD128, with the same values", async () => {
  const page = await browser.context.newPage();
  // The same SIMD-rejecting wrappers as the Node test, run before the page's scripts.
  await page.addInitScript({ path: join(HERE, "no_simd.mjs") });
  const report = await checkPage(page);
  expect(await page.evaluate(() => (globalThis as { __neurenixNoSimd?: boolean }).__neurenixNoSimd)).toBe(true);
  expectReport(report, "js", ["js"], null);
  await page.close();
});

it("runs README's import-map snippet (browsers without a bundler)", async () => {
  const blocks = [...readFileSync(join(ROOT, "README.md"), "utf8").matchAll(/^```html\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  expect(blocks, "README has one ```html block").toHaveLength(1);
  const documented = "/node_modules/neurenix/dist/neurenix.js";
  expect(blocks[0]).toContain(documented);
  // Served from the repository, the bundle is at /dist/ instead of an app's node_modules.
  const html = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">\n${blocks[0].replace(documented, "/dist/neurenix.js")}`;
  writeFileSync(join(OUTPUT, "readme_importmap.html"), html);
  const page = await browser.context.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.url}/test/platforms/output/readme_importmap.html`);
  await page.waitForFunction(() => /^loss /.test(document.body.textContent ?? ""), null, { timeout: 30_000 });
  expect(await page.textContent("body")).toMatch(/^loss \d+(\.\d+)?(e-?\d+)? on wasm-simd$/);
  expect(problems).toEqual([]);
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
  expectReport((await handle.jsonValue()) as CheckReport, "js", ["js"], null);
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
