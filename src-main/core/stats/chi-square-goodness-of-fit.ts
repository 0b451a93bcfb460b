import { chiSquareSurvival } from './chi-square-survival'
import { numpyPairwiseSum } from './numpy-pairwise-sum'

/**
 * Pearson's chi-square goodness-of-fit test, as `scipy.stats.chisquare(f_obs, f_exp)` computes it:
 * statistic Σ (obs − exp)² / exp, p-value = upper tail of χ² with k − 1 degrees of freedom.
 *
 * Edge cases follow scipy 1.10: an expected count of 0 with a non-zero observation gives an infinite statistic
 * and p = 0; a single category (0 degrees of freedom) gives p = NaN.
 *
 * @param observed observed counts
 * @param expected expected counts of the same length; their sum must agree with the observed sum to 1e-8
 * @returns the statistic and its p-value
 * @throws {RangeError} if the lengths differ or the sums disagree (scipy raises ValueError there)
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.stats.chisquare.html
 * @example chiSquareGoodnessOfFit([16, 18, 16, 14, 12, 12], [16, 16, 16, 16, 16, 8]).pValue // ≈ 0.62339 (statistic 3.5)
 */
export function chiSquareGoodnessOfFit(
  observed: ArrayLike<number>,
  expected: ArrayLike<number>,
): { readonly statistic: number; readonly pValue: number } {
  const k = observed.length
  if (k !== expected.length)
    throw new RangeError('chiSquareGoodnessOfFit needs equal-length vectors')
  let sumObserved = 0
  let sumExpected = 0
  for (let i = 0; i < k; i++) {
    sumObserved += observed[i]!
    sumExpected += expected[i]!
  }
  if (Math.abs(sumObserved - sumExpected) / Math.min(sumObserved, sumExpected) > 1e-8) {
    throw new RangeError(
      `For each axis slice, the sum of the observed frequencies must agree with the sum of the expected frequencies to a relative tolerance of 1e-08, but the percent differences are: ${Math.abs(sumObserved - sumExpected) / Math.min(sumObserved, sumExpected)}`,
    )
  }
  const terms = new Float64Array(k)
  for (let i = 0; i < k; i++) {
    const difference = observed[i]! - expected[i]!
    terms[i] = (difference * difference) / expected[i]!
  }
  // numpy's pairwise order, as scipy's `terms.sum()`.
  const statistic = numpyPairwiseSum(terms)
  return { statistic, pValue: chiSquareSurvival(statistic, k - 1) }
}
