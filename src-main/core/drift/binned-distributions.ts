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
 * @throws {RangeError} if a sample is empty, or its values cannot be cut into finite-sized Sturges bins
 *   (see {@link finiteSturgesBinEdges})
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
    const edges = finiteSturgesBinEdges(
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

/**
 * {@link histogramBinEdgesSturges}, refused when the edges do not make finite-sized bins: a range a few
 * floating-point steps wide (`0.3` and `0.30000000000000004`: 6 bins need 7 distinct edges, only 2 exist),
 * a constant too large for numpy's ±0.5 widening (`1e308 − 0.5 = 1e308`: one bin of width 0), or a range
 * wider than the largest double (`max − min = Infinity`). numpy 2 raises "Too many bins for data range"
 * on the first two; numpy 1.24 (Evidently 0.4.16's) returns such edges and its histograms then divide by
 * a zero width, so Evidently's Hellinger distance is NaN: "no drift" with no score. An error says it.
 *
 * @param size number of values binned (≥ 1)
 * @param minimum smallest value (finite)
 * @param maximum largest value (finite)
 * @throws {RangeError} naming the range and what to do when a bin would have zero or infinite width
 * @example finiteSturgesBinEdges(4, 0, 3) // Float64Array [0, 1, 2, 3]
 */
export function finiteSturgesBinEdges(
  size: number,
  minimum: number,
  maximum: number,
): Float64Array {
  // A span past the largest double makes numpy's bin count NaN ("cannot convert float NaN to integer").
  const edges = Number.isFinite(maximum - minimum)
    ? histogramBinEdgesSturges(size, minimum, maximum)
    : new Float64Array(0)
  let isFiniteSized = edges.length >= 2
  for (let i = 0; isFiniteSized && i + 1 < edges.length; i++) {
    const width = edges[i + 1]! - edges[i]!
    isFiniteSized = width > 0 && Number.isFinite(width)
  }
  if (!isFiniteSized) {
    throw new RangeError(
      `Too many bins for the data range: the values from ${minimum} to ${maximum} cannot be cut into ${Math.max(edges.length - 1, 1)} finite-sized histogram bins (the range is too narrow for the floating-point steps in it, or too wide or too large for a double); use a stattest that does not bin, such as wasserstein or ks.`,
    )
  }
  return edges
}
