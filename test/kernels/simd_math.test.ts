/**
 * The SIMD exp for non-positive arguments against its scalar twin, bit for
 * bit, and against Math.exp, through kernels that expose it (no export of
 * its own): with inner = 1, softmax and logSoftmaxBackward run rows 0–3 in
 * the four lanes of a v128 (crates/kernels/src/softmax.rs) and row 4 with
 * the scalar math (math.rs), so a row repeated in both places must come
 * out identical — in the SIMD128 build. The relaxed-SIMD build's
 * `relaxed_madd` may fuse (one rounding), so there the SIMD rows are only
 * held to the same accuracy bound.
 *
 * - logSoftmaxBackward(y, gy) with gy = (1, 0, 0, …) gives gx_d = −e^{y_d}
 *   exactly for d ≥ 1: exp_neg (subnormal results included, ≤ 1 ulp);
 * - softmax of a row whose max is 0 and whose other entries are ≤ −30 has
 *   S = 1 exactly, so out_d = e^{x_d}: exp_neg again (softmax keeps its
 *   subnormal outputs), bit-identical lanes and ≤ 1 ulp;
 * - cross entropy's plain rows (class indices, "sum") of such a row give
 *   ∂/∂x_d = e^{x_d} for d ≠ target: exp_neg_flush (≤ 1 ulp above 2⁻¹²⁶,
 *   an absolute error < 1.2e-38 below, 0 from ≈ 2^−126.5). Those rows run
 *   across the classes, four at a time, so the bound is what is checked.
 */
import { afterEach, describe, expect, test } from "vitest";
import { backends } from "../helpers/backends";
import { kernelBuild } from "../../ts/backend/select";
import { freeHeapArrays, heapF32 } from "../helpers/heap_arrays";
import { mulberry32, uniform } from "../helpers/prng";

afterEach(freeHeapArrays);

const wasm = backends().find((b) => b.name !== "js")!;
const ROWS = 5; // rows 0–3 SIMD, row 4 scalar
const DIM = 4099;
const MIN_NORMAL = 2 ** -126;

/** ulps of a float32 `y` from the float64 `r`, in the ulp of r (subnormal ulp below 2⁻¹²⁶). */
function ulps(y: number, r: number): number {
  const e = Math.max(Math.floor(Math.log2(r)), -126);
  return Math.abs(y - r) / 2 ** (e - 23);
}

/** ROWS copies of `row` (row o of 0–3 is lane o of the SIMD group). */
function repeated(row: number[]): Float32Array {
  const x = heapF32(ROWS * DIM);
  for (let o = 0; o < ROWS; o++) {
    for (let d = 0; d < DIM; d++) x[o * DIM + d] = row[d];
  }
  return x;
}

/** Row 4 (scalar) equals each SIMD row 0–3 bit for bit (SIMD128 build only, see the header). */
function expectRowsIdentical(out: Float32Array, what: string): void {
  if (kernelBuild() !== "simd128") return;
  const bits = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let o = 0; o < 4; o++) {
    let mismatches = 0;
    for (let d = 0; d < DIM; d++) if (bits[o * DIM + d] !== bits[4 * DIM + d]) mismatches++;
    expect(mismatches, `${what}: SIMD row ${o} vs the scalar row`).toBe(0);
  }
}

describe("exp for x ≤ 0: SIMD lanes = scalar twin, and accuracy", () => {
  test("exp_neg (logSoftmaxBackward): bit-identical, ≤ 1 ulp down to the subnormals", () => {
    const rng = mulberry32(11);
    // Index 0 carries gy = 1; the rest covers [−110, 0] (results down to 0 through the subnormals).
    const y = [0, ...uniform(rng, DIM - 1, -110, 0)];
    y[1] = -0;
    y[2] = -103.28; // ≈ 2⁻¹⁴⁹
    y[3] = -1e-30;
    const yv = repeated(y);
    const gy = heapF32(ROWS * DIM);
    for (let o = 0; o < ROWS; o++) gy[o * DIM] = 1;
    const gx = heapF32(ROWS * DIM);
    wasm.logSoftmaxBackward(yv, gy, ROWS, DIM, 1, gx);
    expectRowsIdentical(gx, "exp_neg");
    let worst = 0;
    for (let o = 0; o < ROWS; o++) {
      for (let d = 1; d < DIM; d++) {
        const r = Math.exp(Math.fround(y[d]));
        const e = -gx[o * DIM + d];
        worst = Math.max(worst, r === 0 ? Math.abs(e) * 2 ** 149 : ulps(e, r));
      }
    }
    expect(worst, `${kernelBuild()}`).toBeLessThanOrEqual(1);
    expect(-gx[4 * DIM + 2]).toBe(2 ** -149);
  });

  test("exp_neg (softmax outputs): bit-identical, ≤ 1 ulp down to the subnormals", () => {
    const rng = mulberry32(12);
    const x = [0, ...uniform(rng, DIM - 1, -120, -30)];
    x[1] = -87.3;
    x[2] = -88; // a subnormal result, kept
    const xv = repeated(x);
    const out = heapF32(ROWS * DIM);
    wasm.softmax(xv, ROWS, DIM, 1, out);
    expectRowsIdentical(out, "exp_neg (softmax)");
    expect(out[4 * DIM]).toBe(1); // S = 1 exactly: out_d = e^{x_d}
    let worst = 0;
    for (let o = 0; o < ROWS; o++) {
      for (let d = 1; d < DIM; d++) {
        const r = Math.exp(Math.fround(x[d]));
        const e = out[o * DIM + d];
        worst = Math.max(worst, r < 2 ** -149 ? Math.abs(e) * 2 ** 149 : ulps(e, r));
      }
    }
    expect(worst, `${kernelBuild()}`).toBeLessThanOrEqual(1);
    expect(out[4 * DIM + 2]).toBeGreaterThan(0);
  });

  test("exp_neg_flush (cross entropy's plain rows): ≤ 1 ulp above 2⁻¹²⁶, |error| < 1.2e-38 below, 0 from ≈ 2^−126.5", () => {
    const rng = mulberry32(13);
    const x = [0, ...uniform(rng, DIM - 1, -120, -30)];
    x[1] = -87.3; // just above the flush
    x[2] = -88; // flushed
    const xv = repeated(x);
    const target = heapF32(new Array(ROWS).fill(0));
    const grad = heapF32(ROWS * DIM);
    wasm.crossEntropyFwdBwd(xv, target, null, ROWS, DIM, 1, -100, 0, false, null, grad, 1);
    let worst = 0;
    for (let o = 0; o < ROWS; o++) {
      for (let d = 1; d < DIM; d++) {
        const r = Math.exp(Math.fround(x[d]));
        const e = grad[o * DIM + d];
        if (r < MIN_NORMAL) expect(Math.abs(e - r), `x = ${x[d]}`).toBeLessThan(1.2e-38);
        else worst = Math.max(worst, ulps(e, r));
      }
    }
    expect(worst, `${kernelBuild()}`).toBeLessThanOrEqual(1);
    expect(grad[1]).toBeGreaterThan(0);
    expect(grad[2]).toBe(0);
  });
});
