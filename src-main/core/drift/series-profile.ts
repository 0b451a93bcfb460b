import { standardDeviation } from '../stats/standard-deviation'
import type { DriftSeries } from './stattests/stat-test'
import { sortedFloat64 } from '../stats/sorted-float64'

/** A distinct value of a series: numbers compare by value (so 1 and 1.0 are one key), strings by content. */
export type DriftKey = number | string

/** Distinct values of a numeric series, ascending, with their counts. */
export interface DistinctNumbers {
  readonly values: Float64Array
  readonly counts: Float64Array
}

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
  /** Distinct values with counts, ascending (numeric series only); 0 and −0 are one value. */
  distinctNumbers(): DistinctNumbers
  /** Number of distinct values (pandas `nunique`). */
  distinctCount(): number
  /**
   * Count of each distinct value (pandas `value_counts`): ascending for numbers, first-seen order for strings.
   * For numeric series with many distinct values prefer {@link SeriesProfile.distinctNumbers}: a Map keyed
   * by doubles is slow in V8.
   */
  valueCounts(): ReadonlyMap<DriftKey, number>
  /** `np.std(values)` (ddof = 0), numeric series only. */
  populationStandardDeviation(): number
  /** Index of the first NaN or ±inf value, or −1 (always −1 for strings). */
  firstNonFiniteIndex(): number
}

const profiles = new WeakMap<object, SeriesProfile>()

/**
 * Returns the cached {@link SeriesProfile} of `series`, creating it on first use.
 *
 * @example getSeriesProfile(Float64Array.of(3, 1, 3)).valueCounts() // Map {1 => 1, 3 => 2}
 */
export function getSeriesProfile(series: DriftSeries): SeriesProfile {
  const cached = profiles.get(series)
  if (cached !== undefined) return cached
  const profile = series instanceof Float64Array ? numericProfile(series) : stringProfile(series)
  profiles.set(series, profile)
  return profile
}

function numericProfile(series: Float64Array): SeriesProfile {
  let sorted: Float64Array | undefined
  let distinct: DistinctNumbers | undefined
  let counts: Map<DriftKey, number> | undefined
  let populationStd: number | undefined
  let nonFiniteIndex: number | undefined
  const profile: SeriesProfile = {
    size: series.length,
    isNumeric: true,
    firstNonFiniteIndex(): number {
      nonFiniteIndex ??= firstNonFinite(series)
      return nonFiniteIndex
    },
    sorted(): Float64Array {
      sorted ??= sortedFloat64(series)
      return sorted
    },
    distinctNumbers(): DistinctNumbers {
      distinct ??= runLengths(profile.sorted())
      return distinct
    },
    distinctCount(): number {
      return profile.distinctNumbers().values.length
    },
    valueCounts(): ReadonlyMap<DriftKey, number> {
      if (counts === undefined) {
        const { values, counts: valueCounts } = profile.distinctNumbers()
        counts = new Map()
        for (let i = 0; i < values.length; i++) counts.set(values[i]!, valueCounts[i]!)
      }
      return counts
    },
    populationStandardDeviation(): number {
      // The original order, not the sorted copy: numpy sums in the original order.
      populationStd ??= standardDeviation(series)
      return populationStd
    },
  }
  return profile
}

function stringProfile(series: readonly string[]): SeriesProfile {
  let counts: Map<DriftKey, number> | undefined
  const profile: SeriesProfile = {
    size: series.length,
    isNumeric: false,
    firstNonFiniteIndex: () => -1,
    sorted(): Float64Array {
      throw new TypeError('a string series cannot be sorted numerically')
    },
    distinctNumbers(): DistinctNumbers {
      throw new TypeError('a string series has no distinct numbers')
    },
    distinctCount(): number {
      return profile.valueCounts().size
    },
    valueCounts(): ReadonlyMap<DriftKey, number> {
      counts ??= countStrings(series)
      return counts
    },
    populationStandardDeviation(): number {
      throw new TypeError('a string series has no standard deviation')
    },
  }
  return profile
}

/** Index of the first NaN or ±inf, or −1 (a plain loop: `findIndex` calls a closure per value). */
function firstNonFinite(series: Float64Array): number {
  for (let i = 0; i < series.length; i++) if (!Number.isFinite(series[i])) return i
  return -1
}

/**
 * Count of each distinct string in first-seen order. One `Map` lookup per value (a boxed counter is
 * incremented in place) instead of a lookup and a store: a window's categorical columns hold tens of
 * thousands of values over a few distinct strings.
 */
function countStrings(series: readonly string[]): Map<DriftKey, number> {
  const boxes = new Map<string, { count: number }>()
  for (let i = 0; i < series.length; i++) {
    const value = series[i] as string
    const box = boxes.get(value)
    if (box === undefined) boxes.set(value, { count: 1 })
    else box.count++
  }
  const counts = new Map<DriftKey, number>()
  for (const [value, box] of boxes) counts.set(value, box.count)
  return counts
}

/** Distinct values and their counts of an ascending array (`===` groups 0 with −0, as pandas does). */
function runLengths(sorted: Float64Array): DistinctNumbers {
  let distinct = 0
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++
  const values = new Float64Array(distinct)
  const counts = new Float64Array(distinct)
  let k = -1
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) values[++k] = sorted[i]!
    counts[k]!++
  }
  return { values, counts }
}

/** The union of distinct values with each sample's count (0 where a value is absent). */
export interface AlignedValueCounts {
  /** Ascending for numbers; reference first-seen order, then current-only values, for strings. */
  readonly keys: readonly DriftKey[]
  readonly reference: Float64Array
  readonly current: Float64Array
}

/**
 * Counts of every distinct value of reference ∪ current in both samples — the `keys`, `ref_feature_dict` and
 * `current_feature_dict` that Evidently's chi-square, binning and Hellinger build. Numeric samples are merged
 * from their cached sorted distinct values in O(distinct).
 *
 * @throws {TypeError} if one sample is numeric and the other strings
 * @example alignedValueCounts(['a', 'b', 'a'], ['c']) // keys a, b, c; reference [2, 1, 0]; current [0, 0, 1]
 */
export function alignedValueCounts(
  reference: DriftSeries,
  current: DriftSeries,
): AlignedValueCounts {
  requireSameKind(reference, current)
  const referenceProfile = getSeriesProfile(reference)
  const currentProfile = getSeriesProfile(current)
  if (referenceProfile.isNumeric) {
    const left = referenceProfile.distinctNumbers()
    const right = currentProfile.distinctNumbers()
    const keys: number[] = []
    const referenceCounts: number[] = []
    const currentCounts: number[] = []
    let i = 0
    let j = 0
    while (i < left.values.length || j < right.values.length) {
      const a = i < left.values.length ? left.values[i]! : Infinity
      const b = j < right.values.length ? right.values[j]! : Infinity
      const takeLeft = i < left.values.length && (j >= right.values.length || a <= b)
      const takeRight = j < right.values.length && (i >= left.values.length || b <= a)
      keys.push(takeLeft ? a : b)
      referenceCounts.push(takeLeft ? left.counts[i++]! : 0)
      currentCounts.push(takeRight ? right.counts[j++]! : 0)
    }
    return {
      keys,
      reference: Float64Array.from(referenceCounts),
      current: Float64Array.from(currentCounts),
    }
  }
  const keys = unionKeys(reference, current)
  const referenceCounts = referenceProfile.valueCounts()
  const currentCounts = currentProfile.valueCounts()
  return {
    keys,
    reference: Float64Array.from(keys, (key) => referenceCounts.get(key) ?? 0),
    current: Float64Array.from(keys, (key) => currentCounts.get(key) ?? 0),
  }
}

/**
 * Distinct values of reference ∪ current, as Evidently's union of `unique()` sets: ascending for numbers,
 * reference first-seen order then current-only values for strings.
 *
 * @throws {TypeError} if one sample is numeric and the other strings
 */
export function unionKeys(reference: DriftSeries, current: DriftSeries): DriftKey[] {
  requireSameKind(reference, current)
  if (reference instanceof Float64Array) return [...alignedValueCounts(reference, current).keys]
  const keys = new Set<DriftKey>(getSeriesProfile(reference).valueCounts().keys())
  for (const key of getSeriesProfile(current).valueCounts().keys()) keys.add(key)
  return [...keys]
}

/**
 * Number of distinct values of reference ∪ current (pandas `concat(...).nunique()`), in O(distinct) once both
 * samples are profiled.
 *
 * @throws {TypeError} if one sample is numeric and the other strings
 */
export function unionDistinctCount(reference: DriftSeries, current: DriftSeries): number {
  requireSameKind(reference, current)
  if (reference instanceof Float64Array && current instanceof Float64Array) {
    const left = getSeriesProfile(reference).distinctNumbers().values
    const right = getSeriesProfile(current).distinctNumbers().values
    let count = 0
    let i = 0
    let j = 0
    while (i < left.length && j < right.length) {
      const a = left[i]!
      const b = right[j]!
      if (a <= b) i++
      if (b <= a) j++
      count++
    }
    return count + (left.length - i) + (right.length - j)
  }
  const referenceCounts = getSeriesProfile(reference).valueCounts()
  let count = referenceCounts.size
  for (const key of getSeriesProfile(current).valueCounts().keys())
    if (!referenceCounts.has(key)) count++
  return count
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
