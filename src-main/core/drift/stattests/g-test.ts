import { gTestGoodnessOfFit } from '../../stats/g-test-goodness-of-fit'
import { getSeriesProfile, unionKeys } from '../series-profile'
import { createStatTest } from './create-stat-test'

/**
 * `g_test` — "g_test": over the union of distinct values, `scipy.stats.power_divergence(f_obs=current
 * counts, f_exp=reference counts, lambda_="log-likelihood")[1]`; drift when `p < threshold` (default
 * 0.1). Categorical columns only.
 *
 * f_exp is NOT rescaled to the current size, so with scipy >= 1.9 Evidently raises unless both samples
 * have the same size (to 1e-8); driftdesk raises the same way. A value seen only in the current sample
 * gives G = inf and p = 0; a single category over both samples gives p = NaN (no drift).
 *
 * @throws {RangeError} when reference and current differ in size.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/g_stattest.py
 */
export const gTestStatTest = createStatTest({
  name: 'g_test',
  displayName: 'g_test',
  allowedTypes: ['cat'],
  defaultThreshold: 0.1,
  score(reference, current) {
    const keys = unionKeys(reference, current)
    const referenceCounts = getSeriesProfile(reference).valueCounts()
    const currentCounts = getSeriesProfile(current).valueCounts()
    try {
      return gTestGoodnessOfFit(
        keys.map((key) => currentCounts.get(key) ?? 0),
        keys.map((key) => referenceCounts.get(key) ?? 0),
      ).pValue
    } catch (error) {
      if (!(error instanceof RangeError)) throw error
      throw new RangeError(
        `g_test compares current counts with reference counts that are not rescaled, so reference and current must have the same size (got ${reference.length} and ${current.length}); use chisquare or TVD for samples of different sizes. scipy: ${error.message}`,
      )
    }
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
