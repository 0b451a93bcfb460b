/**
 * Python's `str(float)` (shortest round-trip digits, like JS) with Python's spelling: integers keep `.0`,
 * exponents use `e-05` / `e+16` and switch at 1e-4 and 1e16, non-finite values are `nan` / `inf`.
 * Evidently prints thresholds this way: "The drift detection threshold is 0.1."
 * @example pythonFloatText(0.1) // '0.1'
 * @example pythonFloatText(1) // '1.0'
 * @example pythonFloatText(0.00001) // '1e-05'
 */
export function pythonFloatText(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e16)) {
    const [mantissa = '', exponent = '0'] = value.toExponential().split('e')
    const exponentValue = Number(exponent)
    const sign = exponentValue < 0 ? '-' : '+'
    return `${mantissa}e${sign}${String(Math.abs(exponentValue)).padStart(2, '0')}`
  }
  const text = String(value)
  return Number.isInteger(value) ? `${text}.0` : text
}
