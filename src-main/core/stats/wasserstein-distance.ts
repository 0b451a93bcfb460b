import { numpyPairwiseSum } from './numpy-pairwise-sum'
import { sortedFloat64 } from './sorted-float64'

/**
 * First Wasserstein (earth mover's) distance between two empirical distributions, as
 * `scipy.stats.wasserstein_distance(u, v)` computes it: the integral of |F_u − F_v| over the merged sorted values.
 *
 * Both inputs must already be sorted ascending (use {@link wassersteinDistance} otherwise); this lets callers
 * reuse one sorted reference for many current samples.
 *
 * Complexity: O(n + m) time and memory.
 *
 * @param sortedU non-empty, ascending, finite
 * @param sortedV non-empty, ascending, finite
 * @throws {RangeError} if either sample is empty
 * @see https://docs.scipy.org/doc/scipy-1.10.1/reference/generated/scipy.stats.wasserstein_distance.html
 * @example wassersteinDistanceOfSorted(Float64Array.of(0, 1, 3), Float64Array.of(5, 6, 8)) // 5
 */
export function wassersteinDistanceOfSorted(
  sortedU: ArrayLike<number>,
  sortedV: ArrayLike<number>,
): number {
  const n = sortedU.length
  const m = sortedV.length
  if (n === 0 || m === 0) throw new RangeError('wassersteinDistance needs two non-empty samples')
  // scipy sums |F_u − F_v|·Δ over all n + m − 1 gaps of the merged sorted values, tied gaps included (their
  // Δ is 0), with np.sum's pairwise order; building the same term array keeps the same rounding.
  const terms = new Float64Array(n + m - 1)
  let i = 0
  let j = 0
  let position = 0
  while (i < n || j < m) {
    const value = j >= m || (i < n && sortedU[i]! <= sortedV[j]!) ? sortedU[i]! : sortedV[j]!
    while (i < n && sortedU[i] === value) i++
    while (j < m && sortedV[j] === value) j++
    // Within a group of equal values the gaps are 0; the group's last gap reaches the next value.
    position = i + j
    if (position < n + m) {
      const next = j >= m || (i < n && sortedU[i]! <= sortedV[j]!) ? sortedU[i]! : sortedV[j]!
      terms[position - 1] = Math.abs(i / n - j / m) * (next - value)
    }
  }
  return numpyPairwiseSum(terms)
}

/**
 * First Wasserstein distance between two samples (`scipy.stats.wasserstein_distance(u, v)`); sorts copies.
 *
 * @throws {RangeError} if either sample is empty
 * @example wassersteinDistance(Float64Array.of(3, 0, 1), Float64Array.of(8, 5, 6)) // 5
 */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  return wassersteinDistanceOfSorted(sortedFloat64(u), sortedFloat64(v))
}
