/**
 * A loss curve as a standalone SVG document: the loss of every step in
 * light grey, its moving average in blue, epoch boundaries dashed, axes with
 * round tick values. No dependencies; open the file in any browser.
 */

export interface LossCurveOptions {
  title: string;
  /** Draws a dashed line between epochs. */
  stepsPerEpoch?: number;
  /** Moving-average window in steps (default 25). */
  smooth?: number;
}

const W = 720;
const H = 400;
const M = { left: 64, right: 20, top: 40, bottom: 48 };

/** About `count` round tick values from 0 up to at least max. */
function ticks(max: number, count: number): number[] {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out = [0];
  while (out[out.length - 1] < max - 1e-9 * step) out.push(Number((out.length * step).toPrecision(12)));
  return out;
}

function movingAverage(values: number[], window: number): number[] {
  let sum = 0;
  return values.map((v, i) => {
    sum += v;
    if (i >= window) sum -= values[i - window];
    return sum / Math.min(i + 1, window);
  });
}

export function lossCurveSvg(losses: number[], opts: LossCurveOptions): string {
  const n = losses.length;
  const yTicks = ticks(Math.max(...losses.filter(Number.isFinite), 1e-6), 5);
  const yMax = yTicks[yTicks.length - 1];
  const xTicks = ticks(Math.max(n, 1), 8);
  const xMax = xTicks[xTicks.length - 1];
  const x = (i: number) => M.left + ((W - M.left - M.right) * i) / xMax;
  const y = (v: number) => H - M.bottom - ((H - M.top - M.bottom) * Math.min(v, yMax)) / yMax;
  const path = (vs: number[]) => vs.map((v, i) => `${x(i + 1).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${escape(opts.title)}</text>`,
  ];
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end">${t}</text>`);
  }
  for (const t of xTicks) parts.push(`<text x="${x(t)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`);
  if (opts.stepsPerEpoch !== undefined) {
    for (let s = opts.stepsPerEpoch; s < n; s += opts.stepsPerEpoch) {
      parts.push(`<line x1="${x(s)}" x2="${x(s)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#ccc" stroke-dasharray="4 4"/>`);
    }
  }
  parts.push(
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="black"/>`,
    `<text x="${(W + M.left) / 2}" y="${H - 10}" text-anchor="middle">step</text>`,
    `<text transform="translate(16 ${(H + M.top - M.bottom) / 2}) rotate(-90)" text-anchor="middle">loss</text>`,
    `<polyline points="${path(losses)}" fill="none" stroke="#bbb" stroke-width="1"/>`,
    `<polyline points="${path(movingAverage(losses, opts.smooth ?? 25))}" fill="none" stroke="#1f6fd1" stroke-width="2"/>`,
    `<line x1="${W - 230}" x2="${W - 210}" y1="${M.top + 8}" y2="${M.top + 8}" stroke="#bbb"/>`,
    `<text x="${W - 204}" y="${M.top + 12}">each step</text>`,
    `<line x1="${W - 140}" x2="${W - 120}" y1="${M.top + 8}" y2="${M.top + 8}" stroke="#1f6fd1" stroke-width="2"/>`,
    `<text x="${W - 114}" y="${M.top + 12}">mean of last ${opts.smooth ?? 25}</text>`,
    `</svg>`,
  );
  return parts.join("\n") + "\n";
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
