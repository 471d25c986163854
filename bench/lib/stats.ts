/**
 * Small statistics and number formatting for the benchmark tables.
 *
 * Timings are summarised by the median over rounds (robust to the odd GC
 * pause or a neighbour process on the shared cores) and their spread by the
 * median absolute deviation relative to the median.
 */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median absolute deviation / median: 0.02 means the rounds agree within ~2%. */
export function relativeSpread(xs: readonly number[]): number {
  const m = median(xs);
  return median(xs.map((x) => Math.abs(x - m))) / m;
}

/** |value − reference| / |reference| (absolute error when the reference is 0). */
export function relativeError(value: number, reference: number): number {
  const diff = Math.abs(value - reference);
  return reference === 0 ? diff : diff / Math.abs(reference);
}

/** Seconds as "12.3 µs", "4.56 ms", "1.23 s". */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return "—";
  if (seconds < 1e-6) return `${(seconds * 1e9).toPrecision(3)} ns`;
  if (seconds < 1e-3) return `${(seconds * 1e6).toPrecision(3)} µs`;
  if (seconds < 1) return `${(seconds * 1e3).toPrecision(3)} ms`;
  return `${seconds.toPrecision(3)} s`;
}

/** Three significant digits, plain notation up to 1e6. */
export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return x.toExponential(digits - 1);
  if (a >= 10 ** digits) return Math.round(x).toString();
  return x.toPrecision(digits);
}

/** 1.5e-7 → "1.5e-7", 0 → "0". */
export function formatError(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x === 0 ? "0" : x.toExponential(1).replace(/\.0e/, "e");
}

/** 4000000 → "4e6", 100000 → "1e5", 1000 → "1e3", 64 → "64". */
export function formatCount(n: number): string {
  if (n >= 1000 && Number.isInteger(Math.log10(n / Number(String(n)[0])))) {
    const exponent = Math.round(Math.log10(n / Number(String(n)[0])));
    return `${String(n)[0]}e${exponent}`;
  }
  return String(n);
}
