import { kullbackLeiblerDivergence } from '../../stats/kullback-leibler-divergence'
import { binnedDistributions } from '../binned-distributions'
import { createStatTest } from './create-stat-test'

/**
 * `kl_div` — "Kullback-Leibler divergence": `scipy.stats.entropy(ref_pct, cur_pct)` (natural log, both
 * renormalised) over Evidently's `get_binned_data(..., feel_zeroes=True)`; drift when `>= threshold`
 * (default 0.1). Numeric and categorical columns.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/kl_div.py
 */
export const kullbackLeiblerStatTest = createStatTest({
  name: 'kl_div',
  displayName: 'Kullback-Leibler divergence',
  allowedTypes: ['cat', 'num'],
  defaultThreshold: 0.1,
  score(reference, current, columnType) {
    const shares = binnedDistributions(reference, current, columnType, true)
    return kullbackLeiblerDivergence(shares.reference, shares.current)
  },
  isDrift: (divergence, threshold) => divergence >= threshold,
})
