import { chiSquareGoodnessOfFit } from '../../stats/chi-square-goodness-of-fit'
import { getSeriesProfile, unionKeys } from '../series-profile'
import { createStatTest } from './create-stat-test'

/**
 * `chisquare` — "chi-square p_value": over the union of distinct values, f_exp = reference count · (n_cur/n_ref)
 * and f_obs = current count, then `scipy.stats.chisquare(f_obs, f_exp)[1]` (k − 1 degrees of freedom); drift when
 * `p < threshold` (default 0.05). Registered for categorical columns; the default selection also uses it for
 * numeric columns with 3–5 distinct values. A value seen only in the current sample has f_exp = 0, so p = 0.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/chisquare_stattest.py
 */
export const chiSquareStatTest = createStatTest({
  name: 'chisquare',
  displayName: 'chi-square p_value',
  allowedTypes: ['cat'],
  defaultThreshold: 0.05,
  score(reference, current) {
    const keys = unionKeys(reference, current)
    const referenceCounts = getSeriesProfile(reference).valueCounts()
    const currentCounts = getSeriesProfile(current).valueCounts()
    const scale = current.length / reference.length
    const expected = keys.map((key) => (referenceCounts.get(key) ?? 0) * scale)
    const observed = keys.map((key) => currentCounts.get(key) ?? 0)
    return chiSquareGoodnessOfFit(observed, expected).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
