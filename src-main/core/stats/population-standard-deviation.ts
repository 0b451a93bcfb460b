import { numpyPairwiseSum } from './numpy-pairwise-sum'

/**
 * Population standard deviation (ddof = 0), as `numpy.std(x)` computes it: the square root of the mean squared
 * deviation from the mean, in two passes, both sums in numpy's pairwise order.
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
  const mean = numpyPairwiseSum(values) / n
  const squares = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const deviation = values[i]! - mean
    squares[i] = deviation * deviation
  }
  return Math.sqrt(numpyPairwiseSum(squares) / n)
}
