/**
 * Elementwise relative entropy term `x·ln(x/y)` with scipy's conventions (`scipy.special.rel_entr`):
 * 0 when x = 0 and y ≥ 0, +∞ when x > 0 and y = 0 (or either is negative).
 *
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.special.rel_entr.html
 * @example relativeEntropyTerm(0.5, 0.25) // 0.5 · ln 2 ≈ 0.34657
 */
export function relativeEntropyTerm(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN
  if (x > 0 && y > 0) return x * Math.log(x / y)
  if (x === 0 && y >= 0) return 0
  return Infinity
}
