/**
 * Population standard deviation (ddof = 0), as `numpy.std(x)` computes it: the square root of the mean squared
 * deviation from the mean, in two passes.
 *
 * Evidently normalises the Wasserstein distance by this value of the reference column.
 *
 * @param values a non-empty sample of finite numbers
 * @returns the population standard deviation
 * @throws {RangeError} if `values` is empty
 * @see https://numpy.org/doc/stable/reference/generated/numpy.std.html
 * @example populationStandardDeviation(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9)) // 2
 */
export function populationStandardDeviation(values: ArrayLike<number>): number {
  const n = values.length
  if (n === 0) throw new RangeError('populationStandardDeviation needs at least one value')
  let sum = 0
  for (let i = 0; i < n; i++) sum += values[i]!
  const mean = sum / n
  let squares = 0
  for (let i = 0; i < n; i++) {
    const deviation = values[i]! - mean
    squares += deviation * deviation
  }
  return Math.sqrt(squares / n)
}
