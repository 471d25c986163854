/**
 * The demo page in headless Chromium: it loads, trains in its worker (the
 * loss curve and the held-out accuracy update), switches kernels and reports
 * steps/s for both, predicts a digit drawn with the mouse, and resets. Saves
 * output/demo.png. Fails on anything the page logs as an error.
 */
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ensureData } from "../../examples/web/build_data";
import { startStaticServer, type StaticServer } from "../../examples/web/server";
import { OUTPUT, ROOT, launchChromium, requireBundle, watchPage } from "./helpers";

let server: StaticServer;
let browser: Awaited<ReturnType<typeof launchChromium>>;

beforeAll(async () => {
  requireBundle();
  ensureData();
  server = await startStaticServer({ root: ROOT, index: "/examples/web/" });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const number = (text: string | null) => Number((text ?? "").replace(/[^0-9.]/g, ""));

it("trains, switches kernels, and predicts a drawn digit", async () => {
  const page = await browser.context.newPage();
  const problems = watchPage(page);
  await page.goto(server.url); // "/" redirects to the demo
  await page.waitForSelector("#train:not([disabled])", { timeout: 60_000 });
  expect(await page.isDisabled("#backend-wasm-simd"), "wasm-simd should be available in Chromium").toBe(false);
  const before = number(await page.textContent("#accuracy"));

  // Past the first held-out evaluation (every 125 steps).
  await page.click("#train");
  await page.waitForFunction(() => Number(document.getElementById("step")!.textContent!.replace(/,/g, "")) >= 130, null, {
    timeout: 90_000,
  });
  expect(await page.getAttribute("#backend-wasm-simd", "aria-checked")).toBe("true");
  const after = number(await page.textContent("#accuracy"));
  expect(after, `held-out accuracy ${after}% after one epoch (${before}% untrained)`).toBeGreaterThan(80);
  expect(number(await page.textContent("#loss"))).toBeLessThan(1.5);

  // Both kernels report their speed.
  await page.click("#backend-js");
  await page.waitForFunction(() => /steps\/s/.test(document.querySelector('.speed-row[data-backend="js"] .rate')!.textContent!));
  expect(await page.getAttribute("#backend-js", "aria-checked")).toBe("true");
  await page.click("#backend-wasm-simd");
  await page.waitForFunction(() => document.getElementById("speedup")!.textContent!.includes("×"));
  await page.click("#train"); // pause
  await page.waitForFunction(() => document.getElementById("train")!.textContent === "Train");

  // Draw a "1": one vertical stroke.
  const box = (await page.locator("#draw").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.52, box.y + box.height * 0.15);
  await page.mouse.down();
  for (let k = 1; k <= 12; k++) await page.mouse.move(box.x + box.width * (0.52 - 0.01 * k * 0.4), box.y + box.height * (0.15 + (0.7 * k) / 12));
  await page.mouse.up();
  await page.waitForSelector("#prediction[data-class]");
  const predicted = await page.getAttribute("#prediction", "data-class");
  const percents = await page.locator("#probs .pct").allTextContents();
  expect(percents).toHaveLength(10);
  expect(percents.reduce((s, p) => s + number(p), 0)).toBeCloseTo(100, 0);
  expect(predicted, `probabilities ${percents.join(" ")}`).toBe("1");

  await page.screenshot({ path: join(OUTPUT, "demo.png"), fullPage: true });

  // Reset starts a fresh model: the step count and the loss go back.
  await page.click("#reset");
  await page.waitForFunction(() => document.getElementById("step")!.textContent === "0");
  expect(problems).toEqual([]);
});
