import { cramerVonMisesTwoSample } from '../../stats/cramer-von-mises-two-sample'
import { createStatTest } from './create-stat-test'
import { requireNumericSeries } from './numeric-drift-series'

/**
 * `cramer_von_mises` — "Cramer-von Mises": the p-value of Evidently's own `_cvm_2samp(ref, cur,
 * method="auto")` (exact when both samples have at most 10 values, asymptotic otherwise); drift when
 * `p <= threshold` (inclusive; default 0.1). Numeric columns only.
 *
 * @throws {RangeError} when a sample has fewer than 2 values.
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/cramer_von_mises_stattest.py
 */
export const cramerVonMisesStatTest = createStatTest({
  name: 'cramer_von_mises',
  displayName: 'Cramer-von Mises',
  allowedTypes: ['num'],
  defaultThreshold: 0.1,
  score(reference, current) {
    return cramerVonMisesTwoSample(
      requireNumericSeries(reference, 'cramer_von_mises'),
      requireNumericSeries(current, 'cramer_von_mises'),
    ).pValue
  },
  isDrift: (pValue, threshold) => pValue <= threshold,
})
