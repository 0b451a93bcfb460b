import { populationStandardDeviation } from '../stats/population-standard-deviation'
import type { DriftSeries } from './stattests/stat-test'

/** A distinct value of a series: numbers compare by value (so 1 and 1.0 are one key), strings by content. */
export type DriftKey = number | string

/**
 * Derived data of one cleaned series, computed lazily and cached per array object. The backfill scores 27 days
 * against the SAME reference arrays, so the reference is sorted, counted and measured once, not 7 × 27 times.
 * The series must not be mutated after it was first profiled (inputs are treated as immutable values).
 */
export interface SeriesProfile {
  readonly size: number
  readonly isNumeric: boolean
  /** Ascending copy (numeric series only). */
  sorted(): Float64Array
  /** Count of each distinct value, in first-seen order (pandas `value_counts` without the sort). */
  valueCounts(): ReadonlyMap<DriftKey, number>
  /** `np.std(values)` (ddof = 0), numeric series only. */
  populationStandardDeviation(): number
}

const profiles = new WeakMap<object, SeriesProfile>()

/**
 * Returns the cached {@link SeriesProfile} of `series`, creating it on first use.
 *
 * @example getSeriesProfile(Float64Array.of(3, 1, 3)).valueCounts() // Map {3 => 2, 1 => 1}
 */
export function getSeriesProfile(series: DriftSeries): SeriesProfile {
  const cached = profiles.get(series)
  if (cached !== undefined) return cached
  const profile = createProfile(series)
  profiles.set(series, profile)
  return profile
}

function createProfile(series: DriftSeries): SeriesProfile {
  const isNumeric = series instanceof Float64Array
  let sorted: Float64Array | undefined
  let counts: Map<DriftKey, number> | undefined
  let standardDeviation: number | undefined
  return {
    size: series.length,
    isNumeric,
    sorted(): Float64Array {
      if (!(series instanceof Float64Array))
        throw new TypeError('a string series cannot be sorted numerically')
      sorted ??= Float64Array.from(series).sort()
      return sorted
    },
    valueCounts(): ReadonlyMap<DriftKey, number> {
      if (counts === undefined) {
        counts = new Map()
        for (let i = 0; i < series.length; i++) {
          const key = series[i]!
          counts.set(key, (counts.get(key) ?? 0) + 1)
        }
      }
      return counts
    },
    populationStandardDeviation(): number {
      if (!(series instanceof Float64Array))
        throw new TypeError('a string series has no standard deviation')
      // The original order, not the sorted copy: numpy sums in the original order.
      standardDeviation ??= populationStandardDeviation(series)
      return standardDeviation
    },
  }
}

/** Distinct values of reference ∪ current (reference keys first), as Evidently's union of `unique()` sets. */
export function unionKeys(reference: DriftSeries, current: DriftSeries): DriftKey[] {
  requireSameKind(reference, current)
  const keys = new Set<DriftKey>(getSeriesProfile(reference).valueCounts().keys())
  for (const key of getSeriesProfile(current).valueCounts().keys()) keys.add(key)
  return [...keys]
}

/**
 * Throws unless both series are numeric or both are strings (a drift test compares like with like).
 *
 * @throws {TypeError} naming the two kinds
 */
export function requireSameKind(reference: DriftSeries, current: DriftSeries): void {
  const referenceIsNumeric = reference instanceof Float64Array
  const currentIsNumeric = current instanceof Float64Array
  if (referenceIsNumeric !== currentIsNumeric) {
    throw new TypeError(
      `reference and current must both be numeric or both be strings (reference is ${referenceIsNumeric ? 'numeric' : 'strings'}, current is ${currentIsNumeric ? 'numeric' : 'strings'})`,
    )
  }
}

/**
 * Number of distinct values of reference ∪ current (pandas `concat(...).nunique()`), in O(current) once the
 * reference is profiled.
 *
 * @throws {TypeError} if one sample is numeric and the other strings
 */
export function unionDistinctCount(reference: DriftSeries, current: DriftSeries): number {
  requireSameKind(reference, current)
  const referenceCounts = getSeriesProfile(reference).valueCounts()
  let count = referenceCounts.size
  for (const key of getSeriesProfile(current).valueCounts().keys())
    if (!referenceCounts.has(key)) count++
  return count
}
