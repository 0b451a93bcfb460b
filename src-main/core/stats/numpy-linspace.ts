/**
 * `numpy.linspace(start, stop, num, endpoint=True)` for num ≥ 2 with numpy's rounding order: `k·step + start`
 * (or `(k/div)·delta + start` when the step underflows to 0, gh-5437), the last value set exactly to `stop`.
 * Histogram edges (Sturges bins, Evidently's small distributions) come from here, so they are bit-identical
 * to numpy's.
 *
 * @throws {RangeError} if num < 2
 * @see https://numpy.org/doc/stable/reference/generated/numpy.linspace.html
 * @example numpyLinspace(0, 1, 5) // Float64Array [0, 0.25, 0.5, 0.75, 1]
 */
export function numpyLinspace(start: number, stop: number, num: number): Float64Array {
  if (!(num >= 2)) throw new RangeError(`numpyLinspace needs at least 2 points, got ${num}`)
  const div = num - 1
  const delta = stop - start
  const step = delta / div
  const out = new Float64Array(num)
  for (let k = 0; k < num; k++) out[k] = step === 0 ? (k / div) * delta + start : k * step + start
  out[num - 1] = stop
  return out
}
