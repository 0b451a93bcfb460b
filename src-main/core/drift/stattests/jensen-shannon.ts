import { jensenShannonDistance } from '../../stats/jensen-shannon-distance'
import { binnedDistributions } from '../binned-distributions'
import { createStatTest } from './create-stat-test'

/**
 * `jensenshannon` — "Jensen-Shannon distance": `scipy.spatial.distance.jensenshannon(ref_pct, cur_pct)` (natural
 * log, maximum sqrt(ln 2)) on Evidently's `get_binned_data(..., feel_zeroes=False)`; drift when
 * `distance >= threshold` (default 0.1). Numeric and categorical columns.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/jensenshannon.py
 */
export const jensenShannonStatTest = createStatTest({
  name: 'jensenshannon',
  displayName: 'Jensen-Shannon distance',
  allowedTypes: ['cat', 'num'],
  defaultThreshold: 0.1,
  score(reference, current, columnType) {
    const shares = binnedDistributions(reference, current, columnType, false)
    return jensenShannonDistance(shares.reference, shares.current)
  },
  isDrift: (distance, threshold) => distance >= threshold,
})
