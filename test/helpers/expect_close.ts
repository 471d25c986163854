/**
 * expectClose: the one closeness assertion of the test suite.
 *
 * Passes when, at every index, |actual − expected| ≤ atol + rtol · |expected|
 * (NumPy's allclose rule), where NaN only matches NaN and ±∞ only the same
 * infinity. Tolerances are stated per op by each test, never one global
 * epsilon. A failure names the label, how many entries are off, and the first
 * few of them with index, actual, expected, difference and allowance.
 */

export interface Tolerance {
  rtol: number;
  atol: number;
}

const SHOWN = 5;

function isClose(a: number, e: number, rtol: number, atol: number): boolean {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a);
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

export function expectClose(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
  { rtol, atol }: Tolerance,
  label: string,
): void {
  const act = typeof actual === "number" ? [actual] : actual;
  const exp = typeof expected === "number" ? [expected] : expected;
  if (act.length !== exp.length) {
    throw new Error(`${label}: got ${act.length} values, expected ${exp.length}`);
  }
  const bad: string[] = [];
  let count = 0;
  for (let i = 0; i < exp.length; i++) {
    const a = act[i];
    const e = exp[i];
    if (isClose(a, e, rtol, atol)) continue;
    count++;
    if (bad.length < SHOWN) {
      const allowed = atol + rtol * Math.abs(e);
      bad.push(`  [${i}] got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > allowed ${allowed})`);
    }
  }
  if (count > 0) {
    throw new Error(
      `${label}: ${count} of ${exp.length} values differ beyond rtol ${rtol}, atol ${atol}:\n${bad.join("\n")}` +
        (count > SHOWN ? `\n  … and ${count - SHOWN} more` : ""),
    );
  }
}
