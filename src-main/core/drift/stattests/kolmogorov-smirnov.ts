import { kolmogorovSmirnovTwoSampleOfSorted } from '../../stats/kolmogorov-smirnov-two-sample'
import { getSeriesProfile } from '../series-profile'
import { createStatTest } from './create-stat-test'

/**
 * `ks` — "K-S p_value": `scipy.stats.ks_2samp(ref, cur)[1]` (two-sided, method 'auto'); drift when
 * `p <= threshold` (default 0.05; Evidently's code uses `<=` although its docs say `<`). Numeric columns only.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/ks_stattest.py
 */
export const kolmogorovSmirnovStatTest = createStatTest({
  name: 'ks',
  displayName: 'K-S p_value',
  allowedTypes: ['num'],
  defaultThreshold: 0.05,
  score(reference, current) {
    return kolmogorovSmirnovTwoSampleOfSorted(
      getSeriesProfile(reference).sorted(),
      getSeriesProfile(current).sorted(),
    ).pValue
  },
  isDrift: (pValue, threshold) => pValue <= threshold,
})
