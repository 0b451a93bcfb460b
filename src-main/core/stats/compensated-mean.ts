/**
 * The arithmetic mean with Neumaier's compensated summation: the running sum carries its own rounding
 * error, so the result is within a few ulps of the exact mean whatever the order or spread of the values.
 * The explanation of a prediction shift subtracts two such means and must match the observed shift to
 * ~1e-9 relative even when the shift is small against the values (a 0.05 min move of a 15 min mean).
 *
 * @throws {RangeError} when `values` is empty.
 * @see https://en.wikipedia.org/wiki/Kahan_summation_algorithm#Further_enhancements
 * @example compensatedMean(Float64Array.of(1e16, 1, -1e16)) // 1/3 (a naive sum gives 0)
 */
export function compensatedMean(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) throw new RangeError('Cannot take the mean of an empty sample.')
  let sum = 0
  let compensation = 0
  for (let i = 0; i < n; i++) {
    const value = values[i] as number
    const total = sum + value
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - total + value : value - total + sum
    sum = total
  }
  return (sum + compensation) / n
}
