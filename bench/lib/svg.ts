/**
 * bench/results/latest.svg: speed-up vs the hand-written JS loop per
 * workload and contender, horizontal bars on a log axis (the ratios span
 * 0.01× to 100×), the 1× line marked; below it, training samples/s on a
 * linear axis with PyTorch's figure as a dashed line. Plain SVG, no fonts or
 * scripts to load.
 */
import { find, type Results } from "./results";
import { LOSS_SHORT } from "../workloads/problem";
import { formatNumber } from "./stats";

const BARS: { key: string; label: string; color: string }[] = [
  { key: "nx-wasm-api", label: "neurenix wasm-simd (API)", color: "#1f4e99" },
  { key: "nx-wasm-kernel", label: "neurenix wasm-simd (kernel)", color: "#6d9eeb" },
  { key: "nx-js-api", label: "neurenix js (API)", color: "#8e9aaf" },
  { key: "tfjs-wasm", label: "tfjs 4.22 wasm", color: "#e8710a" },
  { key: "tfjs-cpu", label: "tfjs 4.22 cpu", color: "#f6c26b" },
];
const TRAINING_COLORS: Record<string, string> = {
  "nx-wasm": "#1f4e99",
  "nx-js": "#8e9aaf",
  "tfjs-wasm": "#e8710a",
  "tfjs-cpu": "#f6c26b",
};

const WIDTH = 980;
const LEFT = 200;
const RIGHT = 70;
const BAR = 9;
const GAP = 2;
const GROUP_GAP = 12;
const FONT = `font-family="Helvetica, Arial, sans-serif"`;

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function text(x: number, y: number, s: string, attrs = ""): string {
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
}

export function chart(r: Results, pytorchSamplesPerSec: number): string {
  const plotW = WIDTH - LEFT - RIGHT;
  const speedups = r.cases.flatMap((c) => BARS.map((b) => find(c, b.key)?.speedup ?? NaN)).filter(Number.isFinite);
  const lo = Math.min(0.01, 10 ** Math.floor(Math.log10(Math.min(...speedups, 1))));
  const hi = Math.max(100, 10 ** Math.ceil(Math.log10(Math.max(...speedups, 1))));
  const x = (v: number) => LEFT + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotW;

  const out: string[] = [];
  let y = 30;
  out.push(text(LEFT, y, "Speed-up vs a hand-written Float32Array loop (log scale, higher is better)", `font-size="15" font-weight="bold"`));
  y += 20;
  out.push(
    text(LEFT, y, `${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, ${r.date.slice(0, 10)}`, `font-size="11" fill="#555"`),
  );
  y += 18;
  // Legend: one row.
  let lx = LEFT;
  for (const b of BARS) {
    out.push(`<rect x="${lx}" y="${y - 9}" width="12" height="10" fill="${b.color}"/>`);
    out.push(text(lx + 16, y, b.label, `font-size="11"`));
    lx += 16 + b.label.length * 6 + 14;
  }
  y += 16;
  const top = y;

  const rows: string[] = [];
  let previousLoss = "";
  for (const c of r.cases) {
    const bars = BARS.filter((b) => find(c, b.key) !== undefined);
    if (bars.length === 0) continue;
    if (c.loss !== previousLoss && previousLoss !== "") {
      rows.push(`<line x1="10" x2="${WIDTH - 10}" y1="${y + GROUP_GAP / 2 - 2}" y2="${y + GROUP_GAP / 2 - 2}" stroke="#bbb"/>`);
      y += 4;
    }
    previousLoss = c.loss;
    y += GROUP_GAP / 2;
    const groupH = bars.length * (BAR + GAP) - GAP;
    const name = `${LOSS_SHORT[c.loss]} ${c.label} ${c.mode === "fwd" ? "fwd" : "fwd+grad"}`;
    rows.push(text(LEFT - 8, y + groupH / 2 + 4, name, `font-size="11.5" text-anchor="end"`));
    for (const b of bars) {
      const s = find(c, b.key)!.speedup;
      const end = x(Math.max(s, lo));
      rows.push(`<rect x="${LEFT}" y="${y}" width="${Math.max(end - LEFT, 1).toFixed(1)}" height="${BAR}" fill="${b.color}"/>`);
      rows.push(text(end + 3, y + BAR - 1, `${formatNumber(s, 2)}×`, `font-size="9" fill="#333"`));
      y += BAR + GAP;
    }
    y += GROUP_GAP / 2;
  }
  const bottom = y;
  // Grid and axis under the bars.
  for (let e = Math.log10(lo); e <= Math.log10(hi) + 1e-9; e++) {
    const v = 10 ** e;
    const gx = x(v).toFixed(1);
    const one = Math.abs(e) < 1e-9;
    out.push(
      `<line x1="${gx}" x2="${gx}" y1="${top}" y2="${bottom}" stroke="${one ? "#222" : "#ddd"}" stroke-width="${one ? 1.5 : 1}"/>`,
    );
    out.push(text(x(v), bottom + 14, one ? "1× (JS loop)" : `${formatNumber(v, 1)}×`, `font-size="11" text-anchor="middle"`));
  }
  out.push(...rows);
  y = bottom + 50;

  // Training panel.
  const training = r.training.results;
  if (training.length > 0) {
    out.push(text(LEFT, y, "Training throughput, samples/s (784→128→10, batch 64, Adam)", `font-size="15" font-weight="bold"`));
    y += 14;
    const maxRate = Math.max(pytorchSamplesPerSec, ...training.map((t) => t.samplesPerSec)) * 1.1;
    const tx = (v: number) => LEFT + (v / maxRate) * plotW;
    const tTop = y;
    for (const t of training) {
      out.push(text(LEFT - 8, y + 12, t.label, `font-size="11.5" text-anchor="end"`));
      out.push(
        `<rect x="${LEFT}" y="${y + 2}" width="${Math.max(tx(t.samplesPerSec) - LEFT, 1).toFixed(1)}" height="14" fill="${TRAINING_COLORS[t.key] ?? "#999"}"/>`,
      );
      out.push(text(tx(t.samplesPerSec) + 4, y + 13, Math.round(t.samplesPerSec).toLocaleString("en-US"), `font-size="10"`));
      y += 20;
    }
    const px = tx(pytorchSamplesPerSec).toFixed(1);
    out.push(`<line x1="${px}" x2="${px}" y1="${tTop - 2}" y2="${y + 2}" stroke="#c00" stroke-dasharray="4 3"/>`);
    out.push(
      text(tx(pytorchSamplesPerSec), y + 14, `PyTorch CPU ≈ ${pytorchSamplesPerSec.toLocaleString("en-US")}`, `font-size="10" fill="#c00" text-anchor="middle"`),
    );
    y += 30;
  }

  const height = Math.ceil(y + 10);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>
<rect width="100%" height="100%" fill="white"/>
${out.join("\n")}
</svg>
`;
}
