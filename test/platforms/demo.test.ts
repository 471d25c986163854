/**
 * The demo page in headless Chromium: it loads, trains in its worker for the
 * chosen number of epochs and stops (the loss curve and the held-out accuracy
 * update, the chart's y-axis follows the losses), continues, switches kernels
 * and reports steps/s for both, predicts a digit drawn with the mouse, fits
 * a 390 px (and 360 px) wide screen without sideways scrolling, and resets.
 * Saves output/demo-1280.png and output/demo-390.png. Fails on anything the
 * page logs as an error.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
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
const STEPS_PER_EPOCH = 125; // 8,000 digits in batches of 64

/** The page's width against the viewport's, after a relayout at `width` px. */
async function widths(page: Page, width: number, height: number) {
  await page.setViewportSize({ width, height });
  await page.waitForFunction((w) => window.innerWidth === w, width);
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
}

it("trains for the chosen epochs and stops, continues, switches kernels, predicts a drawn digit, fits a phone", async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 820 });
  const problems = watchPage(page);
  await page.goto(server.url); // "/" redirects to the demo
  await page.waitForSelector("#train:not([disabled])", { timeout: 60_000 });
  expect(await page.isDisabled("#backend-wasm-simd"), "wasm-simd should be available in Chromium").toBe(false);
  expect(await page.inputValue("#epochs"), "the default run is the example's 10 epochs").toBe("10");
  expect(await page.getAttribute("#chart", "data-y-max"), "an empty chart has no y scale").toBeNull();
  const before = number(await page.textContent("#accuracy"));

  // A bad epoch count is refused with a message, and nothing trains.
  await page.fill("#epochs", "0");
  await page.click("#train");
  await expect.poll(() => page.textContent("#status")).toMatch(/Epochs: enter a whole number/);
  expect(await page.textContent("#step")).toBe("0");

  // Two epochs, then it stops by itself, past the held-out evaluation at the end of each epoch.
  await page.fill("#epochs", "2");
  await page.click("#train");
  await page.waitForFunction(() => document.getElementById("train")!.textContent === "Continue", null, { timeout: 90_000 });
  const stopped = number(await page.textContent("#step"));
  expect(stopped).toBe(2 * STEPS_PER_EPOCH);
  expect(await page.textContent("#epoch")).toBe("2 / 2");
  await page.waitForTimeout(500);
  expect(number(await page.textContent("#step")), "training went on after the last epoch").toBe(stopped);
  expect(await page.getAttribute("#backend-wasm-simd", "aria-checked")).toBe("true");
  const after = number(await page.textContent("#accuracy"));
  expect(after, `held-out accuracy ${after}% after two epochs (${before}% untrained)`).toBeGreaterThan(80);
  expect(number(await page.textContent("#loss"))).toBeLessThan(1.5);
  // The y-axis spans the losses: the first ones are about ln 10 ≈ 2.3 for 10 classes.
  const yMax = Number(await page.getAttribute("#chart", "data-y-max"));
  expect(yMax).toBeGreaterThanOrEqual(2.3);
  expect(yMax).toBeLessThanOrEqual(3);

  // Continue for long enough to measure both kernels' speed, then pause.
  await page.fill("#epochs", "50");
  await page.click("#train");
  await page.waitForFunction(() => document.getElementById("train")!.textContent === "Pause");
  await page.click("#backend-js");
  await page.waitForFunction(() => /steps\/s/.test(document.querySelector('.speed-row[data-backend="js"] .rate')!.textContent!));
  expect(await page.getAttribute("#backend-js", "aria-checked")).toBe("true");
  await page.click("#backend-wasm-simd");
  await page.waitForFunction(() => document.getElementById("speedup")!.textContent!.includes("×"));
  await page.click("#train"); // pause
  await page.waitForFunction(() => document.getElementById("train")!.textContent === "Resume");
  const paused = number(await page.textContent("#step"));
  expect(paused).toBeGreaterThan(stopped);
  expect(paused).toBeLessThan(stopped + 50 * STEPS_PER_EPOCH);

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
  await page.screenshot({ path: join(OUTPUT, "demo-1280.png"), fullPage: true });

  // Phones: no sideways scrolling at 390 px (an iPhone) nor at 360 px; the drawing pad stays square.
  const at390 = await widths(page, 390, 844);
  expect(at390.scrollWidth, "the page scrolls sideways at 390 px").toBeLessThanOrEqual(at390.innerWidth);
  const pad = (await page.locator("#draw").boundingBox())!;
  expect(Math.abs(pad.width - pad.height)).toBeLessThan(1);
  await page.waitForTimeout(100); // the chart redraws on the next animation frame
  await page.screenshot({ path: join(OUTPUT, "demo-390.png"), fullPage: true });
  const at360 = await widths(page, 360, 740);
  expect(at360.scrollWidth, "the page scrolls sideways at 360 px").toBeLessThanOrEqual(at360.innerWidth);

  // Reset starts a fresh model: the step count and the loss go back.
  await page.click("#reset");
  await page.waitForFunction(() => document.getElementById("step")!.textContent === "0");
  expect(await page.textContent("#train")).toBe("Train");
  expect(problems).toEqual([]);
});
