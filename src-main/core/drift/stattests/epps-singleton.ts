import { eppsSingletonTwoSample } from '../../stats/epps-singleton-two-sample'
import { linearQuantile } from '../../stats/linear-quantile'
import { sortedFloat64 } from '../../stats/sorted-float64'
import { createStatTest } from './create-stat-test'
import { requireNumericSeries } from './numeric-drift-series'

/**
 * `es` — "Epps-Singleton": the p-value of `scipy.stats.epps_singleton_2samp(ref, cur)`; drift when
 * `p < threshold` (default 0.05). Numeric columns only.
 *
 * Evidently first checks the interquartile range of reference ∪ current and raises when it is 0 (the
 * test would divide its frequencies by 0); scipy then requires 5 values per sample.
 *
 * @throws {RangeError} when the pooled IQR is 0, or a sample has fewer than 5 values.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/epps_singleton_stattest.py
 */
export const eppsSingletonStatTest = createStatTest({
  name: 'es',
  displayName: 'Epps-Singleton',
  allowedTypes: ['num'],
  defaultThreshold: 0.05,
  score(reference, current) {
    const x = requireNumericSeries(reference, 'es')
    const y = requireNumericSeries(current, 'es')
    const pooled = sortedFloat64([...x, ...y])
    if (linearQuantile(pooled, 0.75) - linearQuantile(pooled, 0.25) === 0) {
      throw new RangeError(
        'Epps-Singleton test: the interquartile range (IQR) of reference and current together is zero, so there is no variability in the middle 50% of the data. Use a column with more variability, or another stattest (e.g. ks or wasserstein).',
      )
    }
    return eppsSingletonTwoSample(x, y).pValue
  },
  isDrift: (pValue, threshold) => pValue < threshold,
})
