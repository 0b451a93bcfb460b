import { searchSorted } from './search-sorted'
import { sortedFloat64 } from './sorted-float64'

/**
 * Counts per bin of `numpy.histogram(x, bins=edges)` for explicit, ascending edges: bin i holds
 * edges[i] ≤ x < edges[i+1], the last bin also holds x = edges[last]; values outside the edges are not counted.
 * (With an explicit edge array numpy counts through `searchsorted` on the sorted sample, which is what this does.)
 *
 * Complexity: O(bins · log n) on a sorted sample.
 *
 * @param sortedValues the sample, sorted ascending (finite)
 * @param edges ascending bin edges, at least two
 * @returns counts, one per bin (length = edges.length − 1)
 * @throws {RangeError} if fewer than two edges are given
 * @see https://numpy.org/doc/stable/reference/generated/numpy.histogram.html
 * @example histogramCountsOfSorted(Float64Array.of(0, 1, 1, 2, 3), Float64Array.of(0, 1, 2, 3)) // [1, 2, 2]
 */
export function histogramCountsOfSorted(
  sortedValues: ArrayLike<number>,
  edges: ArrayLike<number>,
): Float64Array {
  const binCount = edges.length - 1
  if (binCount < 1) throw new RangeError('histogramCounts needs at least two bin edges')
  const counts = new Float64Array(binCount)
  let below = searchSorted(sortedValues, edges[0]!, 'left')
  for (let i = 0; i < binCount; i++) {
    const isLast = i === binCount - 1
    const upTo = isLast
      ? searchSorted(sortedValues, edges[i + 1]!, 'right')
      : searchSorted(sortedValues, edges[i + 1]!, 'left')
    counts[i] = upTo - below
    below = upTo
  }
  return counts
}

/**
 * Counts per bin of `numpy.histogram(x, bins=edges)`; sorts a copy of `values` first.
 *
 * @throws {RangeError} if fewer than two edges are given
 * @example histogramCounts(Float64Array.of(3, 1, 0, 2, 1), Float64Array.of(0, 1, 2, 3)) // [1, 2, 2]
 */
export function histogramCounts(values: ArrayLike<number>, edges: ArrayLike<number>): Float64Array {
  return histogramCountsOfSorted(sortedFloat64(values), edges)
}
