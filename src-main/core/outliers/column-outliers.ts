import type { ColumnOutliers } from '../../shared/domain/explain'
import type { NumericColumn } from '../data/frame'
import { isNullAt } from '../data/frame'
import { sortedFloat64 } from '../stats/sorted-float64'
import type { TukeyFences } from './tukey-fences'
import { tukeyFences } from './tukey-fences'

/** A reference column's fences and its own share outside them, computed once per reference. */
export interface ReferenceOutlierProfile extends TukeyFences {
  readonly column: string
  readonly outsideFencesShare: number
}

/** Non-null values of a numeric column (pandas `dropna()`). */
export function nonNullValues(column: NumericColumn): Float64Array {
  const out = new Float64Array(column.values.length)
  let n = 0
  for (let i = 0; i < column.values.length; i++)
    if (!isNullAt(column, i)) out[n++] = column.values[i] as number
  return out.subarray(0, n)
}

/**
 * The reference side of the outlier check: fences of the non-null values and the reference's own share
 * outside them (the baseline the suite's condition is derived from).
 * @throws {RangeError} when the column has no non-null values.
 * @example referenceOutlierProfile('x', { kind: 'float64', values: Float64Array.of(1, 2, 3, 4, 100), valid: null }).outsideFencesShare // 0.2
 */
export function referenceOutlierProfile(
  column: string,
  reference: NumericColumn,
): ReferenceOutlierProfile {
  const sorted = sortedFloat64(nonNullValues(reference))
  if (sorted.length === 0)
    throw new RangeError(`Column '${column}' has no values in the reference to draw fences from.`)
  const fences = tukeyFences(sorted)
  let outside = 0
  for (const value of sorted) if (value < fences.lowerFence || value > fences.upperFence) outside++
  return { column, ...fences, outsideFencesShare: outside / sorted.length }
}

/**
 * Share of a window's non-null values outside the reference's Tukey fences and outside the reference's
 * `[min, max]` (strictly: a value on a fence or at the min is inside). Nulls are left out of both the count
 * and the denominator (pandas' comparisons are False for NaN, and `dropna()` is what numpy is given).
 * An all-null window has shares null.
 *
 * @example // fences [−1, 7], range [1, 5]; window [0, 6, 8, null] → outside fences 1/3 (8), outside range 3/3
 */
export function columnOutliers(
  reference: ReferenceOutlierProfile,
  window: NumericColumn,
): ColumnOutliers {
  let n = 0
  let outsideFences = 0
  let outsideRange = 0
  for (let i = 0; i < window.values.length; i++) {
    if (isNullAt(window, i)) continue
    const value = window.values[i] as number
    n++
    if (value < reference.lowerFence || value > reference.upperFence) outsideFences++
    if (value < reference.min || value > reference.max) outsideRange++
  }
  return {
    column: reference.column,
    q1: reference.q1,
    q3: reference.q3,
    lowerFence: reference.lowerFence,
    upperFence: reference.upperFence,
    referenceMin: reference.min,
    referenceMax: reference.max,
    values: n,
    outsideFences,
    outsideFencesShare: n === 0 ? null : outsideFences / n,
    outsideRange,
    outsideRangeShare: n === 0 ? null : outsideRange / n,
    referenceOutsideFencesShare: reference.outsideFencesShare,
  }
}
