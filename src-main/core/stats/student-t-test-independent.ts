import tCdf from '@stdlib/stats-base-dists-t-cdf'
import { numpyPairwiseSum } from './numpy-pairwise-sum'

export interface StudentTTestResult {
  readonly statistic: number
  readonly degreesOfFreedom: number
  readonly pValue: number
}

/**
 * Student's two-sample t-test with pooled variance, two-sided, as `scipy.stats.ttest_ind(a, b)`
 * (equal_var=True): t = (mean_a − mean_b) / sqrt(s²(1/n_a + 1/n_b)) with s² the pooled unbiased
 * variance, df = n_a + n_b − 2, p = 2·T_df(−|t|).
 *
 * Like scipy, degenerate inputs do not throw: two constant samples with equal means give t = 0/0 and
 * p = NaN; constant samples with different means give t = ±inf and p = 0; df = 0 gives NaN.
 *
 * @throws {RangeError} when a sample is empty.
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.ttest_ind.html
 * @example studentTTestIndependent([1, 2, 3], [4, 5, 6]).pValue // 0.0224...
 */
export function studentTTestIndependent(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): StudentTTestResult {
  const na = a.length
  const nb = b.length
  if (na === 0 || nb === 0) throw new RangeError('studentTTestIndependent: a sample is empty')
  const [meanA, varianceA] = meanAndUnbiasedVariance(a)
  const [meanB, varianceB] = meanAndUnbiasedVariance(b)
  const degreesOfFreedom = na + nb - 2
  const pooledVariance = ((na - 1) * varianceA + (nb - 1) * varianceB) / degreesOfFreedom
  const denominator = Math.sqrt(pooledVariance * (1 / na + 1 / nb))
  const statistic = (meanA - meanB) / denominator
  const pValue =
    Number.isNaN(statistic) || !(degreesOfFreedom > 0)
      ? Number.NaN
      : tCdf(-Math.abs(statistic), degreesOfFreedom) * 2
  return { statistic, degreesOfFreedom, pValue }
}

/** numpy's mean and var(ddof=1): pairwise sums, two passes. A single value has variance NaN (0/0). */
function meanAndUnbiasedVariance(values: ArrayLike<number>): [number, number] {
  const mean = numpyPairwiseSum(values) / values.length
  const squares = Float64Array.from({ length: values.length }, (_, i) => (values[i]! - mean) ** 2)
  return [mean, numpyPairwiseSum(squares) / (values.length - 1)]
}
