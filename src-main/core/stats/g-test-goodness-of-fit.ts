import { chiSquareSurvival } from './chi-square-survival'
import { numpyPairwiseSum } from './numpy-pairwise-sum'

export interface GTestResult {
  readonly statistic: number
  readonly pValue: number
}

/** scipy 1.10's tolerance on sum(f_obs) vs sum(f_exp) in `power_divergence`. */
const SUM_RELATIVE_TOLERANCE = 1e-8

/**
 * The G-test (log-likelihood ratio) goodness of fit, as
 * `scipy.stats.power_divergence(observed, expected, lambda_="log-likelihood")` in scipy 1.10:
 * G = 2 Σ o·ln(o/e) (a term is 0 when o = 0, +inf when e = 0 < o), p = chi2.sf(G, k − 1).
 * One category (k = 1) gives p = NaN, as scipy.
 *
 * Since scipy 1.9 the two count vectors must have the same total to 1e-8 relative; scipy raises
 * otherwise, and so does this function.
 *
 * @throws {RangeError} when the lengths differ or are 0, or the totals differ by more than 1e-8
 *   relative (scipy's "the sum of the observed frequencies must agree with the sum of the expected
 *   frequencies").
 * @see https://docs.scipy.org/doc/scipy/reference/generated/scipy.stats.power_divergence.html
 * @example gTestGoodnessOfFit([10, 20], [15, 15]).pValue // 0.0679...
 */
export function gTestGoodnessOfFit(
  observed: readonly number[],
  expected: readonly number[],
): GTestResult {
  if (observed.length !== expected.length || observed.length === 0) {
    throw new RangeError('gTestGoodnessOfFit: observed and expected need the same, non-zero length')
  }
  const observedSum = numpyPairwiseSum(observed)
  const expectedSum = numpyPairwiseSum(expected)
  const relativeDifference =
    Math.abs(observedSum - expectedSum) / Math.min(observedSum, expectedSum)
  if (relativeDifference > SUM_RELATIVE_TOLERANCE) {
    throw new RangeError(
      `For each axis slice, the sum of the observed frequencies must agree with the sum of the expected frequencies to a relative tolerance of ${SUM_RELATIVE_TOLERANCE}, but the percent differences are: ${relativeDifference} (observed total ${observedSum}, expected total ${expectedSum})`,
    )
  }
  const terms = observed.map((o, index) => (o === 0 ? 0 : 2 * o * Math.log(o / expected[index]!)))
  const statistic = numpyPairwiseSum(terms)
  return { statistic, pValue: chiSquareSurvival(statistic, observed.length - 1) }
}
