/**
 * Scatter panels as a standalone SVG: a title, lines of notes, then one
 * square panel per series side by side, each plotting predicted against true
 * values on the same axes, with the diagonal (a perfect prediction) dashed
 * and a caption under the panel. No dependencies, as examples/lib/figure.ts.
 */
import { escape, svgStart, textWidth } from "./figure";

export interface ScatterPanel {
  title: string;
  /** [true, predicted] pairs. */
  points: [number, number][];
  caption?: string;
  color?: string;
}

export interface ScatterOptions {
  title: string;
  notes?: string[];
  panels: ScatterPanel[];
  /** Both axes span [min, max], ticks every `step`. */
  axis: { min: number; max: number; step: number; x: string; y: string };
  /** Panel side in px (default 220). */
  size?: number;
}

const GAP = 56;
const LEFT = 56;

export function scatterSvg(opts: ScatterOptions): string {
  const S = opts.size ?? 220;
  const notes = opts.notes ?? [];
  const { min, max, step } = opts.axis;
  const top = 40 + 18 * notes.length + 22;
  const W = Math.ceil(Math.max(LEFT + opts.panels.length * (S + GAP), textWidth(opts.title, notes)));
  const H = top + S + 60;
  const scale = (v: number) => (S * (Math.min(max, Math.max(min, v)) - min)) / (max - min);
  const ticks: number[] = [];
  for (let t = min; t <= max + 1e-9; t += step) ticks.push(Number(t.toPrecision(10)));
  const parts = svgStart(W, H, opts.title, notes);
  opts.panels.forEach((panel, k) => {
    const x0 = LEFT + k * (S + GAP);
    const px = (v: number) => (x0 + scale(v)).toFixed(1);
    const py = (v: number) => (top + S - scale(v)).toFixed(1);
    parts.push(`<text x="${x0 + S / 2}" y="${top - 8}" text-anchor="middle" font-weight="bold">${escape(panel.title)}</text>`);
    parts.push(`<rect x="${x0}" y="${top}" width="${S}" height="${S}" fill="#fafafa" stroke="#999"/>`);
    for (const t of ticks) {
      parts.push(`<line x1="${px(t)}" x2="${px(t)}" y1="${top}" y2="${top + S}" stroke="#eee"/>`);
      parts.push(`<line x1="${x0}" x2="${x0 + S}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
      parts.push(`<text x="${px(t)}" y="${top + S + 14}" text-anchor="middle" font-size="10">${t}</text>`);
      if (k === 0) parts.push(`<text x="${x0 - 5}" y="${Number(py(t)) + 3}" text-anchor="end" font-size="10">${t}</text>`);
    }
    parts.push(`<line x1="${px(min)}" y1="${py(min)}" x2="${px(max)}" y2="${py(max)}" stroke="#888" stroke-dasharray="4 3"/>`);
    for (const [t, p] of panel.points) {
      // Predictions beyond the axis are drawn on its edge as open circles.
      const out = p < min || p > max;
      parts.push(`<circle cx="${px(t)}" cy="${py(p)}" r="3" fill="${out ? "none" : panel.color ?? "#1f6fd1"}" stroke="${panel.color ?? "#1f6fd1"}" fill-opacity="0.7"/>`);
    }
    parts.push(`<text x="${x0 + S / 2}" y="${top + S + 30}" text-anchor="middle">${escape(opts.axis.x)}</text>`);
    if (panel.caption !== undefined) parts.push(`<text x="${x0 + S / 2}" y="${top + S + 48}" text-anchor="middle" fill="#333">${escape(panel.caption)}</text>`);
  });
  parts.push(`<text transform="translate(16 ${top + S / 2}) rotate(-90)" text-anchor="middle">${escape(opts.axis.y)}</text>`);
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

