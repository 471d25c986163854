/**
 * A picture grid as a standalone SVG: a title, lines of notes, then rows of
 * PNG tiles (embedded as data URIs) each with a label on the left and an
 * optional caption under each tile, and an optional colour legend. No
 * dependencies; any browser shows it, and GitHub shows it in a README.
 */

export interface Tile {
  png: Buffer;
  caption?: string;
  /** Caption colour (default dark grey). */
  color?: string;
}

export interface FigureRow {
  label: string;
  tiles: Tile[];
}

export interface FigureOptions {
  title: string;
  notes?: string[];
  rows: FigureRow[];
  /** Tile width and height in the SVG, in px. */
  tile: number;
  legend?: { label: string; color: string }[];
}

const GAP = 6;
const LABEL_W = 170;

export function figureSvg(opts: FigureOptions): string {
  const notes = opts.notes ?? [];
  const captioned = opts.rows.some((r) => r.tiles.some((t) => t.caption !== undefined));
  const rowH = opts.tile + (captioned ? 16 : 0) + GAP;
  const columns = Math.max(...opts.rows.map((r) => r.tiles.length));
  // Text widths estimated from the font sizes (about 0.6 em per character), so that no line is cut off.
  const textW = Math.max(20 + 10 * opts.title.length, ...notes.map((n) => 20 + 7.6 * n.length));
  const W = Math.ceil(Math.max(LABEL_W + columns * (opts.tile + GAP) + 10, textW));
  const top = 36 + 18 * notes.length;
  const legendH = opts.legend === undefined ? 0 : 30;
  const H = top + rowH * opts.rows.length + legendH + 6;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="10" y="24" font-size="16" font-weight="bold">${escape(opts.title)}</text>`,
    ...notes.map((n, i) => `<text x="10" y="${46 + 18 * i}" fill="#333">${escape(n)}</text>`),
  ];
  opts.rows.forEach((row, r) => {
    const y = top + r * rowH;
    const lines = row.label.split("\n");
    lines.forEach((line, k) => {
      const ly = y + opts.tile / 2 + 4 + 15 * (k - (lines.length - 1) / 2);
      parts.push(`<text x="${LABEL_W - 10}" y="${ly}" text-anchor="end">${escape(line)}</text>`);
    });
    row.tiles.forEach((t, c) => {
      const x = LABEL_W + c * (opts.tile + GAP);
      const uri = `data:image/png;base64,${t.png.toString("base64")}`;
      parts.push(`<image x="${x}" y="${y}" width="${opts.tile}" height="${opts.tile}" href="${uri}" style="image-rendering:pixelated"/>`);
      parts.push(`<rect x="${x}" y="${y}" width="${opts.tile}" height="${opts.tile}" fill="none" stroke="#ccc"/>`);
      if (t.caption !== undefined) {
        parts.push(
          `<text x="${x + opts.tile / 2}" y="${y + opts.tile + 13}" text-anchor="middle" font-size="11" fill="${t.color ?? "#333"}">${escape(t.caption)}</text>`,
        );
      }
    });
  });
  if (opts.legend !== undefined) {
    let x = LABEL_W;
    const y = top + rowH * opts.rows.length + 8;
    for (const { label, color } of opts.legend) {
      parts.push(`<rect x="${x}" y="${y}" width="14" height="14" fill="${color}" stroke="#999"/>`);
      parts.push(`<text x="${x + 18}" y="${y + 12}">${escape(label)}</text>`);
      x += 26 + 7 * label.length;
    }
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
