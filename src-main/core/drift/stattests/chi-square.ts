import { chiSquareGoodnessOfFit } from '../../stats/chi-square-goodness-of-fit'
import { alignedValueCounts } from '../series-profile'
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
    const counts = alignedValueCounts(reference, current)
    const scale = current.length / reference.length
    const expected = counts.reference.map((count) => count * scale)
    return chiSquareGoodnessOfFit(counts.current, expected).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
