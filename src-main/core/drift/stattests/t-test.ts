import { studentTTestIndependent } from '../../stats/student-t-test-independent'
import { createStatTest } from './create-stat-test'
import { requireNumericSeries } from './numeric-drift-series'

/**
 * `t_test` — "t_test": `scipy.stats.ttest_ind(ref, cur)[1]` (pooled variance, two-sided); drift when
 * `p < threshold` (default 0.05). Numeric columns only. Two constant samples with the same value give
 * p = NaN, which is never `< threshold`, so no drift (as in Evidently).
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/t_test.py
 */
export const tTestStatTest = createStatTest({
  name: 't_test',
  displayName: 't_test',
  allowedTypes: ['num'],
  defaultThreshold: 0.05,
  score(reference, current) {
    return studentTTestIndependent(
      requireNumericSeries(reference, 't_test'),
      requireNumericSeries(current, 't_test'),
    ).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
