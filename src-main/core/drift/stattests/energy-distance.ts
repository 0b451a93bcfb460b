import { energyDistance } from '../../stats/energy-distance'
import { createStatTest } from './create-stat-test'
import { requireNumericSeries } from './numeric-drift-series'

/**
 * `ed` — "Energy-distance": `scipy.stats.energy_distance(ref, cur)` in the units of the data (not
 * normalized); drift when `d > threshold` (strict; Evidently's docs say `>=`; default 0.1). Numeric
 * columns only.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/energy_distance.py
 */
export const energyDistanceStatTest = createStatTest({
  name: 'ed',
  displayName: 'Energy-distance',
  allowedTypes: ['num'],
  defaultThreshold: 0.1,
  score(reference, current) {
    return energyDistance(
      requireNumericSeries(reference, 'ed'),
      requireNumericSeries(current, 'ed'),
    )
  },
  isDrift: (distance, threshold) => distance > threshold,
})
