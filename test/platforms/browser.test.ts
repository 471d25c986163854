/**
 * The built bundle in headless Chromium (Debian's, driven by playwright-core):
 * browser_check.html imports dist/neurenix.js from a local static server and
 * runs the checks. Fails on a wrong value and on anything the page logs as an
 * error (console.error, uncaught errors, failed requests).
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../../examples/web/server";
import type { CheckReport } from "./checks";
import { ROOT, expectReport, launchChromium, requireBundle, watchPage, writeChecksJs } from "./helpers";

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

it("passes the checks in Chromium on wasm-simd and js", async () => {
  const page = await browser.context.newPage();
  const problems = watchPage(page);
  await page.goto(`${server.url}/test/platforms/browser_check.html`);
  const handle = await page.waitForFunction(() => (window as { checkReport?: unknown }).checkReport, null, { timeout: 60_000 });
  const report = (await handle.jsonValue()) as CheckReport;
  console.log(`Chromium: ${await page.evaluate(() => navigator.userAgent)}`);
  expectReport(report, "wasm-simd", ["wasm-simd", "js"]);
  expect(problems).toEqual([]);
});
