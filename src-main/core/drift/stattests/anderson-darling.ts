import { andersonDarlingKSample } from '../../stats/anderson-darling-k-sample'
import { createStatTest } from './create-stat-test'
import { requireNumericSeries } from './numeric-drift-series'

/**
 * `anderson` — "Anderson-Darling": the significance level of `scipy.stats.anderson_ksamp([ref, cur])`
 * (midrank statistic; scipy 1.10 caps it at 0.25 and floors it at 0.001); drift when `p < threshold`
 * (default 0.1 in the code, 0.05 in Evidently's docs). Numeric columns only.
 *
 * v0.4.40 passes `[ref.values, cur.values]`; earlier releases wrapped the pair in `np.array(...)`,
 * which numpy >= 1.24 refuses for samples of different lengths.
 *
 * @throws {RangeError} when reference ∪ current has a single distinct value (scipy: "anderson_ksamp
 *   needs more than one distinct observation") or fewer than 3 values.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/anderson_darling_stattest.py
 */
export const andersonDarlingStatTest = createStatTest({
  name: 'anderson',
  displayName: 'Anderson-Darling',
  allowedTypes: ['num'],
  defaultThreshold: 0.1,
  score(reference, current) {
    return andersonDarlingKSample([
      requireNumericSeries(reference, 'anderson'),
      requireNumericSeries(current, 'anderson'),
    ]).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
