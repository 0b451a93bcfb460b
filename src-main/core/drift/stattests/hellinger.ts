import { histogramCountsOfSorted } from '../../stats/histogram-counts'
import { finiteSturgesBinEdges } from '../binned-distributions'
import { getSeriesProfile, unionKeys } from '../series-profile'
import { createStatTest } from './create-stat-test'

/**
 * `hellinger` — "Hellinger distance", as Evidently's `hellinger_distance.py` computes it; drift when
 * `distance >= threshold` (default 0.1):
 * - categorical: sqrt(1 − clip(Σ sqrt(p·q), 0, 1)) over the value shares of the union of values;
 * - numeric: edges = `np.histogram_bin_edges(distinct values of the union, bins="sturges")`, density histograms
 *   h = count / (bin width · n), Bhattacharyya sum Σ sqrt(h1·h2) · w with w = (last edge − first edge)/bins,
 *   then as above. Evidently takes w from the EDGES (`(max(bins) - min(bins)) / (len(bins) - 1)`), not from
 *   the data: two identical constant samples get numpy's one bin [c − 0.5, c + 0.5], w = 1, density 1 each,
 *   so the distance is 0 (issue 9: a width from the data's range was 0 and gave 1). A range that cannot
 *   be cut into finite-sized bins (`0.3` vs `0.30000000000000004`, `1e308` constant) is an error, where
 *   Evidently on numpy 1.24 returns NaN, i.e. "no drift" without a score (see `finiteSturgesBinEdges`).
 *
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/hellinger_distance.py
 */
export const hellingerStatTest = createStatTest({
  name: 'hellinger',
  displayName: 'Hellinger distance',
  allowedTypes: ['cat', 'num'],
  defaultThreshold: 0.1,
  score(reference, current, columnType) {
    const keys = unionKeys(reference, current)
    let coefficient = 0.0
    if (columnType === 'cat') {
      const referenceCounts = getSeriesProfile(reference).valueCounts()
      const currentCounts = getSeriesProfile(current).valueCounts()
      for (const key of keys) {
        const p1 = (referenceCounts.get(key) ?? 0) / reference.length
        const p2 = (currentCounts.get(key) ?? 0) / current.length
        coefficient += Math.sqrt(p1 * p2)
      }
    } else {
      let minimum = Infinity
      let maximum = -Infinity
      for (const key of keys) {
        if (typeof key !== 'number')
          throw new TypeError('hellinger on a numeric column needs numeric values')
        if (key < minimum) minimum = key
        if (key > maximum) maximum = key
      }
      const edges = finiteSturgesBinEdges(keys.length, minimum, maximum)
      const h1 = densities(getSeriesProfile(reference).sorted(), edges)
      const h2 = densities(getSeriesProfile(current).sorted(), edges)
      const binWidth = (edges[edges.length - 1]! - edges[0]!) / (edges.length - 1)
      for (let i = 0; i < h1.length; i++) coefficient += Math.sqrt(h1[i]! * h2[i]!) * binWidth
    }
    // Math.max/min pass NaN through: a NaN coefficient would be a null score read as "no drift".
    if (Number.isNaN(coefficient)) {
      throw new RangeError(
        'The Hellinger distance is undefined for these samples (a histogram density is not a number).',
      )
    }
    return Math.sqrt(1 - Math.min(Math.max(coefficient, 0), 1))
  },
  isDrift: (distance, threshold) => distance >= threshold,
})

/** `np.histogram(x, bins=edges, density=True)[0]`: count / bin width / total count in range. */
function densities(sortedValues: Float64Array, edges: Float64Array): Float64Array {
  const counts = histogramCountsOfSorted(sortedValues, edges)
  let total = 0
  for (const count of counts) total += count
  return counts.map((count, i) => count / (edges[i + 1]! - edges[i]!) / total)
}
