import { histogramBinEdgesSturges } from '../stats/histogram-bin-edges-sturges'
import { histogramCountsOfSorted } from '../stats/histogram-counts'
import type { DriftColumnType } from '../../shared/domain/metrics'
import { getSeriesProfile, unionKeys } from './series-profile'
import type { DriftSeries } from './stattests/stat-test'

export interface BinnedDistributions {
  /** Share of the reference in each bucket (sums to 1 before zero filling). */
  readonly reference: Float64Array
  /** Share of the current sample in each bucket, same buckets. */
  readonly current: Float64Array
}

/** Evidently bins a numeric column by Sturges only when the reference has more than this many distinct values. */
const MAX_UNIQUE_FOR_VALUE_BUCKETS = 20

/**
 * Evidently's `get_binned_data(reference, current, feature_type, n, feel_zeroes)` (`stattests/utils.py`):
 * - numeric column with more than 20 distinct reference values: edges =
 *   `np.histogram_bin_edges(concat(reference, current), bins="sturges")`, shares = `np.histogram(x, edges)[0]/len(x)`
 *   (Sturges on the union; Evidently's `n` argument is unused);
 * - otherwise (categorical, or ≤ 20 distinct reference values): one bucket per distinct value of the union,
 *   share = count/len;
 * - `fillZeroes` (Evidently's `feel_zeroes`, used by PSI and KL): zero shares of each array become
 *   min(non-zero)/1e6 when that minimum is ≤ 1e-4, otherwise 1e-4, separately for reference and current.
 * Value-bucket order is that of {@link unionKeys}: ascending for numbers; for strings the reference's first-seen
 * order, then current-only values. Python iterates a set instead, which only reorders the terms of the
 * distance's sum.
 *
 * @param reference cleaned reference sample (non-empty)
 * @param current cleaned current sample (non-empty)
 * @throws {RangeError} if a sample is empty
 * @throws {TypeError} if one sample is numeric and the other strings
 * @see https://github.com/evidentlyai/evidently/blob/v0.4.40/src/evidently/calculations/stattests/utils.py
 * @example binnedDistributions(['a', 'a', 'b'], ['b'], 'cat', false) // reference [2/3, 1/3], current [0, 1]
 */
export function binnedDistributions(
  reference: DriftSeries,
  current: DriftSeries,
  columnType: DriftColumnType,
  fillZeroes: boolean,
): BinnedDistributions {
  if (reference.length === 0 || current.length === 0) {
    throw new RangeError('binnedDistributions needs non-empty reference and current samples')
  }
  const referenceProfile = getSeriesProfile(reference)
  const currentProfile = getSeriesProfile(current)
  let referenceShares: Float64Array
  let currentShares: Float64Array
  if (
    columnType === 'num' &&
    referenceProfile.isNumeric &&
    referenceProfile.distinctCount() > MAX_UNIQUE_FOR_VALUE_BUCKETS
  ) {
    const sortedReference = referenceProfile.sorted()
    const sortedCurrent = currentProfile.sorted()
    const edges = histogramBinEdgesSturges(
      reference.length + current.length,
      Math.min(sortedReference[0]!, sortedCurrent[0]!),
      Math.max(
        sortedReference[sortedReference.length - 1]!,
        sortedCurrent[sortedCurrent.length - 1]!,
      ),
    )
    referenceShares = histogramCountsOfSorted(sortedReference, edges).map(
      (c) => c / reference.length,
    )
    currentShares = histogramCountsOfSorted(sortedCurrent, edges).map((c) => c / current.length)
  } else {
    const keys = unionKeys(reference, current)
    const referenceCounts = referenceProfile.valueCounts()
    const currentCounts = currentProfile.valueCounts()
    referenceShares = Float64Array.from(
      keys,
      (key) => (referenceCounts.get(key) ?? 0) / reference.length,
    )
    currentShares = Float64Array.from(keys, (key) => (currentCounts.get(key) ?? 0) / current.length)
  }
  if (fillZeroes) {
    fillZeroShares(referenceShares)
    fillZeroShares(currentShares)
  }
  return { reference: referenceShares, current: currentShares }
}

/** Evidently's `np.place(p, p == 0, min(p[p != 0]) / 10**6 if min(p[p != 0]) <= 0.0001 else 0.0001)`. */
function fillZeroShares(shares: Float64Array): void {
  let minimum = Infinity
  for (const share of shares) if (share !== 0 && share < minimum) minimum = share
  const filler = minimum <= 0.0001 ? minimum / 10 ** 6 : 0.0001
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = filler
}
