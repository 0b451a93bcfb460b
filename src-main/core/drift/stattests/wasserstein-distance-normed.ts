import { wassersteinDistanceOfSorted } from '../../stats/wasserstein-distance'
import { getSeriesProfile } from '../series-profile'
import { createStatTest } from './create-stat-test'

/** Evidently's floor for the reference std, so a constant reference does not divide by zero. */
const MIN_NORM = 0.001

/**
 * `wasserstein` — "Wasserstein distance (normed)": `scipy.stats.wasserstein_distance(ref, cur) /
 * max(np.std(ref), 0.001)` with the population std (ddof = 0) of the cleaned reference; drift when
 * `score >= threshold` (default 0.1). Numeric columns only.
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/wasserstein_distance_norm.py
 */
export const wassersteinDistanceNormedStatTest = createStatTest({
  name: 'wasserstein',
  displayName: 'Wasserstein distance (normed)',
  allowedTypes: ['num'],
  defaultThreshold: 0.1,
  score(reference, current) {
    const referenceProfile = getSeriesProfile(reference)
    const norm = Math.max(referenceProfile.populationStandardDeviation(), MIN_NORM)
    return (
      wassersteinDistanceOfSorted(referenceProfile.sorted(), getSeriesProfile(current).sorted()) /
      norm
    )
  },
  isDrift: (distance, threshold) => distance >= threshold,
})
