import { mannWhitneyUTest } from '../../stats/mann-whitney-u-test'
import { createStatTest } from './create-stat-test'
import { requireNumericSeries } from './numeric-drift-series'

/**
 * `mannw` — "Mann-Whitney U-rank test": `scipy.stats.mannwhitneyu(x=ref, y=cur, alternative="less")[1]`
 * — ONE-sided (small when the reference tends to be smaller than the current), although Evidently's
 * docstring says two-tailed; drift when `p < threshold` (default 0.05). A current sample shifted
 * downwards therefore gives p near 1 and no drift. Numeric columns only.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/mann_whitney_urank_stattest.py
 */
export const mannWhitneyUStatTest = createStatTest({
  name: 'mannw',
  displayName: 'Mann-Whitney U-rank test',
  allowedTypes: ['num'],
  defaultThreshold: 0.05,
  score(reference, current) {
    return mannWhitneyUTest(
      requireNumericSeries(reference, 'mannw'),
      requireNumericSeries(current, 'mannw'),
      'less',
    ).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
