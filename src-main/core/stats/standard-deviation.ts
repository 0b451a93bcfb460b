import { numpyPairwiseSum } from './numpy-pairwise-sum'

/** How to read the sample: `ddof` as in numpy/pandas; `skipNaN` gives pandas' `nanops.nanvar` NaN handling. */
export interface StandardDeviationOptions {
  /** Delta degrees of freedom: the divisor is `count − ddof` (0 = population, numpy's default; 1 = pandas'). */
  readonly ddof?: number
  /**
   * Treat NaN entries as missing the way pandas does: they count as 0 inside both sums (so numpy's pairwise
   * blocks keep the row positions) and are left out of the count. Without it a NaN makes the result NaN.
   */
  readonly skipNaN?: boolean
}

/**
 * Standard deviation as numpy `np.std(x, ddof)` and pandas `Series.std(ddof)` compute it: the square root of the
 * summed squared deviations from the mean over `count − ddof`, in two passes, both sums in numpy's pairwise
 * order over the values as given (row order matters in the last bits, and so in Evidently's 2-decimal output).
 *
 * Evidently normalises the Wasserstein distance by the population value (ddof 0) of the reference column and
 * prints pandas `describe()`'s sample value (ddof 1, NaN skipped) in ColumnSummaryMetric.
 *
 * @param values the sample, in its original order
 * @returns the standard deviation; NaN when `count <= ddof` (numpy and pandas both give NaN)
 * @throws {RangeError} if `values` is empty or `ddof` is negative or not an integer
 * @see https://numpy.org/doc/stable/reference/generated/numpy.std.html
 * @see https://pandas.pydata.org/docs/reference/api/pandas.Series.std.html
 * @example standardDeviation(Float64Array.of(2, 4, 4, 4, 5, 5, 7, 9)) // 2
 * @example standardDeviation([1, NaN, 3], { ddof: 1, skipNaN: true }) // 1.4142135623730951
 */
export function standardDeviation(
  values: ArrayLike<number>,
  options: StandardDeviationOptions = {},
): number {
  const { ddof = 0, skipNaN = false } = options
  const n = values.length
  if (n === 0) throw new RangeError('standardDeviation needs at least one value')
  if (!Number.isInteger(ddof) || ddof < 0) {
    throw new RangeError(`standardDeviation: ddof must be a non-negative integer, got ${ddof}`)
  }
  let count = n
  let filled: ArrayLike<number> = values
  if (skipNaN) {
    const zeroFilled = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const value = values[i]!
      if (Number.isNaN(value)) count--
      else zeroFilled[i] = value
    }
    filled = zeroFilled
  }
  if (count <= ddof) return Number.NaN
  const mean = numpyPairwiseSum(filled) / count
  const squares = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    if (skipNaN && Number.isNaN(values[i]!)) continue
    const deviation = mean - filled[i]!
    squares[i] = deviation * deviation
  }
  return Math.sqrt(numpyPairwiseSum(squares) / (count - ddof))
}
