import { numpyPairwiseSum } from './numpy-pairwise-sum'

/**
 * `np.mean(values)` of a 1-D float64 array: numpy's pairwise sum divided by the count, so the last bits match
 * numpy (and sklearn's metrics, which average 1-D arrays with it).
 *
 * @returns the mean; NaN for an empty array (numpy warns and returns nan)
 * @see https://numpy.org/doc/stable/reference/generated/numpy.mean.html
 * @example numpyMean(Float64Array.of(1, 2, 3, 4)) // 2.5
 */
export function numpyMean(values: ArrayLike<number>): number {
  return values.length === 0 ? Number.NaN : numpyPairwiseSum(values) / values.length
}
