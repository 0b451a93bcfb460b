import { type DriftKey, getSeriesProfile, requireSameKind } from '../series-profile'
import type { DriftSeries } from './stat-test'

export interface CategoryCodes {
  /** The distinct values of reference ∪ current in ascending order (numbers by value, strings by code unit). */
  readonly keys: readonly DriftKey[]
  readonly reference: Int32Array
  readonly current: Int32Array
}

/**
 * Encodes two categorical series as integer codes over their sorted union of distinct values.
 *
 * Why sorted: Evidently iterates categories in Python `set` order, which for strings depends on the
 * process's hash seed; where that order changes a result (float ties in TVD, which category Fisher's
 * table calls "one"), driftdesk uses this one fixed, documented order instead.
 *
 * @throws {TypeError} when one series is numeric and the other strings.
 * @example encodeCategories(['b', 'a'], ['c']).keys // ['a', 'b', 'c']
 */
export function encodeCategories(reference: DriftSeries, current: DriftSeries): CategoryCodes {
  requireSameKind(reference, current)
  const distinct = new Set<DriftKey>(getSeriesProfile(reference).valueCounts().keys())
  for (const key of getSeriesProfile(current).valueCounts().keys()) distinct.add(key)
  const keys = [...distinct].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const codeOf = new Map<DriftKey, number>(keys.map((key, code) => [key, code]))
  const encode = (series: DriftSeries): Int32Array =>
    Int32Array.from({ length: series.length }, (_, index) => codeOf.get(series[index]!)!)
  return { keys, reference: encode(reference), current: encode(current) }
}
